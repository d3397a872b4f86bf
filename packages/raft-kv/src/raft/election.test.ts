/**
 * Leader election (Raft §5.2) and the election restriction (§5.4.1), one test per claim.
 */
import t from 'tap';
import { RawNode } from './rawnode.js';
import { MemoryStorage, bootstrapStorage } from './storage.js';
import { Network, bytes, describe } from './testing/network.test.util.js';
import type { Message } from './types.js';

const isVote = (m: Message) => m.type === 'vote';
const isVoteResp = (m: Message) => m.type === 'voteResp';

/** A member of {1, 2, 3} on its own, drawing its election timeout from `random`. */
function loneMember(id: string, random: () => number): RawNode {
  const storage = new MemoryStorage();
  bootstrapStorage(storage, { voters: ['1', '2', '3'], learners: [] }, bytes(''));
  return new RawNode({ id, storage, electionTick: 10, heartbeatTick: 1, random });
}

/** Ticks a RawNode until it leaves the follower role; returns how many ticks that took. */
function ticksLeft(node: RawNode): number {
  let ticks = 0;
  while (node.raft.role === 'follower') {
    node.tick();
    ticks++;
  }
  return ticks;
}

/** Ticks `id` alone until it leaves the follower role; returns how many ticks that took. */
function ticksToCampaign(net: Network, id: string): number {
  let ticks = 0;
  while (net.raft(id).role === 'follower') {
    net.tick(1, [id]);
    ticks++;
    if (ticks > 1000) throw new Error(`${id} never campaigned`);
  }
  return ticks;
}

t.test('§5.2 a follower that hears from no leader for an election timeout becomes a candidate', async (t) => {
  const net = new Network();
  const ticks = ticksToCampaign(net, '1');
  t.ok(ticks >= 10 && ticks < 20, `campaigned after ${ticks} ticks, in [electionTick, 2 * electionTick)`);
  const r = net.raft('1');
  t.equal(r.role, 'candidate');
  t.equal(r.term, 2, 'the term is incremented');
  t.equal(r.vote, '1', 'it votes for itself');
  t.same(net.storage('1').getHardState(), { term: 2, vote: '1', commit: 1 }, 'term and vote are persisted');
  t.same(net.queue.map(describe), ['1→2 vote t2', '1→3 vote t2'], 'it asks every other voter');
  t.match(net.queue[0], { index: 1, logTerm: 1 }, 'the request carries its last index and term');
});

t.test('§5.2 election timeouts are randomized in [electionTick, 2 * electionTick)', async (t) => {
  const seen = new Set<number>();
  for (let seed = 1; seed <= 100; seed++) seen.add(ticksToCampaign(new Network({ seed }), '1'));
  t.ok(
    [...seen].every((n) => n >= 10 && n < 20),
    `all within [10, 20): ${[...seen].sort((a, b) => a - b).join(' ')}`,
  );
  t.ok(seen.size >= 8, `spread over ${seen.size} different values`);

  t.equal(ticksLeft(loneMember('1', () => 0)), 10, 'the smallest draw gives electionTick');
  t.equal(ticksLeft(loneMember('1', () => 0.9999)), 19, 'the largest draw gives 2 * electionTick - 1');
});

t.test('§5.2 randomized timeouts elect exactly one leader, whatever the seed', async (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const net = new Network({ seed, voters: ['1', '2', '3', '4', '5'] });
    let ticks = 0;
    while (net.leaders().length === 0 && ticks < 200) {
      net.run(1);
      ticks++;
    }
    const leaders = net.leaders();
    t.equal(leaders.length, 1, `seed ${seed}: one leader after ${ticks} ticks`);
    const term = net.raft(leaders[0] ?? '').term;
    t.ok(
      net.alive().every((id) => net.raft(id).term === term && net.raft(id).lead === leaders[0]),
      `seed ${seed}: everyone follows it in term ${term}`,
    );
  }
});

t.test('§5.2 a candidate wins once a majority of voters granted their votes', async (t) => {
  const net = new Network({ voters: ['1', '2', '3', '4', '5'] });
  net.campaign('1');
  net.deliver((m) => m.to === '2');
  net.deliver((m) => m.to === '1');
  t.equal(net.raft('1').role, 'candidate', 'two votes of five (its own and 2) are not enough');
  net.deliver((m) => m.to === '3');
  net.deliver((m) => m.to === '1');
  t.equal(net.raft('1').role, 'leader', 'three of five are a majority');
  t.equal(net.raft('1').term, 2);
});

t.test('§5.2 a candidate refused by a majority goes back to being a follower', async (t) => {
  // 2 and 3 have an entry of term 2 that 1 lacks, so they refuse it (§5.4.1).
  const net = new Network({ logs: { '2': [1, 2], '3': [1, 2] } });
  t.equal(net.elect('1'), 'follower');
  t.equal(net.raft('1').term, 2, 'it keeps the term it campaigned in');
  t.same(net.delivered.filter(isVoteResp).map(describe), ['2→1 voteResp t2 reject', '3→1 voteResp t2 reject']);
});

t.test('§5.2 a candidate retries its vote requests every heartbeat interval until answered', async (t) => {
  const net = new Network({ config: { heartbeatTick: 2 } });
  net.campaign('1');
  net.dropped.push(...net.take(() => true)); // the first requests are lost
  net.tick(1, ['1']);
  t.same(net.queue, [], 'nothing before a heartbeat interval');
  net.tick(1, ['1']);
  t.same(net.queue.map(describe), ['1→2 vote t2', '1→3 vote t2'], 'asked again');
  net.deliver((m) => m.to === '2');
  net.deliver((m) => m.to === '1');
  t.equal(net.raft('1').role, 'leader');
});

t.test('§5.2 each member grants at most one vote per term, first come first served', async (t) => {
  const net = new Network();
  net.campaign('1');
  net.campaign('2');
  t.equal(net.raft('2').term, 2, 'both campaign in term 2');
  net.deliver((m) => m.to === '3' && m.from === '1');
  net.deliver((m) => m.to === '3' && m.from === '2');
  t.same(net.queue.filter(isVoteResp).map(describe), ['3→1 voteResp t2', '3→2 voteResp t2 reject']);
  t.equal(net.raft('3').vote, '1');
  net.stabilize();
  t.same(net.leaders(), ['1'], 'one leader in term 2');
  t.equal(net.raft('2').role, 'follower', 'the other candidate lost');
});

t.test('§5.2 a member may repeat its vote to the same candidate (a retried request)', async (t) => {
  const net = new Network();
  net.campaign('1');
  const request = net.take((m) => m.to === '3')[0] as Message;
  net.inject(request);
  net.inject(request);
  t.same(net.take(isVoteResp).map(describe), ['3→1 voteResp t2', '3→1 voteResp t2']);
});

/**
 * 1 campaigns in term 2 with 2 cut off, and 3 votes for it; 3 crashes and restarts; then 2
 * campaigns in the same term 2 and asks 3. Returns the network afterwards.
 */
function voteThenCrash(forgetVotePersist: boolean): Network {
  const net = new Network({ config: { bugs: { forgetVotePersist } } });
  net.cut('1', '2');
  net.campaign('1');
  net.deliver((m) => m.to === '3');
  net.deliver((m) => m.to === '1');
  net.crash('3'); // before 1's appends reach it
  net.restart('3');
  net.campaign('2');
  net.stabilize();
  return net;
}

t.test('§5.2 a vote survives a crash: it is persisted before the answer is sent', async (t) => {
  const net = voteThenCrash(false);
  t.same(net.storage('3').getHardState(), { term: 2, vote: '1', commit: 1 });
  t.equal(net.raft('3').vote, '1', 'the restarted member remembers its vote');
  t.same(
    net.delivered.filter((m) => m.from === '3' && isVoteResp(m)).map(describe),
    ['3→1 voteResp t2', '3→2 voteResp t2 reject'],
    'the second candidate of term 2 is refused',
  );
  t.same(net.leaders(), ['1']);
  t.same(net.violations, []);
});

t.test('bugs.forgetVotePersist: a vote forgotten across a crash elects two leaders in one term', async (t) => {
  const net = voteThenCrash(true);
  t.match(net.storage('3').getHardState(), { term: 2, vote: '' }, 'the vote never reached the disk');
  t.same(net.leaders().sort(), ['1', '2'], 'two leaders');
  t.equal(net.raft('1').term, 2);
  t.equal(net.raft('2').term, 2, 'of the same term: Election Safety is broken');
});

t.test('§5.2 a candidate that hears from a leader of its own term becomes its follower', async (t) => {
  const snapshot = {
    meta: { index: 1, term: 1, confState: { voters: ['1', '2', '3'], learners: [] } },
    data: bytes(''),
  };
  for (const type of ['append', 'heartbeat', 'snapshot'] as const) {
    const net = new Network();
    net.campaign('1');
    net.take(() => true);
    net.inject({ type, from: '2', to: '1', term: 2, index: 1, logTerm: 1, entries: [], commit: 1, snapshot });
    t.match(net.raft('1'), { role: 'follower', term: 2, lead: '2', vote: '1' }, `after a ${type}`);
    t.equal(net.queue.length, 1, 'and answers it');
  }
});

t.test('§5.2 a candidate ignores an append of an older term', async (t) => {
  const net = new Network();
  net.campaign('1');
  net.take(() => true);
  net.inject({ type: 'append', from: '2', to: '1', term: 1, index: 1, logTerm: 1, entries: [], commit: 1 });
  t.match(net.raft('1'), { role: 'candidate', term: 2 });
  t.same(net.queue, [], 'no answer without checkQuorum or preVote');
});

t.test('§5.1 a message of a higher term makes any member a follower of that term', async (t) => {
  const roles = {
    follower: (net: Network) => net.stabilize(),
    preCandidate: (net: Network) => net.campaign('1'),
    candidate: (net: Network) => net.campaign('1'),
    leader: (net: Network) => net.elect('1'),
  };
  for (const [role, reach] of Object.entries(roles)) {
    const net = new Network({ config: { preVote: role === 'preCandidate' } });
    reach(net);
    t.equal(net.raft('1').role, role, `1 is a ${role}`);
    net.take(() => true);
    net.inject({ type: 'heartbeat', from: '3', to: '1', term: 9, commit: 0 });
    t.match(net.raft('1'), { role: 'follower', term: 9, lead: '3', vote: '' }, `a ${role} follows the term-9 leader`);
  }
  const net = new Network();
  net.elect('1');
  net.inject({ type: 'appendResp', from: '2', to: '1', term: 9, index: 0 });
  t.match(net.raft('1'), { role: 'follower', term: 9, lead: '' }, 'a leader steps down on an answer of a higher term');
  const other = new Network();
  other.elect('2');
  other.inject({ type: 'vote', from: '3', to: '2', term: 10, index: 1, logTerm: 1 });
  t.match(other.raft('2'), { role: 'follower', term: 10 }, 'and on a vote request of a higher term');
});

t.test('§5.4.1 a vote goes only to a candidate whose log is at least as up to date', async (t) => {
  const cases = [
    {
      why: 'refused: an older last term, though a longer log',
      candidate: [1, 2, 2, 2, 2],
      voter: [1, 3],
      grant: false,
    },
    { why: 'refused: the same last term and a shorter log', candidate: [1, 2, 2], voter: [1, 2, 2, 2], grant: false },
    { why: 'granted: the same last term and the same length', candidate: [1, 2, 2], voter: [1, 2, 2], grant: true },
    { why: 'granted: the same last term and a longer log', candidate: [1, 2, 2, 2], voter: [1, 2, 2], grant: true },
    { why: 'granted: a newer last term, though a shorter log', candidate: [1, 3], voter: [1, 2, 2, 2], grant: true },
  ];
  for (const c of cases) {
    const net = new Network({ voters: ['c', 'v', 'x'], logs: { c: c.candidate, v: c.voter } });
    net.campaign('c');
    net.deliver((m) => m.to === 'v');
    const [answer] = net.take(isVoteResp);
    t.equal(answer?.reject === true, !c.grant, c.why);
  }
});

t.test('§5.4.1 a member that misses a committed entry cannot be elected (Leader Completeness)', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('3');
  net.propose('1', 'x');
  net.stabilize();
  t.equal(net.raft('1').log.committed, 3, 'x is committed by 1 and 2');
  net.crash('1');
  net.heal();
  t.equal(net.elect('3'), 'candidate', '3 lacks x: it cannot win');
  t.same(net.delivered.filter(isVoteResp).slice(-1).map(describe), ['2→3 voteResp t3 reject'], 'because 2 refuses it');
  t.equal(net.elect('2'), 'leader');
  t.same(net.terms('2'), [1, 2, 2, 4], 'x (index 3) is in the new leader log');
});

t.test('§5.2 a vote request of a lower term is ignored', async (t) => {
  const net = new Network();
  net.elect('1');
  net.inject({ type: 'vote', from: '3', to: '2', term: 1, index: 9, logTerm: 1 });
  t.same(net.queue, []);
  t.equal(net.raft('2').vote, '1');
});

t.test('§5.2 votes and their answers are handed out only after the persist', async (t) => {
  const net = new Network();
  net.campaign('1');
  const ready = net.readies.get('1')?.at(-1);
  t.same(ready?.messages.filter(isVote), [], 'vote requests promise our own vote: they wait for the fsync');
  t.equal(ready?.messagesAfterPersist.filter(isVote).length, 2);
  t.match(ready, { hardState: { term: 2, vote: '1' }, mustSync: true });
  net.deliver((m) => m.to === '2');
  const answer = net.readies.get('2')?.at(-1);
  t.same(answer?.messagesAfterPersist.map(describe), ['2→1 voteResp t2']);
  t.match(answer, { hardState: { term: 2, vote: '1' }, mustSync: true });
});

t.test('§5.2 only a leader or a granted vote restarts the election timer, not a refused candidate', async (t) => {
  const follower = () => {
    const node = loneMember('2', () => 0.99); // its timeout is 19 ticks
    for (let i = 0; i < 15; i++) node.tick();
    return node;
  };
  const refused = follower();
  refused.step({ type: 'vote', from: '3', to: '2', term: 9, index: 0, logTerm: 0 });
  t.equal(refused.raft.vote, '', 'the stale candidate is refused');
  t.equal(ticksLeft(refused), 4, 'and the timer runs on (regression: the simulator, seed 659)');

  const granted = follower();
  granted.step({ type: 'vote', from: '3', to: '2', term: 9, index: 1, logTerm: 1 });
  t.equal(granted.raft.vote, '3');
  t.equal(ticksLeft(granted), 19, 'a granted vote restarts it');
});
