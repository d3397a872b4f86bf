/**
 * Helpers for tests that start real members on loopback: free ports, a bounded wait, and a
 * scratch cluster whose members are started one by one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Member } from './member.js';

/** A free loopback port (bound and released; a peer URL must be known before the cluster starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `fn` every 25 ms until it returns a value; throws after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A scratch dir and a new cluster of `names` on free loopback ports; `start` starts one member of it. */
export async function plan(t: { teardown(fn: () => void): void }, names: readonly string[]) {
  const root = mkdtempSync(join(tmpdir(), 'bosun-member-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const ports = await Promise.all(names.map(() => freePort()));
  const initialCluster = Object.fromEntries(names.map((n, i) => [n, `http://127.0.0.1:${ports[i]}`]));
  const start = (name: string, extra: Partial<Parameters<typeof Member.start>[0]> = {}) =>
    Member.start({
      name,
      dataDir: join(root, name),
      listenPeer: initialCluster[name] ?? 'http://127.0.0.1:0',
      listenClient: 'http://127.0.0.1:0',
      initialCluster,
      clusterToken: 'secret',
      tickMs: 20,
      ...extra,
    });
  return { root, start };
}
