/** A KV wrapper that reports each call's duration (for the store latency metric). */
import type { KV } from '@bosun/raft-kv';

/** `kv` with range, put, deleteRange and txn timed by `observe(operation, seconds)`. */
export function timedKv(kv: KV, observe: (operation: string, seconds: number) => void): KV {
  const timed =
    <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const start = process.hrtime.bigint();
      try {
        return await fn(...args);
      } finally {
        observe(operation, Number(process.hrtime.bigint() - start) / 1e9);
      }
    };
  return new Proxy(kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (prop === 'range' || prop === 'put' || prop === 'deleteRange' || prop === 'txn') {
        return timed(prop, bound as (...args: unknown[]) => Promise<unknown>);
      }
      return bound;
    },
  });
}
