/** A KV wrapper that reports each call's duration (for the store latency metric). */
import type { KV } from '@bosun/raft-kv';

const TIMED = ['range', 'put', 'deleteRange', 'txn'] as const;

/** `kv` with range, put, deleteRange and txn timed by `observe(operation, seconds)`; other calls pass through. */
export function timedKv(kv: KV, observe: (operation: string, seconds: number) => void): KV {
  const wrapped = new Map<PropertyKey, unknown>();
  for (const name of TIMED) {
    const fn = (kv[name] as (...args: unknown[]) => Promise<unknown>).bind(kv);
    wrapped.set(name, async (...args: unknown[]) => {
      const start = process.hrtime.bigint();
      try {
        return await fn(...args);
      } finally {
        observe(name, Number(process.hrtime.bigint() - start) / 1e9);
      }
    });
  }
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const timed = wrapped.get(prop);
      if (timed !== undefined) return timed;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
