/**
 * The MVCC state machine: etcd's KV, lease and maintenance requests over the versioned
 * keyspace, with one `apply(request)` entry point that Raft calls for every committed command
 * (and reads call directly), typed helpers around it, the watch hub, and snapshot / restore.
 *
 * Every request is checked in full before anything changes, so a request either applies
 * completely at one revision or fails with an {@link MvccError} and leaves the store as it was
 * (except that exhausting the quota raises the NOSPACE alarm, which is itself replicated state).
 */
import { fromBinary, toBinary, toStoredBinary } from './bytes.js';
import type { Bytes } from './bytes.js';
import { txnPath } from './compare.js';
import { MvccError } from './errors.js';
import { Keyspace, VERSION_OVERHEAD_BYTES } from './keyspace.js';
import { LeaseTable } from './leases.js';
import { checkReadRevision, readRange, toKeyValue } from './range.js';
import { deleteRangeRequest, keyRange, putRequest, rangeRequest, txnRequest } from './requests.js';
import type { DeleteRangeOptions, KeyRangeOptions, PutOptions, RangeOptions, TxnParts } from './requests.js';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotAsync } from './snapshot.js';
import type {
  AlarmAction,
  AlarmRequest,
  AlarmResponse,
  AlarmType,
  CompactResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  LeaseGrantResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
  PutRequest,
  PutResponse,
  RangeResponse,
  Request,
  RequestOp,
  Response,
  ResponseFor,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './types.js';
import { DEFAULT_LIMITS, isAbsent, spanOf, validateRequest } from './validate.js';
import type { MvccLimits } from './validate.js';
import { WatchHub } from './watch-hub.js';
import type { WatchHubOptions, WatchStart } from './watch-hub.js';
import type { Watch } from './watch.js';

/** Told about every lease the replicated state gains or loses (the leader's {@link Lessor} listens). */
export interface LeaseListener {
  granted(id: number, ttlSeconds: number): void;
  revoked(id: number): void;
  /** The whole lease table changed (a snapshot was restored). */
  reset(leases: readonly { readonly id: number; readonly ttl: number }[]): void;
}

/** Options of a {@link MvccStore}. */
export interface MvccStoreOptions {
  readonly limits?: Partial<MvccLimits>;
  readonly watch?: WatchHubOptions;
  readonly leaseListener?: LeaseListener;
}

/** Options of {@link MvccStore.watch}. */
export interface WatchOptions extends KeyRangeOptions, WatchStart {}

/** A header the store fills in once the revision of a request is known. */
type Header = { revision: number };

/** Where a txn's execution stands in its path (see txnPath). */
interface TxnCursor {
  readonly path: boolean[];
  next: number;
}

/** The revision a write request is building. */
interface Writer {
  readonly revision: number;
  changes: number;
}

/** The MVCC state machine of one member. */
export class MvccStore {
  private ks = new Keyspace();
  private leaseTable = new LeaseTable();
  private alarmSet = new Set<AlarmType>();
  private readonly limits: MvccLimits;
  private readonly hub: WatchHub;
  private readonly listener: LeaseListener | undefined;

  constructor(options: MvccStoreOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.hub = new WatchHub(() => this.ks, options.watch);
    this.listener = options.leaseListener;
  }

  /** The current store revision (1 for an empty store, as in etcd). */
  get revision(): number {
    return this.ks.revision;
  }

  /** The revision of the last compaction, or 0. */
  get compactRevision(): number {
    return this.ks.compactRevision;
  }

  /** The bytes held, as the storage quota counts them. */
  get usedBytes(): number {
    return this.ks.usedBytes;
  }

  /** The alarms raised. */
  get alarms(): AlarmType[] {
    return [...this.alarmSet].sort();
  }

  /** The watch hub (the adapter calls `progress()` on it from its timer). */
  get watchHub(): WatchHub {
    return this.hub;
  }

  /** Applies one request: the state machine's entry point. Throws an {@link MvccError}. */
  apply<R extends Request>(request: R): ResponseFor<R> {
    validateRequest(request, this.limits);
    return this.dispatch(request) as ResponseFor<R>;
  }

  /** Reads keys (see {@link RangeOptions}). */
  range(key: Bytes, options?: RangeOptions): RangeResponse {
    return this.apply(rangeRequest(key, options));
  }

  /** Writes a key. */
  put(key: Bytes, value: Bytes, options?: PutOptions): PutResponse {
    return this.apply(putRequest(key, value, options));
  }

  /** Deletes a key or a range. */
  deleteRange(key: Bytes, options?: DeleteRangeOptions): DeleteRangeResponse {
    return this.apply(deleteRangeRequest(key, options));
  }

  /** Runs a txn. */
  txn(parts: TxnParts): TxnResponse {
    return this.apply(txnRequest(parts));
  }

  /** Drops history below `revision`. */
  compact(revision: number): CompactResponse {
    return this.apply({ type: 'compact', revision });
  }

  /** Creates lease `id` with a TTL in seconds. */
  grant(id: number, ttlSeconds: number): LeaseGrantResponse {
    return this.apply({ type: 'leaseGrant', id, ttl: ttlSeconds });
  }

  /** Ends lease `id` and deletes its keys in one revision. */
  revoke(id: number): LeaseRevokeResponse {
    return this.apply({ type: 'leaseRevoke', id });
  }

  /** Describes lease `id` (TTL -1 if it does not exist). */
  timeToLive(id: number, options: { keys?: boolean } = {}): LeaseTimeToLiveResponse {
    return this.apply({ type: 'leaseTimeToLive', id, keys: options.keys === true });
  }

  /** Lists the live leases. */
  leases(): LeaseLeasesResponse {
    return this.apply({ type: 'leaseLeases' });
  }

  /** Reads, raises or disarms an alarm. */
  alarm(action: AlarmAction, alarm?: AlarmType): AlarmResponse {
    return this.apply(alarm === undefined ? { type: 'alarm', action } : { type: 'alarm', action, alarm });
  }

  /** Watches a key or a range; throws `compacted` if `startRevision` is below the compact revision. */
  watch(key: Bytes, options: WatchOptions = {}): Watch {
    const range = keyRange(key, options);
    if (toBinary(range.key) === '') throw new MvccError('emptyKey');
    const start = options.startRevision;
    if (!isAbsent(start) && (!Number.isSafeInteger(start) || (start as number) < 0)) {
      throw new MvccError('invalidRequest', 'startRevision must be a non-negative integer');
    }
    return this.hub.watch(spanOf(range.key, range.rangeEnd), options);
  }

  /** The whole state (keyspace with history since compaction, leases, alarms) as bytes. */
  snapshot(): Uint8Array {
    return encodeSnapshot({ keyspace: this.ks, leases: this.leaseTable, alarms: this.alarms });
  }

  /**
   * The state as it is now, like {@link snapshot}, encoded a part at a time with `pause` awaited
   * in between: taken when called, unaffected by the requests applied while it is encoded.
   */
  snapshotAsync(pause: () => Promise<void>): Promise<Uint8Array> {
    return encodeSnapshotAsync({ keyspace: this.ks, leases: this.leaseTable, alarms: this.alarms }, pause);
  }

  /** Replaces the whole state with a snapshot's; watches continue from the new history. */
  restore(snapshot: Uint8Array): void {
    const state = decodeSnapshot(snapshot);
    this.hub.detachAll();
    this.ks = state.keyspace;
    this.leaseTable = state.leases;
    this.alarmSet = new Set(state.alarms);
    this.listener?.reset(this.leaseTable.list().map(({ id, ttl }) => ({ id, ttl })));
    this.hub.wakeAll();
  }

  private dispatch(request: Request): Response {
    switch (request.type) {
      case 'range':
        return readRange(this.ks, request, this.ks.revision, { revision: this.ks.revision });
      case 'put':
        this.checkSpace(putCost(request));
        this.checkPut(request);
        return this.write((w, header) => this.execPut(w, request, header));
      case 'deleteRange':
        return this.write((w, header) => this.execDelete(w, request, header));
      case 'txn':
        return this.txnApply(request);
      case 'compact':
        return this.compactApply(request.revision);
      case 'leaseGrant':
        return this.grantApply(request.id, request.ttl);
      case 'leaseRevoke':
        return this.revokeApply(request.id);
      case 'leaseTimeToLive':
        return this.timeToLiveApply(request.id, request.keys === true);
      case 'leaseLeases':
        return {
          type: 'leaseLeases',
          header: this.header(),
          leases: this.leaseTable.list().map(({ id, ttl }) => ({ id, ttl })),
        };
      case 'alarm':
        return this.alarmApply(request);
    }
  }

  private header(): Header {
    return { revision: this.ks.revision };
  }

  /** Runs `exec` at the next revision, which becomes the store's only if something changed. */
  private write<T>(exec: (w: Writer, header: Header) => T): T {
    const w: Writer = { revision: this.ks.revision + 1, changes: 0 };
    const header: Header = { revision: 0 };
    const response = exec(w, header);
    if (w.changes > 0) {
      this.ks.revision = w.revision;
      this.hub.publish(w.revision);
    }
    header.revision = this.ks.revision;
    return response;
  }

  private txnApply(txn: TxnRequest): TxnResponse {
    this.checkSpace(txnCost(txn));
    const path = txnPath(this.ks, txn);
    this.checkTxn(txn, { path, next: 0 });
    return this.write((w, header) => this.execTxn(w, txn, { path, next: 0 }, header));
  }

  /** Refuses a write of `cost` bytes under the NOSPACE alarm, or raises the alarm if it would not fit. */
  private checkSpace(cost: number): void {
    if (cost === 0) return;
    if (this.alarmSet.has('NOSPACE')) throw new MvccError('noSpace', 'the NOSPACE alarm is raised');
    if (this.ks.usedBytes + cost > this.limits.quotaBytes) {
      this.alarmSet.add('NOSPACE');
      throw new MvccError('noSpace', `${this.ks.usedBytes} + ${cost} bytes > quota ${this.limits.quotaBytes}`);
    }
  }

  /** Checks, before any write, what depends on the state for the operations on `path` (etcd's checkTxn). */
  private checkTxn(txn: TxnRequest, cursor: TxnCursor): void {
    const succeeded = cursor.path[cursor.next++] as boolean;
    for (const op of succeeded ? txn.success : txn.failure) {
      if (op.type === 'range') checkReadRevision(this.ks, op.revision ?? 0, this.ks.revision);
      else if (op.type === 'put') this.checkPut(op);
      else if (op.type === 'txn') this.checkTxn(op, cursor);
    }
  }

  private checkPut(put: PutRequest): void {
    const lease = put.lease ?? 0;
    if (lease !== 0 && this.leaseTable.get(lease) === undefined) {
      throw new MvccError('leaseNotFound', `lease ${lease}`);
    }
    if (put.ignoreValue === true || put.ignoreLease === true) {
      const head = this.ks.head(toBinary(put.key));
      if (head === undefined || head.version === 0) throw new MvccError('keyNotFound');
    }
  }

  private execPut(w: Writer, put: PutRequest, header: Header): PutResponse {
    const key = toBinary(put.key);
    const head = this.ks.head(key);
    const prev = head !== undefined && head.version > 0 ? head : undefined;
    const value = put.ignoreValue === true && prev !== undefined ? prev.value : toStoredBinary(put.value);
    const lease = put.ignoreLease === true && prev !== undefined ? prev.lease : (put.lease ?? 0);
    this.ks.put(key, value, lease, w.revision);
    w.changes += 1;
    const stored = this.ks.logKey(this.ks.logLength - 1);
    if (prev !== undefined && prev.lease !== lease) this.leaseTable.detach(prev.lease, stored);
    this.leaseTable.attach(lease, stored);
    if (put.prevKv === true && prev !== undefined) return { type: 'put', header, prevKv: toKeyValue(key, prev) };
    return { type: 'put', header };
  }

  private execDelete(w: Writer, request: DeleteRangeRequest, header: Header): DeleteRangeResponse {
    const span = spanOf(request.key, request.rangeEnd);
    const keys: string[] = [];
    this.ks.scan(span.start, span.end, (key, head) => {
      if (head.version > 0) keys.push(key);
    });
    const prevKvs: KeyValue[] = [];
    for (const key of keys) {
      const prev = this.ks.remove(key, w.revision);
      if (prev === undefined) continue;
      this.leaseTable.detach(prev.lease, key);
      if (request.prevKv === true) prevKvs.push(toKeyValue(key, prev));
    }
    w.changes += keys.length;
    return { type: 'deleteRange', header, deleted: keys.length, prevKvs };
  }

  private execTxn(w: Writer, txn: TxnRequest, cursor: TxnCursor, header: Header): TxnResponse {
    const succeeded = cursor.path[cursor.next++] as boolean;
    const responses = (succeeded ? txn.success : txn.failure).map((op) => this.execOp(w, op, cursor, header));
    return { type: 'txn', header, succeeded, responses };
  }

  private execOp(w: Writer, op: RequestOp, cursor: TxnCursor, header: Header): ResponseOp {
    switch (op.type) {
      case 'range':
        return readRange(this.ks, op, w.changes > 0 ? w.revision : this.ks.revision, header);
      case 'put':
        return this.execPut(w, op, header);
      case 'deleteRange':
        return this.execDelete(w, op, header);
      case 'txn':
        return this.execTxn(w, op, cursor, header);
    }
  }

  private compactApply(revision: number): CompactResponse {
    const ks = this.ks;
    if (revision <= ks.compactRevision) {
      throw new MvccError('compacted', `${revision} <= ${ks.compactRevision}`, { compactRevision: ks.compactRevision });
    }
    if (revision > ks.revision) throw new MvccError('futureRevision', `${revision} > ${ks.revision}`);
    ks.compact(revision);
    return { type: 'compact', header: this.header() };
  }

  private grantApply(id: number, ttl: number): LeaseGrantResponse {
    if (this.alarmSet.has('NOSPACE')) throw new MvccError('noSpace', 'the NOSPACE alarm is raised');
    this.leaseTable.grant(id, ttl);
    this.listener?.granted(id, ttl);
    return { type: 'leaseGrant', header: this.header(), id, ttl };
  }

  private revokeApply(id: number): LeaseRevokeResponse {
    const keys = this.leaseTable.revoke(id);
    const response = this.write((w, header): LeaseRevokeResponse => {
      for (const key of keys) if (this.ks.remove(key, w.revision) !== undefined) w.changes += 1;
      return { type: 'leaseRevoke', header };
    });
    this.listener?.revoked(id);
    return response;
  }

  private timeToLiveApply(id: number, withKeys: boolean): LeaseTimeToLiveResponse {
    const lease = this.leaseTable.get(id);
    const header = this.header();
    if (lease === undefined) return { type: 'leaseTimeToLive', header, id, ttl: -1, grantedTtl: 0, keys: [] };
    const keys = withKeys ? [...lease.keys].sort().map(fromBinary) : [];
    return { type: 'leaseTimeToLive', header, id, ttl: lease.ttl, grantedTtl: lease.ttl, keys };
  }

  private alarmApply(request: AlarmRequest): AlarmResponse {
    const alarm = request.alarm;
    if (isAbsent(alarm)) return { type: 'alarm', header: this.header(), alarms: this.alarms };
    if (request.action === 'activate') this.alarmSet.add(alarm);
    if (request.action === 'deactivate') this.alarmSet.delete(alarm);
    return { type: 'alarm', header: this.header(), alarms: this.alarms };
  }
}

/** What a put adds to the store, for the quota. */
function putCost(put: PutRequest): number {
  return toBinary(put.key).length + toBinary(put.value).length + VERSION_OVERHEAD_BYTES;
}

/** The most a txn can add (etcd: the costlier branch). */
function txnCost(txn: TxnRequest): number {
  return Math.max(opsCost(txn.success), opsCost(txn.failure));
}

function opsCost(ops: readonly RequestOp[]): number {
  let cost = 0;
  for (const op of ops) {
    if (op.type === 'put') cost += putCost(op);
    else if (op.type === 'txn') cost += txnCost(op);
  }
  return cost;
}
