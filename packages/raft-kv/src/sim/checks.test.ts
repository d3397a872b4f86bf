import t from 'tap';
import type { Ready } from '../raft/rawnode.js';
import { MemoryStorage, bootstrapStorage } from '../raft/storage.js';
import type { Entry, HardState } from '../raft/types.js';
import { Checker, SafetyViolation } from './checks.js';
import { KvMachine } from './kv-machine.js';
import { Prng } from './prng.js';
import { SimNode, type NodeHost, type NodeOptions } from './sim-node.js';

const voters = ['n1', 'n2', 'n3'];

const options: NodeOptions = {
  electionTick: 10,
  heartbeatTick: 1,
  preVote: false,
  checkQuorum: false,
  readOnlyOption: 'safe',
  maxInflightMsgs: 8,
  maxSizePerMsg: 0,
  snapshotEvery: 1000,
  compactionMargin: 5,
  bugs: {},
};

function entry(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(`${index}/${term}`) };
}

/**
 * A three-member cluster stopped in a given state: each member's disk holds the bootstrap
 * snapshot (index 1), then entries of the given terms from index 2, and its hard state term.
 */
function cluster(logs: Record<string, { terms: number[]; term: number }>): { checker: Checker; nodes: SimNode[] } {
  const nodes: SimNode[] = [];
  const checker = new Checker(() => nodes);
  const host: NodeHost = {
    rng: new Prng(1),
    checker,
    now: () => 0,
    send: () => true,
    reply: () => undefined,
    later: () => undefined,
    trace: () => undefined,
    onRoleChange: () => undefined,
    onVoteGranted: () => undefined,
    onLeaderCommit: () => undefined,
  };
  for (const id of voters) {
    const { terms, term } = logs[id] ?? { terms: [], term: 1 };
    const disk = new MemoryStorage();
    bootstrapStorage(disk, { voters, learners: [] }, new KvMachine().snapshot());
    disk.append(terms.map((t, i) => entry(i + 2, t)));
    disk.setHardState({ term, vote: '', commit: 1 });
    nodes.push(new SimNode(id, disk, host, options));
  }
  for (const n of nodes) n.start();
  return { checker, nodes };
}

function ready(parts: { hardState?: HardState; leader?: string }): Ready {
  return {
    ...(parts.hardState ? { hardState: parts.hardState } : {}),
    ...(parts.leader ? { softState: { leader: parts.leader, role: 'leader' as const } } : {}),
    entries: [],
    committedEntries: [],
    messages: [],
    messagesAfterPersist: [],
    readStates: [],
    mustSync: false,
  };
}

function violation(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof SafetyViolation) return e.message;
    throw e;
  }
  return undefined;
}

t.test(
  'an entry of an earlier term counted onto a majority is unsafe while a rival could win (Figure 8)',
  async (t) => {
    // n1 leads term 4 and holds 2/2 from term 2, then its no-op 3/4; n2 caught up to 2/2 only;
    // n3 led term 3 and its 2/3 never left it. Counting n1 and n2, n1 would commit 2/2.
    const early = cluster({
      n1: { terms: [2, 4], term: 4 },
      n2: { terms: [2], term: 4 },
      n3: { terms: [3], term: 3 },
    });
    const [n1] = early.nodes as [SimNode];
    t.match(
      violation(() => early.checker.onApply(n1, entry(2, 2))),
      /^leaderCompleteness: n1 applies 2\/2, but n3 .* could still be elected/,
      'n3 lacks the entry, and n2 and n3 would vote for it',
    );

    // Once the no-op is on n2's disk too, n3 can no longer collect a majority.
    const safe = cluster({
      n1: { terms: [2, 4], term: 4 },
      n2: { terms: [2, 4], term: 4 },
      n3: { terms: [3], term: 3 },
    });
    t.equal(
      violation(() => safe.checker.onApply(safe.nodes[0] as SimNode, entry(2, 2))),
      undefined,
      'committed through an entry of the leader term: safe',
    );
  },
);

t.test('leader completeness binds leaders of later terms than the commit, not earlier ones', async (t) => {
  // n1 led term 8 and committed 2/8 with n2. n3, still at term 7, never got it.
  const logs = { n1: { terms: [8], term: 8 }, n2: { terms: [8], term: 8 } };
  const committed = (n3Term: number) => {
    const c = cluster({ ...logs, n3: { terms: [], term: n3Term } });
    const [n1, , n3] = c.nodes as [SimNode, SimNode, SimNode];
    c.checker.onReady(n1, ready({ hardState: { term: 8, vote: 'n1', commit: 2 } }));
    c.checker.onApply(n1, entry(2, 8));
    return { checker: c.checker, n3 };
  };
  const stale = committed(7);
  t.equal(
    violation(() => stale.checker.onReady(stale.n3, ready({ leader: 'n3' }))),
    undefined,
    'a candidate of term 7 may still win with votes cast before term 8 (it cannot commit anything)',
  );
  const later = committed(9);
  t.match(
    violation(() => later.checker.onReady(later.n3, ready({ leader: 'n3' }))),
    /^leaderCompleteness: n3 leads term 9 with last index 1 < applied 2/,
    'a leader of term 9 must hold what term 8 committed',
  );
});
