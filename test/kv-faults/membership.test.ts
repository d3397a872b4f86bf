/**
 * Membership changes of a raft-kv cluster of real member processes, each under a running load:
 * add a member (a learner caught up by snapshot, then promoted), remove a follower, remove the
 * leader, replace a dead member, and add two members at once. After each: (a) no acknowledged
 * write is lost, (b) the history is linearizable, (c) the load went on after the change, and
 * (d) every remaining member holds the same keyspace at one revision.
 *
 * Run alone: node_modules/.bin/tap --disable-coverage --allow-incomplete-coverage test/kv-faults/membership.test.ts
 */
import t, { type Test } from 'tap';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HistoryRecorder, connect, type KvClient, type MemberListResponse } from '@bosun/raft-kv';
import { FaultCluster, type FaultClusterOptions, type Teardown } from './harness.js';
import { keyspaceDigests } from './keyspace.js';
import { finalReads, linearizabilityProblem, lostAcks, runLoad, type LoadResult } from './load.js';

const TICK_MS = 50;
const ELECTION_TICK = 10;
const REGISTERS = 8;
/** Each member snapshots every this many applied entries... */
const SNAPSHOT_COUNT = 500;
/** ...and keeps this many entries behind a snapshot for slow followers (the node's default). */
const CATCH_UP_ENTRIES = 5_000;

/** A cluster with a load running on it, and what the checks need. */
interface Loaded {
  readonly cluster: FaultCluster;
  /** A client of every member of the initial cluster (it does not learn of members added later). */
  readonly main: KvClient;
  readonly recorder: HistoryRecorder;
  readonly load: Promise<LoadResult>;
  readonly stop: { stopped: boolean };
}

async function client(t: Teardown, endpoints: readonly string[]): Promise<KvClient> {
  const c = await connect({ endpoints, timeoutMs: 5_000, connectTimeoutMs: 500, pingIntervalMs: 500 });
  t.teardown(() => c.close());
  return c;
}

/** Starts a 3-member cluster, waits for a leader, and starts the load (bounded to a minute). */
async function startLoaded(t: Teardown, options: Partial<FaultClusterOptions> = {}): Promise<Loaded> {
  const cluster = await FaultCluster.start(t, { size: 3, tickMs: TICK_MS, electionTick: ELECTION_TICK, ...options });
  await cluster.waitForLeader();
  const clients = [await client(t, cluster.endpoints), await client(t, cluster.endpoints)];
  const recorder = new HistoryRecorder();
  const stop = { stopped: false };
  const load = runLoad(
    { clients, workersPerClient: 4, registers: REGISTERS, durationMs: 60_000, maxOpsPerWorker: 50_000, stop },
    recorder,
  );
  return { cluster, main: clients[0] as KvClient, recorder, load, stop };
}

/** A member list as `name` or `name (learner)`, sorted. */
const described = (list: MemberListResponse): string[] =>
  list.members.map((m) => `${m.name}${m.isLearner ? ' (learner)' : ''}`).sort();

/**
 * Lets the load run `settleMs` more, stops it, and checks (a)–(d): `changedAt` is when the
 * membership change (or the fault after it) happened; the load must have completed
 * operations invoked after it.
 */
async function stopAndCheck(t: Test, run: Loaded, changedAt: number, settleMs = 1_500): Promise<void> {
  await sleep(settleMs);
  run.stop.stopped = true;
  const result = await run.load;
  const leader = await run.cluster.waitForLeader();
  t.comment(`leader ${leader}; ops ${JSON.stringify(result.counts)}`);
  await finalReads(run.main, REGISTERS, run.recorder);

  t.same(await lostAcks(run.main, result.acked), [], `(a) no acknowledged put lost (of ${result.acked.size})`);
  t.equal(
    linearizabilityProblem(run.recorder),
    undefined,
    `(b) history of ${run.recorder.history().length} ops linearizable`,
  );
  const after = run.recorder.history().filter((op) => op.invoke > changedAt && op.complete !== undefined).length;
  t.ok(after > 0, `(c) the load went on after the change (${after} ops completed)`);

  const revision = (await run.main.range('load/')).header.revision;
  const digests = await keyspaceDigests(run.cluster, revision);
  const views = [...digests.values()];
  t.ok(
    views.length >= 2 && views.every((d) => d === views[0] && !d.startsWith('error')),
    `(d) every member holds the same keyspace at revision ${revision}: ${JSON.stringify(Object.fromEntries(digests))}`,
  );
}

/**
 * Writes `fill/...` keys (64 at a time) until every member has taken a snapshot far enough
 * along that its log is compacted: a node compacts to `CATCH_UP_ENTRIES` behind a snapshot
 * once that snapshot is saved, and starts the next snapshot only then, so a snapshot index of
 * `CATCH_UP_ENTRIES + 2 * SNAPSHOT_COUNT` means the log starts past index `SNAPSHOT_COUNT`.
 */
async function fillUntilCompacted(cluster: FaultCluster, writer: KvClient): Promise<number> {
  const wanted = CATCH_UP_ENTRIES + 2 * SNAPSHOT_COUNT;
  const deadline = performance.now() + 60_000;
  let written = 0;
  for (let round = 0; round < 100 && performance.now() < deadline; round++) {
    const infos = await Promise.all(cluster.names.map((n) => cluster.memberInfo(n)));
    if (infos.every((i) => i.snapshotIndex >= wanted)) return written;
    await Promise.all(
      Array.from({ length: 64 }, async (_, w) => {
        for (let i = 0; i < 8; i++) await writer.put(`fill/${round}/${w}/${i}`, `value-${round}-${w}-${i}`);
      }),
    );
    written += 64 * 8;
  }
  throw new Error(`no member log compacted past a snapshot at ${wanted} after ${written} puts`);
}

t.test('add a member: a learner is caught up by snapshot from a compacted log, then promoted', async (t) => {
  const run = await startLoaded(t, { snapshotCount: SNAPSHOT_COUNT });
  const { cluster } = run;
  const writer = await client(t, cluster.endpoints);
  const written = await fillUntilCompacted(cluster, writer);
  t.comment(`${written} puts (besides the load) compacted every member's log`);

  // As etcd's `member add` then a start with `--initial-cluster-state existing`: the test adds
  // the learner, the process joins (finding itself a member already), catches up, is promoted.
  const leader = await cluster.waitForLeader();
  const peerURL = await cluster.prepareMember('m4', leader);
  const admin = await client(t, cluster.endpoints);
  t.same(
    described(await admin.memberAdd('m4', peerURL)),
    ['m1', 'm2', 'm3', 'm4 (learner)'],
    'm4 is added as a learner',
  );
  await t.rejects(
    admin.memberPromote('m4'),
    /has not caught up/,
    'the learner cannot be promoted before it has caught up',
  );
  const changedAt = performance.now();
  await cluster.startMember('m4');
  const info = await cluster.memberInfo('m4');
  t.ok(info.snapshotsReceived >= 1, `m4 was caught up by snapshot (${info.snapshotsReceived} received)`);
  t.same(described(await admin.memberList()), ['m1', 'm2', 'm3', 'm4'], 'm4 joined and was promoted to voter');
  const leaderNow = await cluster.waitForLeader();
  t.ok(
    cluster.forwardedOn(leaderNow, 'm4') > 0 && cluster.forwardedOn('m4', leaderNow) > 0,
    `m4 and the leader ${leaderNow} talk through the proxies of their links`,
  );

  const latest = await writer.put('membership/latest', 'after-join');
  const atM4 = await connect({ endpoints: [cluster.clientURL('m4')], timeoutMs: 5_000, maxAttempts: 1 });
  t.teardown(() => atM4.close());
  const read = await atM4.range('membership/latest');
  t.equal(
    Buffer.from(read.kvs[0]?.value ?? []).toString(),
    'after-join',
    'm4 serves a linearizable read of the latest write',
  );
  t.ok(read.header.revision >= latest.header.revision, 'at or past its revision');
  t.equal(
    (await atM4.range('fill/', { prefix: true, countOnly: true, serializable: true })).count,
    written,
    'm4 has every key written before it joined',
  );
  await stopAndCheck(t, run, changedAt);
});

t.test('remove a follower: the cluster keeps serving without it', async (t) => {
  const run = await startLoaded(t);
  const { cluster } = run;
  await sleep(1_000);
  const leader = await cluster.waitForLeader();
  const follower = cluster.names.find((n) => n !== leader) ?? '';
  const admin = await client(t, cluster.endpoints);
  const changedAt = performance.now();
  const list = await admin.memberRemove(follower);
  t.notOk(
    list.members.some((m) => m.name === follower),
    `${follower} is no longer a member`,
  );
  // The removed member's process runs on for two election timeouts (it may never learn that it
  // was removed, and then campaigns): the others must keep serving regardless.
  await sleep(2 * TICK_MS * ELECTION_TICK);
  t.comment(`leader ${await cluster.waitForLeader()} with ${follower} removed but running`);
  await cluster.removeProcess(follower);
  t.same(described(await admin.memberList()), cluster.names.sort(), 'the membership is the two others');
  await stopAndCheck(t, run, changedAt);
});

t.test('remove the leader: the others elect a new leader and keep serving', async (t) => {
  const run = await startLoaded(t);
  const { cluster } = run;
  await sleep(1_000);
  const leader = await cluster.waitForLeader();
  const admin = await client(t, cluster.endpoints);
  const changedAt = performance.now();
  await admin.memberRemove(leader);
  // The removed leader's process still runs here: it must not lead (nor be named leader) any more.
  const next = await cluster.waitForLeader();
  t.not(next, leader, `${next} leads after ${leader} removed itself`);
  await cluster.removeProcess(leader);
  t.same(described(await admin.memberList()), cluster.names.sort(), `${leader} is no longer a member`);
  await stopAndCheck(t, run, changedAt);
});

t.test('replace a dead member; the new member then counts as a voter', async (t) => {
  const run = await startLoaded(t);
  const { cluster } = run;
  await sleep(1_000);
  const leader = await cluster.waitForLeader();
  const dead = cluster.names.find((n) => n !== leader) ?? '';
  await cluster.signal(dead, 'SIGKILL');
  await cluster.removeProcess(dead); // its data dir is gone too
  const admin = await client(t, cluster.endpoints);
  await admin.memberRemove(dead);
  const originals = cluster.names;
  // Through the surviving follower: the new member's requests that must reach the leader go there.
  await cluster.addMember('m4', originals.find((n) => n !== leader) ?? leader);
  t.same(described(await admin.memberList()), [...originals, 'm4'].sort(), `m4 replaced ${dead} as a voter`);

  // Two voters of three are left once another original member dies: m4 must be one of the quorum.
  await sleep(500);
  const current = await cluster.waitForLeader();
  const victim = originals.includes(current) ? current : (originals[0] ?? '');
  await cluster.signal(victim, 'SIGKILL');
  const changedAt = performance.now();
  const next = await cluster.waitForLeader();
  t.not(next, victim, `${next} leads with ${victim} dead`);
  const write = await admin.put('membership/after-replace', 'ok');
  t.ok(write.header.revision > 0, 'a write commits with m4 in the quorum');
  await stopAndCheck(t, run, changedAt);
});

t.test('two members join at once, added through a follower', async (t) => {
  // Regression: a member add sent to a follower was forwarded to the leader, which drops a
  // change while another is pending; the second add waited out the whole request timeout
  // (10 s) and failed with an unknown outcome. Adds now run at the leader, which refuses
  // while a change is pending, and the client retries there.
  const run = await startLoaded(t);
  const { cluster } = run;
  const leader = await cluster.waitForLeader();
  const follower = cluster.names.find((n) => n !== leader) ?? '';
  const [url4, url5] = [await cluster.prepareMember('m4', follower), await cluster.prepareMember('m5', follower)];
  const viaFollower = await client(t, [cluster.clientURL(follower), ...cluster.endpoints]);
  const started = performance.now();
  await Promise.all([viaFollower.memberAdd('m4', url4), viaFollower.memberAdd('m5', url5)]);
  const elapsed = performance.now() - started;
  t.ok(elapsed < 4_000, `both adds were applied promptly (${Math.round(elapsed)} ms)`);
  const changedAt = performance.now();
  await Promise.all([cluster.startMember('m4'), cluster.startMember('m5')]);
  t.same(
    described(await viaFollower.memberList()),
    ['m1', 'm2', 'm3', 'm4', 'm5'],
    'both caught up and were promoted to voters',
  );
  await stopAndCheck(t, run, changedAt);
});
