/**
 * Committing entries from previous terms (Raft §5.4.2): the Figure 8 scenario, scripted step by
 * step on five members, with the correct rule and with the deliberate bug that breaks it.
 */
import t from 'tap';
import { Network } from './testing/network.test.util.js';
import type { Message } from './types.js';

const isVote = (m: Message) => m.type === 'vote';
const isVoteResp = (m: Message) => m.type === 'voteResp';
const isAppend = (m: Message) => m.type === 'append';
const isAppendResp = (m: Message) => m.type === 'appendResp';

/**
 * Figure 8 (a) to (c). S1 sends one entry per append, so that an entry of an earlier term can
 * reach a follower without S1's entry of the current term.
 */
function figure8(commitPreviousTermByCount: boolean): Network {
  const bugs = { commitPreviousTermByCount };
  const net = new Network({
    voters: ['1', '2', '3', '4', '5'],
    config: { bugs },
    configOf: { '1': { bugs, maxSizePerMsg: 1 } },
  });

  // (a) S1 leads term 2; its entry at index 2 (the no-op of term 2) reaches S2 only.
  net.drop((m) => isAppend(m) && m.from === '1' && m.to !== '2');
  net.elect('1');
  net.crash('1');
  net.heal();

  // (b) S5 is elected in term 3 by S3, S4 and itself, appends a different entry at index 2, and crashes.
  net.drop((m) => isAppend(m) && m.from === '5');
  net.elect('5');
  net.crash('5');
  net.heal();

  // (c) S1 restarts. Term 3 is taken (S3 and S4 voted for S5 in it), so S1 wins term 4, with S2, S3 and S4.
  net.restart('1');
  net.elect('1');
  net.campaign('1');
  net.deliver(isVote);
  net.deliver(isVoteResp);
  // S1's first appends carry its term-4 entry at index 3: the one to S2 is lost; S3 and S4
  // refuse theirs (they lack index 2), and S1 backs off and sends them index 2 alone.
  net.take((m) => isAppend(m) && m.to === '2');
  net.deliver(isAppend);
  net.deliver(isAppendResp);
  net.deliver(isAppend);
  net.deliver(isAppendResp); // S3 and S4 now hold index 2 of term 2: it is on S1, S2, S3 and S4
  return net;
}

/** Figure 8 (d): S1 crashes before anything else gets out; S5 restarts and is elected. */
function figure8d(net: Network): void {
  net.take(() => true);
  net.crash('1');
  net.restart('5');
  net.elect('5'); // term 4 is taken (S2, S3 and S4 voted for S1 in it)
  net.elect('5'); // term 5: S5's last entry (term 3) is newer than S2, S3 and S4's (term 2)
}

t.test('§5.4.2 Figure 8: a leader does not commit an entry of an earlier term by counting replicas', async (t) => {
  const net = figure8(false);
  t.match(net.raft('1'), { role: 'leader', term: 4 });
  t.same(net.terms('1'), [1, 2, 4]);
  for (const id of ['2', '3', '4']) t.same(net.terms(id), [1, 2], `${id} holds index 2 of term 2`);
  t.equal(net.raft('1').log.committed, 1, 'index 2 is on four of five members, and still not committed');

  figure8d(net);
  t.match(net.raft('5'), { role: 'leader', term: 5 });
  for (const id of ['2', '3', '4', '5']) t.same(net.terms(id), [1, 3, 5], `${id}: index 2 is now of term 3`);
  t.same(net.violations, [], 'overwriting index 2 was safe: no one had applied it');
});

t.test('bugs.commitPreviousTermByCount: the same script commits index 2, which is then overwritten', async (t) => {
  const net = figure8(true);
  t.equal(net.raft('1').log.committed, 2, 'S1 counts S1, S3 and S4 and commits index 2 of term 2');
  t.match(net.applied.get('1'), [{ index: 2, term: 2 }], 'and applies it');

  figure8d(net);
  t.match(net.raft('5'), { role: 'leader', term: 5 });
  t.same(net.terms('2'), [1, 3, 5], 'S5 overwrites the committed entry');
  t.match(net.violations, [/^index 2: 1 applied term 2, \d applied term 3$/], 'State Machine Safety is broken');
});

t.test('§5.4.2 Figure 8 (e): once S1 commits an entry of its own term, S5 cannot be elected', async (t) => {
  const net = figure8(false);
  net.stabilize(); // S1's term-4 entry reaches S3 and S4 this time
  t.equal(net.raft('1').log.committed, 3, 'committing index 3 of term 4 commits index 2 with it');
  t.same(net.terms('3'), [1, 2, 4]);
  net.crash('1');
  net.restart('5');
  for (let i = 0; i < 3; i++) t.not(net.elect('5'), 'leader', `attempt ${i + 1}: S3 and S4 refuse S5`);
  t.equal(net.elect('3'), 'leader');
  net.stabilize();
  for (const id of ['2', '3', '4', '5']) {
    t.same(net.terms(id).slice(0, 3), [1, 2, 4], `${id}: index 2 keeps its term-2 entry`);
  }
  t.same(net.violations, []);
});
