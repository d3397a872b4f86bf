/**
 * The MVCC state machine of @bosun/raft-kv: the versioned keyspace with etcd's v3 semantics
 * (range, put, delete-range, txn, compaction, leases, quota and alarms), the watch hub, the
 * leader-local lease clock, and snapshots. Pure and deterministic: no clock, timer or randomness.
 */
export { UNBOUNDED, prefixEnd } from './bytes.js';
export type { Bytes } from './bytes.js';
export { MVCC_ERROR_MESSAGES, MvccError, isMvccError } from './errors.js';
export type { MvccErrorCode, MvccErrorData, MvccErrorDetails } from './errors.js';
export { VERSION_OVERHEAD_BYTES } from './keyspace.js';
export { MAX_LEASE_TTL_SECONDS } from './leases.js';
export { Lessor } from './lessor.js';
export type { LessorOptions } from './lessor.js';
export { deleteRangeRequest, isReadOnly, keyRange, putRequest, rangeRequest, txnRequest } from './requests.js';
export type { DeleteRangeOptions, KeyRangeOptions, PutOptions, RangeOptions, TxnParts } from './requests.js';
export { MvccStore } from './store.js';
export type { LeaseListener, MvccStoreOptions, WatchOptions } from './store.js';
export type {
  AlarmAction,
  AlarmRequest,
  AlarmResponse,
  AlarmType,
  Compare,
  CompareResult,
  CompactRequest,
  CompactResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseLeasesRequest,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  NumericCompareTarget,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  Request,
  RequestOp,
  RequestType,
  Response,
  ResponseFor,
  ResponseHeader,
  ResponseOp,
  SortOrder,
  SortTarget,
  TxnRequest,
  TxnResponse,
} from './types.js';
export { DEFAULT_LIMITS } from './validate.js';
export type { MvccLimits } from './validate.js';
export { WatchHub } from './watch-hub.js';
export type { WatchHubOptions, WatchStart } from './watch-hub.js';
export { Watch } from './watch.js';
export type { WatchBatch, WatchEnd, WatchEndReason, WatchEvent, WatchFilter } from './watch.js';
