/**
 * The leader-local lease clock (etcd's lessor, minus the store): when each lease expires.
 * It is not replicated. Only the primary (the Raft leader) tracks expiries; it renews leases on
 * keep-alive and reports the expired ones, which the leader then revokes by proposing
 * `leaseRevoke` through Raft. A new leader `promote`s its lessor with an extension so that no
 * lease expires merely because leadership moved; a member that loses leadership `demote`s it.
 *
 * Pure: time is an injected `now()` in milliseconds, or passed to each call.
 */
import { MvccError } from './errors.js';
import { ExpiryHeap } from './expiry-heap.js';
import type { LeaseListener } from './store.js';

/** Options of a {@link Lessor}. */
export interface LessorOptions {
  /** The clock, in milliseconds. */
  readonly now: () => number;
  /** How long after reporting an expired lease to report it again if it is still there (etcd: 3 s). */
  readonly retryMs?: number;
}

/**
 * What the lessor knows of one lease.
 * Invariant: expiry and due are Infinity unless the lessor is primary; due >= expiry.
 */
interface LeaseClock {
  readonly ttlMs: number;
  /** When the lease runs out. */
  expiry: number;
  /** When `expired()` reports it next: its expiry, or later for a retry. Matches its live heap entry. */
  due: number;
}

/** The lease clock of one member. Feed it the applied grants and revokes (it is a {@link LeaseListener}). */
export class Lessor implements LeaseListener {
  private readonly clock: () => number;
  private readonly retryMs: number;
  private readonly leases = new Map<number, LeaseClock>();
  private readonly queue = new ExpiryHeap();
  private primary = false;

  constructor(options: LessorOptions) {
    this.clock = options.now;
    this.retryMs = options.retryMs ?? 3_000;
  }

  /** Whether this lessor is the primary (its member leads). */
  get isPrimary(): boolean {
    return this.primary;
  }

  /** The number of leases known. */
  get size(): number {
    return this.leases.size;
  }

  /** {@link LeaseListener}: a grant was applied. On the primary the lease starts its TTL now. */
  granted(id: number, ttlSeconds: number): void {
    const lease: LeaseClock = { ttlMs: ttlSeconds * 1000, expiry: Infinity, due: Infinity };
    this.leases.set(id, lease);
    if (this.primary) this.arm(id, lease, this.clock() + lease.ttlMs);
  }

  /** {@link LeaseListener}: a revoke was applied. */
  revoked(id: number): void {
    this.leases.delete(id);
  }

  /** {@link LeaseListener}: the lease table was replaced by a snapshot's. */
  reset(leases: readonly { readonly id: number; readonly ttl: number }[]): void {
    this.leases.clear();
    this.queue.clear();
    const now = this.clock();
    for (const { id, ttl } of leases) {
      const lease: LeaseClock = { ttlMs: ttl * 1000, expiry: Infinity, due: Infinity };
      this.leases.set(id, lease);
      if (this.primary) this.arm(id, lease, now + lease.ttlMs);
    }
  }

  /**
   * Becomes primary: every lease gets its full TTL plus `extendMs` from `now` (etcd extends by
   * the election timeout), so that none expires because the previous leader's clock was lost.
   */
  promote(now: number = this.clock(), extendMs = 0): void {
    this.primary = true;
    this.queue.clear();
    for (const [id, lease] of this.leases) this.arm(id, lease, now + extendMs + lease.ttlMs);
  }

  /** Stops being primary: no lease expires here any more. */
  demote(): void {
    this.primary = false;
    this.queue.clear();
    for (const lease of this.leases.values()) {
      lease.expiry = Infinity;
      lease.due = Infinity;
    }
  }

  /**
   * Renews lease `id` for its full TTL (etcd's LeaseKeepAlive) and returns the TTL in seconds.
   * Throws `notPrimary` on a follower, `leaseNotFound` for an unknown lease and `leaseExpired`
   * for one whose time has run out (its revoke is on the way).
   */
  keepAlive(id: number, now: number = this.clock()): number {
    if (!this.primary) throw new MvccError('notPrimary');
    const lease = this.leases.get(id);
    if (lease === undefined) throw new MvccError('leaseNotFound', `lease ${id}`);
    if (lease.expiry <= now) throw new MvccError('leaseExpired', `lease ${id}`);
    this.arm(id, lease, now + lease.ttlMs);
    return lease.ttlMs / 1000;
  }

  /**
   * The leases that have expired by `now` (at most `limit`), earliest first, for the leader to
   * revoke. Each is reported again after `retryMs` if its revoke has not been applied by then.
   */
  expired(now: number = this.clock(), limit = Infinity): number[] {
    const ids: number[] = [];
    while (ids.length < limit) {
      const next = this.queue.peek();
      if (next === undefined || next.expiry > now) break;
      this.queue.pop();
      const lease = this.leases.get(next.id);
      if (lease === undefined || lease.due !== next.expiry) continue; // revoked or renewed since
      ids.push(next.id);
      lease.due = now + this.retryMs;
      this.queue.push({ id: next.id, expiry: lease.due });
    }
    return ids;
  }

  /**
   * The seconds lease `id` has left, rounded up (for LeaseTimeToLive): -1 for an unknown
   * lease, the granted TTL on a follower (which does not track time).
   */
  remainingSeconds(id: number, now: number = this.clock()): number {
    const lease = this.leases.get(id);
    if (lease === undefined) return -1;
    if (!this.primary) return lease.ttlMs / 1000;
    return Math.max(0, Math.ceil((lease.expiry - now) / 1000));
  }

  /** Sets the expiry of `lease` and schedules its report. */
  private arm(id: number, lease: LeaseClock, expiry: number): void {
    lease.expiry = expiry;
    lease.due = expiry;
    this.queue.push({ id, expiry });
    // Renewals leave stale entries behind: rebuild before they outnumber the live ones.
    if (this.queue.size > 2 * this.leases.size + 1024) {
      this.queue.clear();
      for (const [leaseId, l] of this.leases) if (l.due !== Infinity) this.queue.push({ id: leaseId, expiry: l.due });
    }
  }
}
