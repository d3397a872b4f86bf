/**
 * Keeping a cluster stable around partitions: PreVote (dissertation §9.6), CheckQuorum and leader
 * stickiness (§4.2.3, §6.2).
 */
import t from 'tap';
import { Network, describe } from './testing/network.test.util.js';
import type { NodeConfig } from './testing/network.test.util.js';

/** 3 is cut off for 50 ticks while 1 leads and commits; then the partition heals. */
function partitionThird(config: NodeConfig): Network {
  const net = new Network({ config });
  net.elect('1');
  net.cut('3');
  net.run(50);
  net.propose('1', 'x');
  net.stabilize();
  return net;
}

t.test('without PreVote, a member rejoining from a partition disrupts the leader', async (t) => {
  const net = partitionThird({});
  t.ok(net.raft('3').term > 3, `3 campaigned alone up to term ${net.raft('3').term}`);
  net.heal();
  net.run(30);
  t.ok(net.raft('1').term > 2, 'its vote requests pushed everyone to its term: the term-2 leader was deposed');
  t.equal(net.leaders().length, 1, 'and a new election followed');
  t.not(net.leaders()[0], '3', '3 could not win it (its log lacks x)');
});

t.test('§9.6 PreVote: a member rejoining from a partition does not raise anyone term', async (t) => {
  const net = partitionThird({ preVote: true });
  t.equal(net.raft('3').term, 2, '3 never won a pre-vote, so it never raised its term');
  t.equal(net.raft('3').role, 'preCandidate');
  net.heal();
  net.run(30);
  t.same(net.leaders(), ['1'], 'the leader stays');
  for (const id of ['1', '2', '3']) t.equal(net.raft(id).term, 2, `${id} is still in term 2`);
  t.equal(net.raft('3').lead, '1');
  t.equal(net.raft('3').log.committed, 3, '3 caught up');
});

t.test('§9.6 PreVote: a pre-candidate that wins the pre-vote then campaigns for real', async (t) => {
  const net = new Network({ config: { preVote: true } });
  net.campaign('1');
  t.match(net.raft('1'), { role: 'preCandidate', term: 1, vote: '' }, 'a pre-vote changes neither term nor vote');
  t.same(net.queue.map(describe), ['1→2 preVote t2', '1→3 preVote t2'], 'it asks about the next term');
  net.stabilize();
  t.match(net.raft('1'), { role: 'leader', term: 2 });
  t.same(
    net.delivered
      .filter((m) => m.to === '1' || m.type.endsWith('ote'))
      .slice(0, 8)
      .map(describe),
    [
      '1→2 preVote t2',
      '1→3 preVote t2',
      '2→1 preVoteResp t2',
      '3→1 preVoteResp t2',
      '1→2 vote t2',
      '1→3 vote t2',
      '2→1 voteResp t2',
      '3→1 voteResp t2',
    ],
  );
  t.equal(net.raft('2').vote, '1', 'only the real vote is recorded');
});

t.test('§9.6 PreVote: a pre-candidate learns a newer term from a refusal', async (t) => {
  const net = new Network({ config: { preVote: true }, logs: { '2': [1] }, term: 5 });
  net.campaign('1');
  net.stabilize();
  t.ok(
    net.delivered.some((m) => m.type === 'preVoteResp' && m.from === '2' && m.reject && m.term === 5),
    '2 is in term 5: it refuses a pre-vote for term 2 and says so',
  );
  t.match(net.raft('1'), { role: 'follower', term: 5 });
});

t.test('§9.6 PreVote: a pre-vote is refused to a log that is not up to date', async (t) => {
  const net = new Network({ config: { preVote: true }, logs: { '1': [1], '2': [1, 2], '3': [1, 2] } });
  net.campaign('1');
  net.stabilize();
  t.match(net.raft('1'), { role: 'follower', term: 2 }, 'it learns the term from the refusals, and stops');
  t.equal(net.raft('2').term, 2, 'and the voters did not change term');
});

t.test('CheckQuorum: a leader that hears from no quorum for an election timeout steps down', async (t) => {
  // The leader counts, every tick, the voters that answered within the last election timeout:
  // wherever the cut falls in its heartbeat cycle, it steps down one election timeout after the
  // last answer (etcd checks once per round and may take up to two).
  const steppedDownAfter: number[] = [];
  for (let offset = 0; offset < 10; offset++) {
    const net = new Network({ config: { checkQuorum: true } });
    net.elect('1');
    net.run(25 + offset);
    t.equal(net.raft('1').role, 'leader', 'while it hears from a quorum it stays');
    net.cut('1');
    let ticks = 0;
    while (net.raft('1').role === 'leader' && ticks < 100) {
      net.run(1);
      ticks++;
    }
    steppedDownAfter.push(ticks);
    t.match(net.raft('1'), { role: 'follower', term: 2, lead: '' });
  }
  t.ok(
    steppedDownAfter.every((n) => n >= 9 && n <= 10),
    `stepped down ${steppedDownAfter.join(', ')} ticks after the cut`,
  );
});

t.test('without CheckQuorum, a leader cut off from everyone keeps believing it leads', async (t) => {
  const net = new Network();
  net.elect('1');
  net.cut('1');
  net.run(100);
  t.equal(net.raft('1').role, 'leader');
});

t.test('CheckQuorum: a member tells a stale leader its newer term, so that the leader steps down', async (t) => {
  const net = new Network({ config: { checkQuorum: true } });
  net.elect('1');
  net.raft('3').becomeFollower(5, '');
  net.tick(1, ['1']);
  net.stabilize();
  t.ok(
    net.delivered.some((m) => m.from === '3' && m.type === 'appendResp' && m.term === 5),
    '3 answers the term-2 heartbeat with its term',
  );
  t.match(net.raft('1'), { role: 'follower', term: 5 });
});

t.test('§4.2.3 leader stickiness: while it hears from a leader, a member ignores vote requests', async (t) => {
  const request = { type: 'vote', from: '3', to: '2', term: 5, index: 9, logTerm: 9 } as const;
  const sticky = new Network({ config: { checkQuorum: true } });
  sticky.elect('1');
  sticky.inject(request);
  t.match(sticky.raft('2'), { term: 2, vote: '1', lead: '1' }, 'with CheckQuorum: ignored');
  t.same(sticky.queue, [], 'not even answered');

  sticky.inject({ ...request, transfer: true });
  t.match(sticky.raft('2'), { term: 5, vote: '3' }, 'unless the leader itself asked for it (a transfer)');

  const plain = new Network();
  plain.elect('1');
  plain.inject(request);
  t.match(plain.raft('2'), { term: 5, vote: '3', lead: '' }, 'without CheckQuorum: the vote is granted');
});

t.test('§4.2.3 leader stickiness ends an election timeout after the leader was last heard', async (t) => {
  const net = new Network({ config: { checkQuorum: true, electionTick: 10 } });
  net.elect('1');
  net.crash('1');
  net.tick(9, ['2']);
  net.inject({ type: 'vote', from: '3', to: '2', term: 5, index: 9, logTerm: 9 });
  t.equal(net.raft('2').term, 2, 'within the lease: ignored');
  net.tick(1, ['2']);
  net.inject({ type: 'vote', from: '3', to: '2', term: 5, index: 9, logTerm: 9 });
  t.match(net.raft('2'), { term: 5, vote: '3' }, 'after it: granted');
});
