/**
 * The vocabulary of the MVCC state machine: requests and responses as plain data (etcd's v3
 * API), so that every request can travel through Raft as a msgpackr-encoded command and every
 * response can be sent to a client as is.
 *
 * Keys and values are bytes; requests also accept strings (sent as UTF-8). A `rangeEnd` follows
 * etcd: absent or empty means the single `key`, `"\0"` means every key from `key` on, anything
 * else is the exclusive end of `[key, rangeEnd)`.
 */
import type { Bytes } from './bytes.js';

/** What every response carries: the store revision it reflects. */
export interface ResponseHeader {
  /** For a write, the revision it created; otherwise the store revision the answer was read at. */
  readonly revision: number;
}

/**
 * One version of one key.
 * Invariant: createRevision <= modRevision; version >= 1 (the number of puts since creation).
 */
export interface KeyValue {
  readonly key: Uint8Array;
  /** The revision of the put that created the key (since its last delete). */
  readonly createRevision: number;
  /** The revision of the last change. */
  readonly modRevision: number;
  /** 1 on create, +1 per put; a delete resets it. */
  readonly version: number;
  /** Empty when the range asked for `keysOnly`. */
  readonly value: Uint8Array;
  /** The lease the key is attached to, or 0. */
  readonly lease: number;
}

/** What a range sorts by (etcd's SortTarget). */
export type SortTarget = 'key' | 'version' | 'create' | 'mod' | 'value';

/** The order of a sorted range (etcd's SortOrder). */
export type SortOrder = 'none' | 'ascend' | 'descend';

/** Reads keys, at the current or a past revision (etcd RangeRequest). */
export interface RangeRequest {
  readonly type: 'range';
  readonly key: Bytes;
  readonly rangeEnd?: Bytes;
  /** The most keys to return; 0 or absent for no limit. */
  readonly limit?: number;
  /** The revision to read at; 0 or absent for the current one. */
  readonly revision?: number;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly sort?: { readonly target: SortTarget; readonly order: SortOrder };
}

/** The answer to a {@link RangeRequest}. */
export interface RangeResponse {
  readonly type: 'range';
  readonly header: ResponseHeader;
  readonly kvs: KeyValue[];
  /** Whether the range holds more keys than `limit` let through. */
  readonly more: boolean;
  /** How many keys the range holds at the revision read, whatever the limit. */
  readonly count: number;
}

/** Writes one key (etcd PutRequest). */
export interface PutRequest {
  readonly type: 'put';
  readonly key: Bytes;
  readonly value: Bytes;
  /** The lease to attach the key to, or 0 / absent. The lease must exist. */
  readonly lease?: number;
  readonly prevKv?: boolean;
  /** Keep the current value (the key must exist; `value` must be empty). */
  readonly ignoreValue?: boolean;
  /** Keep the current lease (the key must exist; `lease` must be 0). */
  readonly ignoreLease?: boolean;
}

/** The answer to a {@link PutRequest}. */
export interface PutResponse {
  readonly type: 'put';
  readonly header: ResponseHeader;
  /** The key before the put, when asked for and the key existed. */
  readonly prevKv?: KeyValue;
}

/** Deletes one key or a range (etcd DeleteRangeRequest). */
export interface DeleteRangeRequest {
  readonly type: 'deleteRange';
  readonly key: Bytes;
  readonly rangeEnd?: Bytes;
  readonly prevKv?: boolean;
}

/** The answer to a {@link DeleteRangeRequest}. */
export interface DeleteRangeResponse {
  readonly type: 'deleteRange';
  readonly header: ResponseHeader;
  readonly deleted: number;
  /** The deleted keys, when asked for. */
  readonly prevKvs: KeyValue[];
}

/** How a compare relates the key's field to the given value. */
export type CompareResult = '=' | '!=' | '<' | '>';

/** The numeric fields a compare can test. */
export type NumericCompareTarget = 'version' | 'createRevision' | 'modRevision' | 'lease';

/**
 * A txn guard (etcd Compare). With `rangeEnd` it holds only if it holds for every key of the
 * range. A missing key has version, revisions and lease 0, and no value: a `value` compare on it
 * is false.
 */
export type Compare =
  | {
      readonly key: Bytes;
      readonly rangeEnd?: Bytes;
      readonly target: 'value';
      readonly result: CompareResult;
      readonly value: Bytes;
    }
  | {
      readonly key: Bytes;
      readonly rangeEnd?: Bytes;
      readonly target: NumericCompareTarget;
      readonly result: CompareResult;
      readonly value: number;
    };

/** One operation of a txn branch. */
export type RequestOp = RangeRequest | PutRequest | DeleteRangeRequest | TxnRequest;

/** The answer to one {@link RequestOp}. */
export type ResponseOp = RangeResponse | PutResponse | DeleteRangeResponse | TxnResponse;

/**
 * If every compare holds, runs `success`, else `failure`, atomically at one revision
 * (etcd TxnRequest). Later operations see the writes of earlier ones; compares of nested txns
 * are evaluated against the state before the txn, as in etcd.
 */
export interface TxnRequest {
  readonly type: 'txn';
  readonly compare: readonly Compare[];
  readonly success: readonly RequestOp[];
  readonly failure: readonly RequestOp[];
}

/** The answer to a {@link TxnRequest}. */
export interface TxnResponse {
  readonly type: 'txn';
  readonly header: ResponseHeader;
  readonly succeeded: boolean;
  readonly responses: ResponseOp[];
}

/** Drops history below `revision` (etcd CompactionRequest). */
export interface CompactRequest {
  readonly type: 'compact';
  readonly revision: number;
}

/** The answer to a {@link CompactRequest}. */
export interface CompactResponse {
  readonly type: 'compact';
  readonly header: ResponseHeader;
}

/** Creates a lease. The id is chosen before the request enters Raft (the leader picks it). */
export interface LeaseGrantRequest {
  readonly type: 'leaseGrant';
  /** A positive safe integer, unique among live leases. */
  readonly id: number;
  /** Seconds. */
  readonly ttl: number;
}

/** The answer to a {@link LeaseGrantRequest}. */
export interface LeaseGrantResponse {
  readonly type: 'leaseGrant';
  readonly header: ResponseHeader;
  readonly id: number;
  readonly ttl: number;
}

/** Ends a lease and deletes its keys, all in one revision. */
export interface LeaseRevokeRequest {
  readonly type: 'leaseRevoke';
  readonly id: number;
}

/** The answer to a {@link LeaseRevokeRequest}. */
export interface LeaseRevokeResponse {
  readonly type: 'leaseRevoke';
  readonly header: ResponseHeader;
}

/** Describes a lease. */
export interface LeaseTimeToLiveRequest {
  readonly type: 'leaseTimeToLive';
  readonly id: number;
  /** Also list the keys attached to the lease. */
  readonly keys?: boolean;
}

/**
 * The answer to a {@link LeaseTimeToLiveRequest}. The replicated state knows the granted TTL
 * only; the remaining time lives in the leader's {@link Lessor}, which fills in `ttl`
 * (here it is the granted TTL, or -1 when the lease does not exist, as in etcd).
 */
export interface LeaseTimeToLiveResponse {
  readonly type: 'leaseTimeToLive';
  readonly header: ResponseHeader;
  readonly id: number;
  readonly ttl: number;
  readonly grantedTtl: number;
  readonly keys: Uint8Array[];
}

/** Lists the live leases. */
export interface LeaseLeasesRequest {
  readonly type: 'leaseLeases';
}

/** The answer to a {@link LeaseLeasesRequest}, in increasing id order. */
export interface LeaseLeasesResponse {
  readonly type: 'leaseLeases';
  readonly header: ResponseHeader;
  readonly leases: { readonly id: number; readonly ttl: number }[];
}

/** The alarms the store can raise. `NOSPACE`: the storage quota is exhausted. */
export type AlarmType = 'NOSPACE';

/** What an alarm request does. */
export type AlarmAction = 'get' | 'activate' | 'deactivate';

/** Reads, raises or disarms an alarm (etcd AlarmRequest). */
export interface AlarmRequest {
  readonly type: 'alarm';
  readonly action: AlarmAction;
  /** Required for `activate` and `deactivate`. */
  readonly alarm?: AlarmType;
}

/** The answer to an {@link AlarmRequest}: the alarms raised after it. */
export interface AlarmResponse {
  readonly type: 'alarm';
  readonly header: ResponseHeader;
  readonly alarms: AlarmType[];
}

/** Every request {@link MvccStore.apply} takes. */
export type Request =
  | RangeRequest
  | PutRequest
  | DeleteRangeRequest
  | TxnRequest
  | CompactRequest
  | LeaseGrantRequest
  | LeaseRevokeRequest
  | LeaseTimeToLiveRequest
  | LeaseLeasesRequest
  | AlarmRequest;

/** Every response {@link MvccStore.apply} returns. */
export type Response =
  | RangeResponse
  | PutResponse
  | DeleteRangeResponse
  | TxnResponse
  | CompactResponse
  | LeaseGrantResponse
  | LeaseRevokeResponse
  | LeaseTimeToLiveResponse
  | LeaseLeasesResponse
  | AlarmResponse;

/** The kinds of request. */
export type RequestType = Request['type'];

/** The response type that answers request type `R`. */
export type ResponseFor<R extends Request> = Extract<Response, { readonly type: R['type'] }>;
