import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@bosun/raft-kv';
import { loadRow, runLoad, summarize } from '../load.js';
import type { ResultRow } from '../report.js';
import { defineSuite } from '../suite.js';

const value = 'v'.repeat(256);

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-store-'));
  const store = await openStore({ dataDir: dir, tickMs: 100 });
  try {
    return await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One put reaching `watchers` watchers: per-delivery latency from the put's start. */
async function watchFanOut(store: Store, watchers: number, puts: number): Promise<ResultRow> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const prefix = `watch-${watchers}/`;
  const start = (await store.status()).revision + 1;
  const watches = Array.from({ length: watchers }, () => store.watch(prefix, { prefix: true, startRevision: start }));
  const done = watches.map(async (w) => {
    let seen = 0;
    for await (const batch of w) {
      if (batch.type !== 'events') continue;
      for (const e of batch.events) {
        const t0 = sentAt.get(Buffer.from(e.kv.key).toString());
        if (t0 !== undefined) latencies.push(performance.now() - t0);
        seen++;
      }
      if (seen >= puts) break;
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < puts; i++) {
    const key = `${prefix}${i}`;
    sentAt.set(key, performance.now());
    await store.put(key, value);
  }
  await Promise.all(done);
  for (const w of watches) w.cancel();
  const seconds = (performance.now() - t0) / 1000;
  const s = summarize(latencies);
  return {
    suite: 'store',
    task: `watch fan-out: put to ${watchers} watcher(s)`,
    opsPerSec: latencies.length / seconds,
    ...s,
    samples: latencies.length,
    note: 'ops/s = events delivered/s',
  };
}

/**
 * The embedded store, fsync on: puts with 1 and 256 in flight (group commit), serializable and
 * linearizable point reads, a 1,000-key prefix range, CAS txns, and watch fan-out.
 */
export default defineSuite({
  name: 'store',
  async run({ quick }) {
    const scale = quick ? 0.2 : 1;
    const rows: ResultRow[] = [];
    await withStore(async (store) => {
      const keys = Math.round(20_000 * scale);
      const key = (i: number) => `key/${String(i % keys).padStart(6, '0')}`;
      const scenarios: {
        task: string;
        concurrency: number;
        maxOps: number;
        maxMs: number;
        op: (i: number) => Promise<unknown>;
      }[] = [
        {
          task: 'put, 1 in flight',
          concurrency: 1,
          maxOps: 2_000,
          maxMs: 3_000 * scale,
          op: (i) => store.put(`seq/${i}`, value),
        },
        {
          task: 'put, 256 in flight',
          concurrency: 256,
          maxOps: 100_000 * scale,
          maxMs: 10_000,
          op: (i) => store.put(key(i), value),
        },
        {
          task: 'range (point, serializable)',
          concurrency: 1,
          maxOps: 500_000 * scale,
          maxMs: 5_000,
          op: (i) => store.range(key(i), { serializable: true }),
        },
        {
          task: 'range (point, linearizable), 256 in flight',
          concurrency: 256,
          maxOps: 100_000 * scale,
          maxMs: 5_000,
          op: (i) => store.range(key(i)),
        },
        {
          task: 'range (1,000-key prefix, serializable)',
          concurrency: 1,
          maxOps: 2_000 * scale,
          maxMs: 5_000,
          // key/000 covers key/000000 to key/000999: 1,000 keys.
          op: (i) =>
            store.range(`key/${String(i % (keys / 1000)).padStart(3, '0')}`, { prefix: true, serializable: true }),
        },
        {
          task: 'txn (CAS on mod revision), 256 in flight',
          concurrency: 256,
          maxOps: 50_000 * scale,
          maxMs: 10_000,
          op: async (i) => {
            const k = key(i);
            const mod = (await store.range(k, { serializable: true })).kvs[0]?.modRevision ?? 0;
            return store.txn({
              compare: [{ key: k, target: 'modRevision', result: '=', value: mod }],
              success: [{ type: 'put', key: k, value }],
              failure: [],
            });
          },
        },
      ];
      for (const { task, maxOps, ...load } of scenarios) {
        rows.push(loadRow('store', task, await runLoad({ ...load, maxOps: Math.round(maxOps) })));
      }
      rows.push(await watchFanOut(store, 1, Math.round(1_000 * scale)));
      rows.push(await watchFanOut(store, 1_000, Math.round(200 * scale)));
    });
    return rows;
  },
});
