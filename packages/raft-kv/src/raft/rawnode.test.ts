/**
 * The RawNode and its Ready contract: what must be persisted before what is sent, when a leader
 * may count its own log, what the hard state and mustSync say, and status().
 */
import t from 'tap';
import { RaftError } from './errors.js';
import { RawNode } from './rawnode.js';
import { Network, bytes, describe, seededRandom } from './testing/network.test.util.js';
import type { Message } from './types.js';

t.test('Ready: a leader sends appends at once; answers wait in messagesAfterPersist', async (t) => {
  const net = new Network();
  net.elect('1');
  net.propose('1', 'x');
  const leaderReady = net.readies.get('1')?.at(-1);
  t.same(leaderReady?.messages.map(describe), [
    '1→2 append t2 prev 2/2 [3:2] commit 2',
    '1→3 append t2 prev 2/2 [3:2] commit 2',
  ]);
  t.same(leaderReady?.messagesAfterPersist, [], 'appends may go out before the leader own fsync');
  t.same(
    leaderReady?.entries.map((e) => e.index),
    [3],
    'in the same Ready as the entries to persist',
  );
  net.deliver((m) => m.to === '2');
  const followerReady = net.readies.get('2')?.at(-1);
  t.same(followerReady?.messages, []);
  t.same(
    followerReady?.messagesAfterPersist.map(describe),
    ['2→1 appendResp t2 index 3'],
    'an acknowledgement promises the entry is on disk: it waits for the fsync',
  );
  net.tick(1, ['1']);
  t.same(
    net.readies
      .get('1')
      ?.at(-1)
      ?.messages.map((m) => m.type),
    ['heartbeat', 'heartbeat'],
    'heartbeats go at once',
  );
});

t.test('Ready: a leader counts its own log toward commit only after advance() reports it persisted', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.pause('1'); // the test plays the application of 1 by hand
  const leader = net.node('1');
  leader.propose(bytes('x'));
  const rd = leader.ready();
  t.same(
    rd.entries.map((e) => e.index),
    [3],
  );
  for (const m of rd.messages) if (m.to === '2') net.inject(m);
  net.deliver((m) => m.to === '1'); // 2 acknowledges index 3
  t.equal(leader.raft.log.committed, 2, '2 has index 3, but 1 has not persisted it: no majority yet');
  net.storage('1').append(rd.entries);
  leader.advance(rd);
  t.equal(leader.raft.log.committed, 3, 'persisted: 1 and 2 are a majority');
  t.same(
    leader.ready().committedEntries.map((e) => e.index),
    [3],
  );
});

t.test('Ready: two followers that persisted make a majority without the leader', async (t) => {
  const net = new Network();
  net.elect('1');
  net.pause('1');
  const leader = net.node('1');
  leader.propose(bytes('x'));
  const rd = leader.ready();
  for (const m of rd.messages) net.inject(m);
  net.deliver((m) => m.to === '1');
  t.equal(leader.raft.log.committed, 3, 'committed while the leader fsync is still under way');
});

t.test('Ready: hardState appears when it changed; mustSync only for term, vote or entries', async (t) => {
  const net = new Network();
  net.campaign('1');
  t.match(net.readies.get('1')?.at(-1), { hardState: { term: 2, vote: '1', commit: 1 }, mustSync: true });
  net.stabilize();
  net.propose('1', 'x');
  net.stabilize();
  const readies = net.readies.get('3') ?? [];
  const commitOnly = readies.find((rd) => rd.hardState?.commit === 3);
  t.match(
    commitOnly,
    { hardState: { term: 2, vote: '1', commit: 3 }, entries: [], mustSync: false },
    'a new commit index alone need not be fsynced',
  );
  t.same(
    readies.filter((rd) => rd.softState).map((rd) => rd.softState),
    [{ leader: '1', role: 'follower' }],
    'the soft state shows once, when 3 learns the leader',
  );
  t.equal(net.node('3').hasReady(), false, 'nothing left after advance');
});

t.test('Ready: a Ready hands out each entry once, and committed entries up to the apply limit', async (t) => {
  const net = new Network({ configOf: { '2': { maxCommittedSizePerReady: 100 } } });
  net.elect('1');
  net.pause('2');
  for (let i = 0; i < 3; i++) net.propose('1', String(i).repeat(100));
  net.stabilize();
  net.tick(1, ['1']);
  net.deliver();
  net.resume('2');
  const readies = net.readies.get('2') ?? [];
  const withEntries = readies.filter((rd) => rd.committedEntries.length > 0).map((rd) => rd.committedEntries.length);
  t.ok(withEntries.length >= 3, `committed entries came over ${withEntries.length} Readies`);
  t.ok(
    withEntries.every((n) => n === 1),
    'one entry per Ready: each is over the 100-byte limit, and a Ready holds at least one',
  );
  const persisted = readies.flatMap((rd) => rd.entries.map((e) => e.index));
  t.same(persisted, [...new Set(persisted)], 'no entry handed out twice');
});

t.test('Ready: a restarted member applies from the applied index it was given', async (t) => {
  const net = new Network();
  net.elect('1');
  for (const x of ['a', 'b', 'c']) net.propose('1', x);
  net.stabilize();
  net.crash('2');
  const node = new RawNode({
    id: '2',
    storage: net.storage('2'),
    electionTick: 10,
    heartbeatTick: 1,
    random: seededRandom(1),
    applied: 3,
  });
  t.match(node.status(), { term: 2, vote: '1', commit: 5, applied: 3, lastIndex: 5, role: 'follower' });
  t.same(
    node.ready().committedEntries.map((e) => e.index),
    [4, 5],
  );
});

t.test('status(): a leader reports each member progress; a follower reports none', async (t) => {
  const net = new Network({ voters: ['1', '2'], learners: ['3'] });
  net.elect('1');
  net.propose('1', 'x'); // appended and persisted by 1, not yet delivered
  const status = net.node('1').status();
  t.match(status, {
    id: '1',
    term: 2,
    vote: '1',
    commit: 2,
    applied: 2,
    lastIndex: 3,
    lead: '1',
    role: 'leader',
    confState: { voters: ['1', '2'], learners: ['3'] },
    leadTransferee: '',
  });
  t.same(Object.fromEntries(status.progress), {
    '1': { match: 3, next: 4, state: 'replicate', recentActive: false, isLearner: false },
    '2': { match: 2, next: 4, state: 'replicate', recentActive: true, isLearner: false },
    '3': { match: 2, next: 4, state: 'replicate', recentActive: true, isLearner: true },
  });
  t.equal(net.node('2').status().progress.size, 0);
});

t.test('RawNode: requests that need a leader are refused without one', async (t) => {
  const net = new Network();
  const noLeader = new RaftError('proposalDropped', 'no leader is known');
  t.throws(() => net.propose('1', 'x'), noLeader);
  t.throws(() => net.proposeConfChange('1', { type: 'removeNode', nodeId: '3' }), noLeader);
  t.throws(() => net.readIndex('1', 'r'), noLeader);
});

t.test('RawNode: a message for another member is a programmer error', async (t) => {
  const net = new Network();
  t.throws(() => net.node('1').step({ type: 'heartbeat', from: '2', to: '3', term: 1 }), /stepped into 1/);
});

t.test('RawNode: an answer from a removed member is ignored', async (t) => {
  const net = new Network();
  net.elect('1');
  net.proposeConfChange('1', { type: 'removeNode', nodeId: '3' });
  net.stabilize();
  const before = net.node('1').status();
  net.inject({ type: 'appendResp', from: '3', to: '1', term: 2, index: 99 } satisfies Message);
  net.inject({ type: 'heartbeatResp', from: '3', to: '1', term: 2 } satisfies Message);
  t.same(net.node('1').status(), before);
});

t.test('RawNode: campaign() of a single voter makes it leader at once', async (t) => {
  const net = new Network({ voters: ['1'], config: { preVote: true } });
  net.campaign('1');
  t.match(net.node('1').status(), { role: 'leader', term: 2, commit: 2 });
});
