import { MvccStore } from '@bosun/raft-kv';
import type { ResultRow } from '../report.js';
import { defineSuite } from '../suite.js';

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

/**
 * Memory of the MVCC keyspace: bytes of overhead per key beyond its key and value bytes, after
 * loading 1M keys (100k with --quick). Run with --expose-gc for a stable figure (pnpm bench does).
 */
export default defineSuite({
  name: 'store-memory',
  async run({ quick }) {
    const keys = quick ? 100_000 : 1_000_000;
    const value = 'v'.repeat(32);
    const before = heapUsed();
    const mvcc = new MvccStore();
    let payload = 0;
    const t0 = performance.now();
    for (let i = 0; i < keys; i++) {
      const key = `/registry/pods/default/pod-${String(i).padStart(8, '0')}`;
      mvcc.put(key, value);
      payload += key.length + value.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    const after = heapUsed();
    const overhead = (after - before - payload) / keys;
    const row: ResultRow = {
      suite: 'store-memory',
      task: `MVCC put, ${keys.toLocaleString('en-US')} keys in memory`,
      opsPerSec: keys / seconds,
      meanMs: (seconds * 1000) / keys,
      p50Ms: 0,
      p99Ms: 0,
      samples: keys,
      note: `${Math.round(overhead)} B/key overhead beyond key+value${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc)'}`,
    };
    if (mvcc.revision < keys) throw new Error('not every put was applied');
    return [row];
  },
});
