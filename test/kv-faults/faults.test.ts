/**
 * Fault tests of a raft-kv cluster of real member processes: under a concurrent load, kill,
 * freeze, partition and restart members, heal, and check that (a) no acknowledged write is
 * lost, (b) the history is linearizable, (c) a watch opened before the fault saw every
 * revision once and in order, and (d) a lease kept alive through the leader change survives.
 *
 * CI runs each fault once with a short load. A soak repeats each scenario's fault for a while:
 *   BOSUN_SOAK_SECONDS=120 node scripts/test.mjs test/kv-faults
 */
import t from 'tap';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HistoryRecorder, connect, type KvClient } from '@bosun/raft-kv';
import { FaultCluster, type Teardown } from './harness.js';
import { KeptLease, WatchLog, finalReads, linearizabilityProblem, lostAcks, runLoad } from './load.js';

const soakSeconds = Number(process.env.BOSUN_SOAK_SECONDS ?? 0);
const TICK_MS = 50;
const ELECTION_TICK = 10;
const ELECTION_TIMEOUT_MS = TICK_MS * ELECTION_TICK;

/** A fault in force, and how to end it. */
interface Fault {
  heal(): Promise<void>;
}

/** One fault scenario: `inject` starts a fault (knowing the current leader), held `holdMs`. */
interface Scenario {
  readonly size: 3 | 5;
  readonly holdMs: number;
  /** The lease's TTL (s); the fault comes once the lease is older than that, unless `restartsAll`. */
  readonly leaseTtl: number;
  readonly restartsAll?: boolean;
  inject(cluster: FaultCluster, leader: string): Promise<Fault>;
}

const killAndRestart = (cluster: FaultCluster, name: string): Promise<Fault> =>
  cluster.signal(name, 'SIGKILL').then(() => ({ heal: () => cluster.startMember(name) }));

const scenarios: Record<string, Scenario> = {
  'SIGKILL the leader, restart it on its data dir': {
    size: 3,
    holdMs: 1_000,
    leaseTtl: 3,
    inject: (cluster, leader) => killAndRestart(cluster, leader),
  },
  'SIGKILL a follower, restart it': {
    size: 3,
    holdMs: 1_000,
    leaseTtl: 3,
    inject: (cluster, leader) => killAndRestart(cluster, cluster.names.find((n) => n !== leader) ?? ''),
  },
  'SIGSTOP the leader past the election timeout, then SIGCONT': {
    size: 3,
    holdMs: 3 * ELECTION_TIMEOUT_MS,
    leaseTtl: 3,
    inject: async (cluster, leader) => {
      await cluster.signal(leader, 'SIGSTOP');
      return { heal: () => cluster.signal(leader, 'SIGCONT') };
    },
  },
  'partition isolating the leader, then heal': {
    size: 3,
    holdMs: 3 * ELECTION_TIMEOUT_MS,
    leaseTtl: 3,
    // About one cycle in eight loses the lease; see isolated-leader.test.ts.
    inject: async (cluster, leader) => {
      cluster.partition([leader]);
      return { heal: async () => cluster.heal() };
    },
  },
  'partition isolating a follower, then heal': {
    size: 3,
    holdMs: 3 * ELECTION_TIMEOUT_MS,
    leaseTtl: 3,
    inject: async (cluster, leader) => {
      cluster.partition([cluster.names.find((n) => n !== leader) ?? '']);
      return { heal: async () => cluster.heal() };
    },
  },
  'restart of every member at once': {
    size: 3,
    holdMs: 500,
    leaseTtl: 15,
    restartsAll: true,
    inject: async (cluster) => {
      await Promise.all(cluster.names.map((n) => cluster.signal(n, 'SIGKILL')));
      return { heal: async () => void (await Promise.all(cluster.names.map((n) => cluster.startMember(n)))) };
    },
  },
  '5 members: the leader and a follower cut off from the other three, that follower SIGKILLed too': {
    size: 5,
    holdMs: 3 * ELECTION_TIMEOUT_MS,
    leaseTtl: 3,
    inject: async (cluster, leader) => {
      const follower = cluster.names.find((n) => n !== leader) ?? '';
      cluster.partition([leader, follower]);
      await cluster.signal(follower, 'SIGKILL');
      return {
        heal: async () => {
          cluster.heal();
          await cluster.startMember(follower);
        },
      };
    },
  },
};

async function client(t: Teardown, cluster: FaultCluster, watchResumeTimeoutMs = 2_000): Promise<KvClient> {
  const c = await connect({
    endpoints: cluster.endpoints,
    timeoutMs: 1_500,
    connectTimeoutMs: 500,
    pingIntervalMs: 500,
    watchResumeTimeoutMs,
  });
  t.teardown(() => c.close());
  return c;
}

for (const [name, scenario] of Object.entries(scenarios)) {
  t.test(name, async (t) => {
    const started = performance.now();
    const cluster = await FaultCluster.start(t, { size: scenario.size, tickMs: TICK_MS, electionTick: ELECTION_TICK });
    await cluster.waitForLeader();
    const clients = [await client(t, cluster), await client(t, cluster)];
    const watchClient = await client(t, cluster, 30_000);
    const [main] = clients as [KvClient, KvClient];

    const startRevision = (await main.range('load/')).header.revision + 1;
    const watch = new WatchLog(watchClient, startRevision);
    const lease = await KeptLease.start(main, 'lease/kept', scenario.leaseTtl);
    const leaseGrantedAt = performance.now();

    const registers = soakSeconds > 0 ? 32 : 8;
    const stop = { stopped: false };
    const recorder = new HistoryRecorder();
    const loadMs = Math.max(soakSeconds * 1_000, 1) + 60_000;
    const load = runLoad(
      { clients, workersPerClient: 4, registers, durationMs: loadMs, maxOpsPerWorker: 50_000, stop },
      recorder,
    );

    // Fault cycles: at least one; in a soak, until the soak time is up.
    const soakEnd = performance.now() + soakSeconds * 1_000;
    let cycles = 0;
    try {
      for (; cycles === 0 || (performance.now() < soakEnd && cycles < 1_000); cycles++) {
        const leaseAge = performance.now() - leaseGrantedAt;
        const mustAge = cycles === 0 && !scenario.restartsAll ? scenario.leaseTtl * 1_000 + 300 - leaseAge : 0;
        await sleep(Math.max(1_000, mustAge));
        const leader = await cluster.waitForLeader();
        t.comment(`cycle ${cycles}: leader ${leader}`);
        const fault = await scenario.inject(cluster, leader);
        await sleep(scenario.holdMs);
        await fault.heal();
      }
      await sleep(1_000);
    } finally {
      stop.stopped = true;
      await load.catch(() => undefined);
    }
    const result = await load;
    cluster.heal();
    const leader = await cluster.waitForLeader();
    t.comment(`after ${cycles} fault(s): leader ${leader}; ops ${JSON.stringify(result.counts)}`);

    await finalReads(main, registers, recorder);
    const finalRevision = (await main.range('load/')).header.revision;
    await watch.finish(finalRevision, 15_000);

    t.same(await lostAcks(main, result.acked), [], `(a) no acknowledged put lost (of ${result.acked.size})`);
    t.equal(
      linearizabilityProblem(recorder),
      undefined,
      `(b) history of ${recorder.history().length} ops linearizable`,
    );
    t.same(
      watch.problems(finalRevision, result.writeRevisions),
      [],
      `(c) watch saw revisions ${startRevision}..${finalRevision} once each, in order`,
    );
    t.equal(await lease.problem(main), undefined, `(d) lease ${lease.id} survived the leader change`);
    t.ok(result.counts.ok > 0, 'the load made progress');
    t.comment(`scenario took ${Math.round(performance.now() - started)} ms`);
  });
}
