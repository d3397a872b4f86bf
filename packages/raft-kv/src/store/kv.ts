import type { Bytes } from '../mvcc/bytes.js';
import type { DeleteRangeOptions, PutOptions, RangeOptions, TxnParts } from '../mvcc/requests.js';
import type { WatchOptions } from '../mvcc/store.js';
import type {
  AlarmAction,
  AlarmResponse,
  AlarmType,
  CompactResponse,
  DeleteRangeResponse,
  LeaseGrantResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
  PutResponse,
  RangeResponse,
  TxnResponse,
} from '../mvcc/types.js';
import type { WatchBatch } from '../mvcc/watch.js';

/** Options of {@link KV.range}. */
export interface KvRangeOptions extends RangeOptions {
  /** Serve from this member's state without confirming it is current (may be stale). */
  readonly serializable?: boolean;
}

/** A live watch: an async iterable of event batches (one revision's events never split). */
export interface KvWatch extends AsyncIterable<WatchBatch> {
  /** Stops the watch; the iteration ends. */
  cancel(): void;
  /** Asks for a progress notification carrying the current revision. */
  requestProgress(): void;
}

/** What a store reports about itself. */
export interface StoreStatus {
  readonly revision: number;
  readonly compactRevision: number;
  readonly raftTerm: number;
  readonly raftIndex: number;
  readonly raftAppliedIndex: number;
  readonly leader: string;
  readonly memberId: string;
  /** Bytes of keys and values held (the quota counts these). */
  readonly dbSize: number;
  readonly alarms: readonly AlarmType[];
}

/**
 * The key-value API of @bosun/raft-kv, as etcd's v3 API has it. The embedded store
 * ({@link openStore}) and the remote client implement it alike, so code runs unchanged on both.
 * Keys and values are bytes; strings are taken as UTF-8.
 */
export interface KV {
  range(key: Bytes, options?: KvRangeOptions): Promise<RangeResponse>;
  put(key: Bytes, value: Bytes, options?: PutOptions): Promise<PutResponse>;
  deleteRange(key: Bytes, options?: DeleteRangeOptions): Promise<DeleteRangeResponse>;
  txn(parts: TxnParts): Promise<TxnResponse>;
  compact(revision: number): Promise<CompactResponse>;
  /** Grants a lease of `ttl` seconds (with `id`, or a fresh one). */
  grant(ttl: number, id?: number): Promise<LeaseGrantResponse>;
  /** Revokes a lease and deletes its keys in one revision. */
  revoke(id: number): Promise<LeaseRevokeResponse>;
  /** Renews a lease; resolves with its TTL in seconds. */
  keepAlive(id: number): Promise<number>;
  timeToLive(id: number, options?: { keys?: boolean }): Promise<LeaseTimeToLiveResponse>;
  leases(): Promise<LeaseLeasesResponse>;
  alarm(action: AlarmAction, alarm?: AlarmType): Promise<AlarmResponse>;
  watch(key: Bytes, options?: WatchOptions): KvWatch;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
