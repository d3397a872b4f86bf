/**
 * Keeping a lease alive: renew it at a third of its TTL, retry failed renewals quickly, and
 * report the lease lost, once, when the member says it is gone or when no renewal has
 * succeeded for a whole TTL (the leader will have revoked it, or is about to).
 */
import { performance } from 'node:perf_hooks';
import { isMvccError } from '../mvcc/errors.js';
import type { KV } from '../store/kv.js';
import { isClientError } from './errors.js';

/** Options of {@link keepAliveForever}. */
export interface LeaseKeeperOptions {
  /** The lease's TTL in seconds until the first renewal tells it (the client's timeout by default: 10 s). */
  readonly ttlSeconds?: number;
  /** The wait before retrying a failed renewal (ms; 500 by default, at most a sixth of the TTL). */
  readonly retryMs?: number;
}

/** Where a keeper stands. */
export type LeaseKeeperState = 'renewing' | 'stopped' | 'lost';

/** A running keep-alive. */
export interface LeaseKeeper {
  readonly id: number;
  readonly state: LeaseKeeperState;
  /** The TTL the last renewal reported, in seconds (0 before the first). */
  readonly ttlSeconds: number;
  /** Stops renewing (the lease then expires unless revoked sooner). */
  stop(): void;
}

/**
 * Renews lease `id` through `kv` every ttl/3 until stopped. `onLost` is called once if the
 * lease is gone (`leaseNotFound`, `leaseExpired`, a TTL of 0 or less), the client was closed,
 * or no renewal succeeded for a whole TTL; the keeper then stops. Works over the remote client and the embedded store.
 */
export function keepAliveForever(
  kv: Pick<KV, 'keepAlive'>,
  id: number,
  onLost: (error: Error) => void,
  options: LeaseKeeperOptions = {},
): LeaseKeeper {
  let state: LeaseKeeperState = 'renewing';
  let ttlSeconds = 0;
  let lastRenewed = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const assumedTtlMs = (options.ttlSeconds ?? 10) * 1000;

  const lose = (error: Error) => {
    if (state !== 'renewing') return;
    state = 'lost';
    clearTimeout(timer);
    onLost(error);
  };
  const schedule = (ms: number) => {
    if (state === 'renewing') timer = setTimeout(renew, ms);
  };
  function renew(): void {
    kv.keepAlive(id).then(
      (ttl) => {
        if (state !== 'renewing') return;
        if (ttl <= 0) return lose(new Error(`lease ${id} has expired (ttl ${ttl})`));
        ttlSeconds = ttl;
        lastRenewed = performance.now();
        schedule((ttl * 1000) / 3);
      },
      (error: unknown) => {
        if (state !== 'renewing') return;
        const e = error instanceof Error ? error : new Error(String(error));
        if (isMvccError(e, 'leaseNotFound') || isMvccError(e, 'leaseExpired') || isClientError(e, 'closed')) {
          return lose(e);
        }
        const ttlMs = ttlSeconds > 0 ? ttlSeconds * 1000 : assumedTtlMs;
        if (performance.now() - lastRenewed >= ttlMs) return lose(e);
        schedule(Math.min(options.retryMs ?? 500, ttlMs / 6));
      },
    );
  }
  renew();

  return {
    id,
    get state() {
      return state;
    },
    get ttlSeconds() {
      return ttlSeconds;
    },
    stop() {
      if (state !== 'renewing') return;
      state = 'stopped';
      clearTimeout(timer);
    },
  };
}
