/**
 * Regression tests found by the fault tests: what a client sees when the leader it talks to
 * is cut off from the other members (its client port stays reachable).
 */
import t from 'tap';
import { performance } from 'node:perf_hooks';
import { connect } from '@bosun/raft-kv';
import { FaultCluster } from './harness.js';

t.test('a linearizable read at a leader that gets isolated fails fast once it steps down', async (t) => {
  // The Raft core drops unconfirmed reads when the leader changes; the member used to leave
  // their callers waiting for the whole request timeout (10 s by default), so a lease
  // keep-alive could hang past the lease's TTL.
  const cluster = await FaultCluster.start(t, { size: 3 });
  const leader = await cluster.waitForLeader();
  const client = await connect({ endpoints: [cluster.clientURL(leader)], timeoutMs: 8_000, maxAttempts: 1 });
  t.teardown(() => client.close());
  await client.put('k', 'v');
  cluster.partition([leader]);
  const started = performance.now();
  const error = await client.range('k').then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsed = performance.now() - started;
  t.ok(error instanceof Error, 'the isolated member cannot serve a linearizable read');
  t.ok(elapsed < 4_000, `it says so within a few election timeouts (${Math.round(elapsed)} ms), not at the deadline`);
});

t.test('a read through every endpoint succeeds at the new leader while the old one is isolated', async (t) => {
  const cluster = await FaultCluster.start(t, { size: 3 });
  const leader = await cluster.waitForLeader();
  // The old leader first, as the endpoint the client prefers.
  const endpoints = [cluster.clientURL(leader), ...cluster.endpoints.filter((e) => e !== cluster.clientURL(leader))];
  const client = await connect({ endpoints, timeoutMs: 6_000 });
  t.teardown(() => client.close());
  await client.put('k', 'v');
  cluster.partition([leader]);
  const error = await client.range('k').then(
    () => undefined,
    (e: unknown) => e,
  );
  t.equal(error, undefined, 'the read is served by the majority (the client asks another member)');
});
