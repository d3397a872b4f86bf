/** What a load scenario may ask of a key-value store, whichever store it is. */

/** How a read is served: through the leader's ReadIndex, or from the member's own state. */
export type ReadMode = 'linearizable' | 'serializable';

/** The outcome of a compare-and-swap: the new mod revision, or the current one on conflict. */
export interface CasOutcome {
  readonly succeeded: boolean;
  /** The key's mod revision after the txn (0: the key does not exist). */
  readonly modRevision: number;
}

/** A live watch; `cancel` stops it. */
export interface WatchHandle {
  cancel(): Promise<void>;
}

/**
 * One client connection to a cluster, behind one interface for Bosun and etcd. Keys are
 * strings, values bytes; lease ids are opaque strings (etcd's are int64).
 */
export interface KvDriver {
  put(key: string, value: Uint8Array): Promise<void>;
  get(key: string, mode: ReadMode): Promise<void>;
  /**
   * Puts `value` if the key's mod revision is still `modRevision` (0: absent), else reads it:
   * one txn with a compare on mod revision, a put on success and a range on failure.
   */
  compareAndSwap(key: string, modRevision: number, value: Uint8Array): Promise<CasOutcome>;
  grant(ttlSeconds: number): Promise<string>;
  /** Renews a lease once and waits for the answer. */
  keepAliveOnce(id: string): Promise<void>;
  /** Watches every key under `prefix` from now on; resolves once the watch is established. */
  watchPrefix(prefix: string, onPut: (key: string) => void): Promise<WatchHandle>;
  close(): Promise<void>;
}

/** Opens drivers to one running cluster (one driver per connection). */
export interface DriverFactory {
  /** 'bosun' or 'etcd', as printed. */
  readonly system: System;
  connect(): Promise<KvDriver>;
}

/** The systems compared. */
export type System = 'bosun' | 'etcd';
