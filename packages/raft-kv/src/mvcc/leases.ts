/**
 * The replicated side of leases: which leases exist, their granted TTL and the keys attached
 * to them. It holds no time at all, so every member computes the same table from the log;
 * when a lease runs out is decided by the leader's {@link Lessor}.
 */
import { MvccError } from './errors.js';

/** etcd's MaxLeaseTTL: 9,000,000,000 seconds. */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

/** A live lease. Invariant: every key in `keys` is alive and its newest version has this lease. */
export interface LeaseRecord {
  readonly id: number;
  /** Granted TTL, seconds. */
  readonly ttl: number;
  readonly keys: Set<string>;
}

/** The table of live leases. */
export class LeaseTable {
  private readonly leases = new Map<number, LeaseRecord>();

  /** The number of live leases. */
  get size(): number {
    return this.leases.size;
  }

  /** The lease `id`, if it is live. */
  get(id: number): LeaseRecord | undefined {
    return this.leases.get(id);
  }

  /** Adds a lease; `leaseExists` if the id is taken. */
  grant(id: number, ttl: number): LeaseRecord {
    if (this.leases.has(id)) throw new MvccError('leaseExists', `lease ${id}`);
    const lease: LeaseRecord = { id, ttl, keys: new Set() };
    this.leases.set(id, lease);
    return lease;
  }

  /** Removes a lease and returns its keys in byte order; `leaseNotFound` if it is not live. */
  revoke(id: number): string[] {
    const lease = this.leases.get(id);
    if (lease === undefined) throw new MvccError('leaseNotFound', `lease ${id}`);
    this.leases.delete(id);
    return [...lease.keys].sort();
  }

  /** Attaches `key` to the live lease `id` (a no-op for 0). */
  attach(id: number, key: string): void {
    if (id !== 0) this.leases.get(id)?.keys.add(key);
  }

  /** Detaches `key` from lease `id` (a no-op for 0 or a lease that is gone). */
  detach(id: number, key: string): void {
    if (id !== 0) this.leases.get(id)?.keys.delete(key);
  }

  /** Every live lease, in increasing id order. */
  list(): LeaseRecord[] {
    return [...this.leases.values()].sort((a, b) => a.id - b.id);
  }
}
