/**
 * Log replication (Raft §5.3) and the leader's flow control: probe and replicate states,
 * pipelining within an in-flight window, batching, fast back-off.
 */
import t from 'tap';
import { Network, describe, entry, text } from './testing/network.test.util.js';
import type { Message, NodeId } from './types.js';

const appendsTo = (net: Network, id: NodeId) => net.queue.filter((m) => m.type === 'append' && m.to === id);
const rejectsFrom = (net: Network, id: NodeId) =>
  net.delivered.filter((m) => m.type === 'appendResp' && m.from === id && m.reject === true);
const data = (net: Network, id: NodeId) => (net.applied.get(id) ?? []).map((e) => text(e.data)).filter((s) => s);

t.test('§5.3 a new leader appends a no-op of its term, and commits it with a majority', async (t) => {
  const net = new Network();
  net.elect('1');
  const last = net.raft('1').log.lastIndex();
  t.equal(last, 2);
  t.match(net.raft('1').log.slice(2, 3, Infinity), [{ index: 2, term: 2, type: 'normal', data: new Uint8Array() }]);
  for (const id of ['1', '2', '3']) {
    t.equal(net.raft(id).log.committed, 2, `${id} knows the no-op is committed`);
    t.same(net.terms(id), [1, 2]);
  }
});

t.test('§5.3 an entry is committed once a majority stores it, and then applied everywhere', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('1').log.committed, 3, 'the leader and 2 are a majority');
  t.same(data(net, '1'), ['x'], 'and the leader applied it');
  t.same(data(net, '3'), [], '3 has not even seen it');
  net.heal();
  net.run(1);
  t.same(data(net, '3'), ['x'], 'the next heartbeat brings 3 up to date');
  t.same(net.violations, []);
});

t.test('§5.3 Log Matching: an append whose previous entry does not match is refused', async (t) => {
  const net = new Network({ logs: { '2': [1, 2, 2] } });
  net.inject({ type: 'append', from: '1', to: '2', term: 3, index: 3, logTerm: 3, entries: [entry(4, 3)], commit: 1 });
  t.same(net.queue.map(describe), ['2→1 appendResp t3 reject 3 hint 3/2'], 'with a hint: my entry 3 is of term 2');
  t.same(net.terms('2'), [1, 2, 2], 'the log is unchanged');

  net.inject({ type: 'append', from: '1', to: '2', term: 3, index: 7, logTerm: 3, entries: [], commit: 1 });
  t.same(net.queue.slice(1).map(describe), ['2→1 appendResp t3 reject 7 hint 3/2'], 'past my end: hint my last');
});

t.test('§5.3 a conflicting suffix is replaced by the leader entries', async (t) => {
  const net = new Network({ logs: { '2': [1, 2, 2, 2] } });
  net.inject({ type: 'append', from: '1', to: '2', term: 3, index: 2, logTerm: 2, entries: [entry(3, 3)], commit: 1 });
  t.same(net.queue.map(describe), ['2→1 appendResp t3 index 3']);
  t.same(net.terms('2'), [1, 2, 3], 'entry 3 replaced and entry 4 dropped');
});

t.test('§5.3 an append whose entries all match does not truncate what follows (a stale retransmit)', async (t) => {
  const net = new Network({ logs: { '2': [1, 2, 2, 2] } });
  net.inject({ type: 'append', from: '1', to: '2', term: 2, index: 1, logTerm: 1, entries: [entry(2, 2)], commit: 1 });
  t.same(net.terms('2'), [1, 2, 2, 2]);
  t.same(net.queue.map(describe), ['2→1 appendResp t2 index 2']);
});

t.test('§5.3 committed entries are never overwritten: an append below the commit index is ignored', async (t) => {
  const net = new Network();
  net.elect('1');
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('2').log.committed, 3);
  net.inject({ type: 'append', from: '1', to: '2', term: 2, index: 1, logTerm: 1, entries: [entry(2, 9)], commit: 1 });
  t.same(net.terms('2'), [1, 2, 2], 'the committed entries stay');
  t.same(net.queue.map(describe), ['2→1 appendResp t2 index 3'], 'the answer is the commit index');
});

t.test('§5.3 Figure 7: a new leader brings every possible follower log in line with its own', async (t) => {
  const net = new Network({
    voters: ['L', 'a', 'b', 'c', 'd', 'e', 'f'],
    term: 7,
    logs: {
      L: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
      a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
      b: [1, 1, 1, 4],
      c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
      d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
      e: [1, 1, 1, 4, 4, 4, 4],
      f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    },
  });
  t.equal(net.elect('L'), 'leader', 'a, b, e and f vote for L (c and d have more up-to-date logs)');
  t.equal(net.raft('L').term, 8);
  const expected = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
  for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) {
    t.same(net.terms(id), expected, `${id} now holds the leader log`);
    t.ok(rejectsFrom(net, id).length <= 1, `${id} was repaired with ${rejectsFrom(net, id).length} refused append`);
  }
  t.equal(net.raft('L').log.committed, 11);
  t.same(net.violations, []);
});

t.test('§5.3 fast back-off: a 50-entry divergent tail is repaired with one refused append', async (t) => {
  const net = new Network({
    logs: {
      '1': [1, ...Array<number>(50).fill(2)], // a deposed leader's uncommitted tail
      '2': [1, ...Array<number>(60).fill(3)],
      '3': [1, ...Array<number>(60).fill(3)],
    },
  });
  net.elect('2');
  const refused = rejectsFrom(net, '1');
  t.same(refused.map(describe), ['1→2 appendResp t4 reject 61 hint 51/2'], 'one round trip skips the whole term 2');
  const appends = net.delivered.filter((m) => m.type === 'append' && m.to === '1' && m.entries?.length);
  t.same(
    appends.map((m) => [m.index, m.entries?.length]),
    [
      [61, 1],
      [1, 61],
    ],
    'the second append already fits: it replaces the tail from index 2',
  );
  t.same(net.terms('1'), net.terms('2'));
  t.equal(net.raft('1').log.lastIndex(), 62);
});

t.test('§5.3 a follower that lacks a suffix tells the leader where its log ends', async (t) => {
  const net = new Network({ logs: { '1': [1, 2, 2, 2, 2, 2], '2': [1, 2, 2, 2, 2, 2], '3': [1, 2] } });
  net.elect('1');
  t.same(rejectsFrom(net, '3').map(describe), ['3→1 appendResp t3 reject 6 hint 2/2']);
  t.same(net.terms('3'), [1, 2, 2, 2, 2, 2, 3]);
});

t.test('pipelining: in replicate state the leader sends each proposal at once, several in flight', async (t) => {
  const net = new Network();
  net.elect('1');
  for (const x of ['a', 'b', 'c']) net.propose('1', x);
  t.same(
    appendsTo(net, '2').map(describe),
    [
      '1→2 append t2 prev 2/2 [3:2] commit 2',
      '1→2 append t2 prev 3/2 [4:2] commit 2',
      '1→2 append t2 prev 4/2 [5:2] commit 2',
    ],
    'three appends in flight without waiting for an answer',
  );
  t.match(net.node('1').status().progress.get('2'), { state: 'replicate', match: 2, next: 6 });
  net.stabilize();
  t.same(data(net, '2'), ['a', 'b', 'c']);
});

t.test('flow control: at most maxInflightMsgs appends in flight; the rest go out batched', async (t) => {
  const net = new Network({ config: { maxInflightMsgs: 2 } });
  net.elect('1');
  for (const x of ['a', 'b', 'c', 'd', 'e']) net.propose('1', x);
  t.equal(appendsTo(net, '2').length, 2, 'the window of two is full');
  t.equal(net.raft('1').tracker.progress.get('2')?.isPaused(), true);
  net.deliver((m) => m.to === '2' || m.to === '3');
  net.deliver((m) => m.to === '1');
  t.same(
    appendsTo(net, '2').map(describe),
    ['1→2 append t2 prev 4/2 [5:2 6:2 7:2] commit 3', '1→2 append t2 prev 7/2 [] commit 4'],
    'the three waiting proposals travel in one append (then an empty one carries the new commit index)',
  );
  net.stabilize();
  t.same(data(net, '3'), ['a', 'b', 'c', 'd', 'e']);
});

t.test('flow control: maxInflightBytes bounds the bytes in flight', async (t) => {
  // Each entry counts its 100 bytes + 16: the window is full once 300 bytes are in flight.
  const net = new Network({ config: { maxInflightBytes: 300 } });
  net.elect('1');
  for (let i = 0; i < 5; i++) net.propose('1', String(i).repeat(100));
  t.equal(appendsTo(net, '2').length, 3, '116 + 116 < 300 lets a third out; 348 closes the window');
  net.stabilize();
  t.equal(net.raft('2').log.committed, 7, 'all five arrive in the end');
});

t.test('batching: maxSizePerMsg bounds one append', async (t) => {
  const net = new Network({ config: { maxSizePerMsg: 250, maxInflightMsgs: 1 } });
  net.elect('1');
  for (let i = 0; i < 5; i++) net.propose('1', String(i).repeat(100));
  net.deliver((m) => m.to === '2');
  net.deliver((m) => m.to === '1' && m.from === '2');
  t.same(
    appendsTo(net, '2').map((m) => m.entries?.length),
    [2],
    'two entries of 116 bytes fit in 250, a third would not',
  );
});

t.test('probe state: one append at a time until the follower answers', async (t) => {
  const net = new Network();
  net.elect('1');
  net.node('1').reportUnreachable('3');
  t.equal(net.node('1').status().progress.get('3')?.state, 'probe');
  for (const x of ['a', 'b', 'c']) net.propose('1', x);
  t.equal(appendsTo(net, '3').length, 1, 'a single probe');
  t.equal(appendsTo(net, '2').length, 3, 'while 2 is pipelined');
  net.stabilize();
  t.equal(net.node('1').status().progress.get('3')?.state, 'replicate', 'the answer switches 3 back to replicate');
  t.same(data(net, '3'), ['a', 'b', 'c']);
});

t.test('lost appends are sent again after the next heartbeat, even with a full window', async (t) => {
  const net = new Network({ config: { maxInflightMsgs: 2 } });
  net.elect('1');
  net.drop((m) => m.type === 'append' && m.to === '3');
  for (const x of ['a', 'b', 'c', 'd']) net.propose('1', x);
  net.stabilize();
  t.equal(net.raft('1').tracker.progress.get('3')?.inflights.full(), true, 'two appends lost, the window stays full');
  net.heal();
  net.run(1);
  t.same(data(net, '3'), ['a', 'b', 'c', 'd'], 'the heartbeat answer frees a slot and the follower is repaired');
});

t.test('a heartbeat carries min(match, commit): a follower never commits what it may not have', async (t) => {
  const net = new Network();
  net.elect('1');
  net.drop((m) => m.type === 'append' && m.to === '3');
  net.propose('1', 'x');
  net.stabilize();
  net.tick(1, ['1']);
  const heartbeats = net.queue.filter((m) => m.type === 'heartbeat');
  t.same(
    heartbeats.map((m: Message) => [m.to, m.commit]),
    [
      ['2', 3],
      ['3', 2],
    ],
  );
});

t.test('a stale or duplicate append answer changes nothing', async (t) => {
  const net = new Network();
  net.elect('1');
  net.propose('1', 'x');
  net.stabilize();
  const before = net.node('1').status().progress.get('2');
  net.inject({ type: 'appendResp', from: '2', to: '1', term: 2, index: 2 });
  net.inject({ type: 'appendResp', from: '2', to: '1', term: 2, index: 1, reject: true, rejectHint: 1 });
  t.same(net.node('1').status().progress.get('2'), before);
  t.same(net.queue, []);
});

t.test('a follower that catches up on entries already committed learns the commit index at once', async (t) => {
  const net = new Network({ config: { maxInflightMsgs: 1 } });
  net.elect('1');
  net.drop((m) => m.type === 'append' && m.to === '3');
  net.propose('1', 'x');
  net.stabilize();
  net.heal();
  net.tick(1, ['1']);
  net.stabilize();
  t.equal(net.raft('3').log.committed, 3, 'the leader follows the acknowledgement with the commit index');
  t.same(data(net, '3'), ['x']);
});

t.test('flow control: one acknowledgement that frees several slots refills the whole window', async (t) => {
  const net = new Network({ config: { maxInflightMsgs: 2, maxSizePerMsg: 1 } });
  net.elect('1');
  for (const x of ['a', 'b', 'c', 'd']) net.propose('1', x);
  net.deliver((m) => m.to === '3');
  net.take((m) => m.from === '3' && m.index === 3); // the answer to [a] is lost; the one to [b] covers it
  net.deliver((m) => m.from === '3');
  t.same(
    appendsTo(net, '3').map(describe),
    ['1→3 append t2 prev 4/2 [5:2] commit 4', '1→3 append t2 prev 5/2 [6:2] commit 4'],
    'c and d go out together, one entry per append',
  );
});
