/**
 * Linearizable reads without writing to the log: ReadIndex (dissertation §6.4) and lease-based
 * reads (§6.4.1), and the deliberate bug that answers reads without either.
 */
import t from 'tap';
import { RaftError } from './errors.js';
import { Network, describe, text } from './testing/network.test.util.js';
import type { Message, NodeId } from './types.js';

const reads = (net: Network, id: NodeId) => net.reads(id).map((r) => [r.index, text(r.context)]);
const isHeartbeat = (m: Message) => m.type === 'heartbeat';

t.test('§6.4 a new leader answers a read only after it committed an entry of its term', async (t) => {
  const net = new Network();
  net.campaign('1');
  net.deliver((m) => m.type === 'vote');
  net.deliver((m) => m.type === 'voteResp');
  t.equal(net.raft('1').role, 'leader');
  net.readIndex('1', 'r1');
  t.same(net.queue.filter(isHeartbeat), [], 'it does not even ask: its commit index may be stale');
  net.deliver((m) => m.type === 'append');
  net.deliver((m) => m.type === 'appendResp');
  t.equal(net.raft('1').log.committed, 2, 'the no-op is committed');
  t.same(reads(net, '1'), [], 'still no answer: the heartbeat round is under way');
  net.stabilize();
  t.same(reads(net, '1'), [[2, 'r1']]);
});

t.test('§6.4 a read waits for a quorum to acknowledge a heartbeat sent after it arrived', async (t) => {
  const net = new Network();
  net.elect('1');
  net.readIndex('1', 'r1');
  t.same(
    net.queue.map((m) => `${describe(m)} ${text(m.context ?? new Uint8Array())}`),
    ['1→2 heartbeat t2 r1', '1→3 heartbeat t2 r1'],
  );
  net.deliver((m) => m.to === '2');
  t.same(reads(net, '1'), [], 'not yet');
  net.deliver((m) => m.from === '2');
  t.same(reads(net, '1'), [[2, 'r1']], '1 and 2 are a quorum: the read may be served once applied reaches 2');
  net.stabilize();
  t.same(reads(net, '1'), [[2, 'r1']], 'answered once');
});

t.test('§6.4 one heartbeat round confirms every read queued before it', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('1');
  net.readIndex('1', 'r1');
  net.propose('1', 'x');
  net.readIndex('1', 'r2');
  net.heal();
  net.tick(1, ['1']); // the heartbeat carries the newest pending context, r2
  net.deliver(isHeartbeat);
  net.deliver((m) => m.type === 'heartbeatResp' && text(m.context ?? new Uint8Array()) === 'r2');
  t.same(
    reads(net, '1'),
    [
      [2, 'r1'],
      [2, 'r2'],
    ],
    'both released, each at the commit index it saw',
  );
});

t.test('§6.4 a deposed leader cut off from the others never answers a read', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('1');
  net.elect('2');
  net.propose('2', 'x');
  net.stabilize();
  t.equal(net.raft('2').log.committed, 4, 'the new leader committed x');
  t.equal(net.raft('1').role, 'leader', 'the old one still believes it leads');
  net.readIndex('1', 'r1');
  net.run(50);
  t.same(reads(net, '1'), [], 'no quorum ever confirms it');
  net.heal();
  net.run(5);
  t.same(reads(net, '1'), [], 'and once it hears of term 3 the read is dropped');
  t.equal(net.raft('1').lead, '2');
});

t.test('bugs.readWithoutReadIndex: a deposed leader cut off from the others answers a stale read', async (t) => {
  const net = new Network({ config: { bugs: { readWithoutReadIndex: true } } });
  net.elect('1');
  net.cut('1');
  net.elect('2');
  net.propose('2', 'x');
  net.stabilize();
  net.readIndex('1', 'r1');
  t.same(reads(net, '1'), [[2, 'r1']], 'answered at once, at its own commit index');
  t.ok(net.raft('2').log.committed > 2, 'but x was committed at index 4 before the read began');
  t.same(
    (net.applied.get('1') ?? []).map((e) => text(e.data)),
    [''],
    'serving at index 2 misses x: the read is stale',
  );
});

t.test('§6.4 a follower forwards a read to the leader and serves it at the index it gets back', async (t) => {
  const net = new Network();
  net.elect('1');
  net.propose('1', 'x');
  net.stabilize();
  net.readIndex('2', 'r1');
  net.stabilize();
  t.same(reads(net, '2'), [[3, 'r1']]);
  t.same(net.delivered.filter((m) => m.type.startsWith('readIndex')).map(describe), [
    '2→1 readIndex t0',
    '1→2 readIndexResp t2',
  ]);
});

t.test('§6.4 a read needs a known leader', async (t) => {
  const net = new Network();
  t.throws(() => net.readIndex('2', 'r1'), new RaftError('proposalDropped', 'no leader is known'));
  net.campaign('2');
  net.inject({ type: 'readIndex', from: '3', to: '2', term: 0, context: new Uint8Array([1]) });
  t.same(
    net.queue.filter((m) => m.type === 'readIndexResp'),
    [],
    'a candidate drops forwarded reads',
  );
});

t.test('§6.4 acknowledgements of learners do not count toward the read quorum', async (t) => {
  const net = new Network({ voters: ['1', '2'], learners: ['3'] });
  net.elect('1');
  net.cut('1', '2');
  net.readIndex('1', 'r1');
  net.run(20);
  t.ok(
    net.delivered.some((m) => m.type === 'heartbeatResp' && m.from === '3'),
    'the learner acknowledged',
  );
  t.same(reads(net, '1'), [], 'but 1 of 2 voters is no quorum');
});

t.test('§6.4 a single voter answers reads once its term has a committed entry', async (t) => {
  const net = new Network({ voters: ['1'] });
  net.pause('1');
  net.campaign('1');
  net.readIndex('1', 'r1');
  t.same(reads(net, '1'), []);
  net.resume('1');
  t.same(reads(net, '1'), [[2, 'r1']], 'the no-op is persisted, hence committed');
  net.readIndex('1', 'r2');
  t.same(reads(net, '1')[1], [2, 'r2'], 'later reads are answered at once');
});

t.test('§6.4.1 lease-based reads need CheckQuorum', async (t) => {
  t.throws(
    () => new Network({ config: { readOnlyOption: 'leaseBased' } }),
    /leaseBased reads need checkQuorum/,
    'a deposed leader could otherwise serve stale reads',
  );
});

t.test('§6.4.1 with a lease a leader answers without a heartbeat round', async (t) => {
  const net = new Network({ config: { readOnlyOption: 'leaseBased', checkQuorum: true } });
  net.elect('1');
  net.readIndex('1', 'r1');
  t.same(net.queue, [], 'no heartbeat round');
  t.same(reads(net, '1'), [[2, 'r1']]);
  net.readIndex('2', 'r2');
  net.stabilize();
  t.same(reads(net, '2'), [[2, 'r2']], 'a follower still goes through the leader');
});

t.test('§6.4.1 a lease lasts an election timeout from the last quorum contact, not until the step-down', async (t) => {
  // Wherever the cut falls in the leader's CheckQuorum period, the cut-off leader must not
  // serve a lease read once the others may have elected a new leader (a regression test: the
  // leader used to serve lease reads until it stepped down, up to two election timeouts later).
  for (let offset = 0; offset < 10; offset++) {
    const net = new Network({ config: { readOnlyOption: 'leaseBased', checkQuorum: true } });
    net.elect('1');
    net.run(offset);
    net.cut('1');
    for (let tick = 1; tick <= 30; tick++) {
      net.run(1);
      const [other] = net.leaders().filter((id) => id !== '1');
      if (other === undefined || net.raft('1').role !== 'leader') continue;
      net.propose(other, `w${tick}`);
      net.stabilize();
      net.readIndex('1', `r${tick}`);
      const stale = net.reads('1').filter((r) => r.index < net.raft(other).log.committed);
      if (stale.length > 0) {
        t.fail(
          `cut after ${offset} ticks: at tick ${tick} 1 served a read at ${stale[0]?.index} though ${other} committed a write`,
        );
        break;
      }
    }
  }
  t.pass('no stale lease read');
});

t.test('§6.4.1 a lease lasts an election timeout from the last quorum contact, then CheckQuorum deposes', async (t) => {
  const net = new Network({ config: { readOnlyOption: 'leaseBased', checkQuorum: true } });
  net.elect('1');
  net.run(10);
  net.cut('1');
  net.run(5);
  t.equal(net.raft('1').role, 'leader', 'cut off for half an election timeout: still leader');
  net.readIndex('1', 'r1');
  t.same(reads(net, '1'), [[2, 'r1']], 'served from the lease, without a round');
  net.run(5);
  t.not(net.raft('1').role, 'leader', 'stepped down one election timeout after the last answer');
  t.throws(() => net.readIndex('1', 'r2'), /no leader/, 'and serves no more lease reads');
});

t.test('§6.4.1 a leader gives up its lease when it hands leadership over (TimeoutNow)', async (t) => {
  const net = new Network({ config: { readOnlyOption: 'leaseBased', checkQuorum: true } });
  net.elect('1');
  net.transferLeader('1', '2');
  net.deliver((m) => m.type === 'timeoutNow');
  net.cut('1');
  net.stabilize();
  t.same(net.leaders().sort(), ['1', '2'], '2 won term 3 with 3; 1 has not heard of it');
  net.propose('2', 'w');
  net.stabilize();
  net.readIndex('1', 'r1');
  t.same(reads(net, '1'), [], 'no lease read: 2 may already lead, as here');
});
