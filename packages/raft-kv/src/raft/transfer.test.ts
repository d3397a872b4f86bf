/**
 * Leadership transfer (dissertation §3.10): the leader brings the target up to date, then tells
 * it to time out at once; meanwhile it takes no proposals.
 */
import t from 'tap';
import { RaftError } from './errors.js';
import { Network, describe } from './testing/network.test.util.js';

t.test('§3.10 a transfer to an up-to-date follower: TimeoutNow at once, and it wins the next term', async (t) => {
  const net = new Network();
  net.elect('1');
  net.transferLeader('1', '2');
  t.same(net.queue.map(describe), ['1→2 timeoutNow t2']);
  net.stabilize();
  t.same(net.leaders(), ['2']);
  t.equal(net.raft('2').term, 3);
  t.match(net.raft('1'), { role: 'follower', lead: '2', leadTransferee: '' });
});

t.test('§3.10 a transfer to a lagging follower first brings it up to date', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.propose('1', 'x');
  net.propose('1', 'y');
  net.stabilize();
  net.heal();
  net.delivered = [];
  net.transferLeader('1', '3');
  t.equal(net.node('1').status().leadTransferee, '3');
  net.stabilize();
  const trace = net.delivered.filter((m) => m.to === '3' || m.from === '3').map(describe);
  t.same(
    trace.slice(0, 8),
    [
      '1→3 append t2 prev 4/2 [] commit 4',
      '3→1 appendResp t2 reject 4 hint 2/2',
      '1→3 append t2 prev 2/2 [3:2 4:2] commit 4',
      '3→1 appendResp t2 index 4',
      '1→3 append t2 prev 4/2 [] commit 4',
      '1→3 timeoutNow t2',
      '3→1 appendResp t2 index 4',
      '3→1 vote t3',
    ],
    'the leader repairs 3, and sends TimeoutNow as soon as 3 holds its whole log',
  );
  t.same(net.leaders(), ['3']);
  t.same(net.terms('3'), [1, 2, 2, 2, 3]);
});

t.test('§3.10 the leader refuses proposals while a transfer is under way', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.transferLeader('1', '3');
  t.throws(() => net.propose('1', 'x'), new RaftError('proposalDropped', 'leadership is being transferred to 3'));
  net.propose('2', 'y'); // forwarded by a follower: dropped without an error
  net.stabilize();
  t.equal(net.raft('1').log.lastIndex(), 2, 'nothing was appended');
});

t.test('§3.10 a transfer that does not finish within an election timeout is abandoned', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.transferLeader('1', '3');
  net.run(10);
  t.equal(net.node('1').status().leadTransferee, '');
  t.same(net.leaders(), ['1'], '1 still leads');
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('2').log.committed, 3, 'and takes proposals again');
});

t.test('§3.10 a transfer goes only from the leader to another voter', async (t) => {
  const net = new Network({ voters: ['1', '2'], learners: ['3'] });
  net.elect('1');
  const refused = (to: string) =>
    new RaftError('proposalDropped', `cannot transfer leadership to ${to}: not another voter`);
  t.throws(() => net.transferLeader('1', '3'), refused('3'), 'not to a learner');
  t.throws(() => net.transferLeader('1', '9'), refused('9'), 'not to a stranger');
  t.throws(() => net.transferLeader('1', '1'), refused('1'), 'not to itself');
  t.throws(() => net.transferLeader('2', '1'), new RaftError('proposalDropped', 'not the leader (leader is 1)'));
  t.equal(net.node('1').status().leadTransferee, '');
  net.inject({ type: 'timeoutNow', from: '1', to: '3', term: 2 });
  t.equal(net.raft('3').role, 'follower', 'a learner told to time out does not campaign');
});

t.test('§3.10 asking twice for the same transfer changes nothing', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.transferLeader('1', '3');
  const sent = net.dropped.length;
  net.transferLeader('1', '3');
  t.equal(net.dropped.length, sent, 'no second round of messages');
});

t.test('§3.10 a transfer bypasses PreVote and leader stickiness', async (t) => {
  const net = new Network({ config: { preVote: true, checkQuorum: true } });
  net.elect('1');
  net.run(3);
  net.delivered = [];
  net.transferLeader('1', '2');
  net.stabilize();
  t.same(net.leaders(), ['2']);
  t.ok(
    net.delivered.some((m) => m.type === 'vote' && m.from === '2' && m.transfer === true),
    'the target asks for real votes at once, marked as a transfer',
  );
  t.notOk(
    net.delivered.some((m) => m.type === 'preVote'),
    'no pre-vote',
  );
});
