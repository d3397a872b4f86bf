/**
 * Whether the members of a cluster hold the same keyspace: each one's digest of every key as of
 * one revision, read from its own state (a serializable range), so that a member that diverged
 * or missed writes shows.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@bosun/raft-kv';
import type { FaultCluster } from './harness.js';

/**
 * Each running member's {@link keyspaceDigest} at `revision` (once it has applied it, within
 * `timeoutMs`), or an `error: ...` line for a member that could not give one.
 */
export async function keyspaceDigests(
  cluster: FaultCluster,
  revision: number,
  timeoutMs = 15_000,
): Promise<Map<string, string>> {
  const running = cluster.names.filter((n) => cluster.state(n) === 'running');
  const deadline = performance.now() + timeoutMs;
  const digests = await Promise.all(
    running.map((n) =>
      keyspaceDigest(cluster.clientURL(n), revision, deadline).catch(
        (e: unknown) => `error: ${e instanceof Error ? e.message : String(e)}`,
      ),
    ),
  );
  return new Map(running.map((n, i) => [n, digests[i] ?? '']));
}

/**
 * The number of keys and a hash of every key with its value, revisions, version and lease as
 * of `revision`, as the member at `endpoint` serves them; waits (until `deadline`, a
 * performance.now() time) for the member to have applied `revision`.
 */
export async function keyspaceDigest(endpoint: string, revision: number, deadline: number): Promise<string> {
  const client = await connect({ endpoints: [endpoint], timeoutMs: 2_000, maxAttempts: 2 });
  try {
    for (let i = 0; (await client.status()).revision < revision; i++) {
      if (performance.now() > deadline || i > 1_000) return `error: revision ${revision} not applied in time`;
      await sleep(50);
    }
    const r = await client.range('', { prefix: true, serializable: true, revision });
    const hash = createHash('sha256');
    for (const kv of r.kvs) {
      hash.update(JSON.stringify([kv.createRevision, kv.modRevision, kv.version, kv.lease]));
      hash.update(kv.key).update('\0').update(kv.value).update('\0');
    }
    return `${r.kvs.length} keys, sha256 ${hash.digest('hex').slice(0, 16)}`;
  } finally {
    await client.close();
  }
}
