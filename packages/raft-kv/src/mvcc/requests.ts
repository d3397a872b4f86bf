/**
 * Builders of requests from the options a caller thinks in (`prefix`, `fromKey`), for the
 * typed helpers of the store and for the operations of a txn.
 */
import { UNBOUNDED, fromBinary, prefixEnd, toBinary } from './bytes.js';
import type { Bytes } from './bytes.js';
import type {
  Compare,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  Request,
  RequestOp,
  SortOrder,
  SortTarget,
  TxnRequest,
} from './types.js';

/** Which keys a request covers besides `key` itself: at most one of the three. */
export interface KeyRangeOptions {
  /** The exclusive end of `[key, rangeEnd)`; `"\0"` means every key from `key` on. */
  readonly rangeEnd?: Bytes;
  /** Every key that starts with `key` (with an empty key: every key). */
  readonly prefix?: boolean;
  /** Every key from `key` on. */
  readonly fromKey?: boolean;
}

/** Options of {@link rangeRequest}. */
export interface RangeOptions extends KeyRangeOptions {
  readonly limit?: number;
  readonly revision?: number;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly sort?: { readonly target: SortTarget; readonly order: SortOrder };
}

/** Options of {@link putRequest}. */
export interface PutOptions {
  readonly lease?: number;
  readonly prevKv?: boolean;
  readonly ignoreValue?: boolean;
  readonly ignoreLease?: boolean;
}

/** Options of {@link deleteRangeRequest}. */
export interface DeleteRangeOptions extends KeyRangeOptions {
  readonly prevKv?: boolean;
}

/** The parts of a txn. */
export interface TxnParts {
  readonly compare?: readonly Compare[];
  readonly success?: readonly RequestOp[];
  readonly failure?: readonly RequestOp[];
}

/** The `key` and `rangeEnd` a request carries for `key` and the range options (etcd clientv3's rules). */
export function keyRange(key: Bytes, options: KeyRangeOptions): { key: Bytes; rangeEnd?: Bytes } {
  if (options.prefix === true) {
    const binary = toBinary(key);
    if (binary === '') return { key: UNBOUNDED, rangeEnd: UNBOUNDED };
    return { key, rangeEnd: fromBinary(prefixEnd(binary)) };
  }
  if (options.fromKey === true) {
    return toBinary(key) === '' ? { key: UNBOUNDED, rangeEnd: UNBOUNDED } : { key, rangeEnd: UNBOUNDED };
  }
  return options.rangeEnd === undefined ? { key } : { key, rangeEnd: options.rangeEnd };
}

/** A range request. */
export function rangeRequest(key: Bytes, options: RangeOptions = {}): RangeRequest {
  const { rangeEnd: _e, prefix: _p, fromKey: _f, ...rest } = options;
  return { type: 'range', ...keyRange(key, options), ...rest };
}

/** A put request. */
export function putRequest(key: Bytes, value: Bytes, options: PutOptions = {}): PutRequest {
  return { type: 'put', key, value, ...options };
}

/** A delete-range request. */
export function deleteRangeRequest(key: Bytes, options: DeleteRangeOptions = {}): DeleteRangeRequest {
  const { rangeEnd: _e, prefix: _p, fromKey: _f, ...rest } = options;
  return { type: 'deleteRange', ...keyRange(key, options), ...rest };
}

/** A txn request; missing parts are empty. */
export function txnRequest(parts: TxnParts): TxnRequest {
  return { type: 'txn', compare: parts.compare ?? [], success: parts.success ?? [], failure: parts.failure ?? [] };
}

/**
 * Whether a request only reads (etcd's IsTxnReadonly, extended to every request): a member may
 * answer it from its own state (a serializable read) instead of proposing it through Raft.
 */
export function isReadOnly(request: Request): boolean {
  switch (request.type) {
    case 'range':
    case 'leaseTimeToLive':
    case 'leaseLeases':
      return true;
    case 'alarm':
      return request.action === 'get';
    case 'txn':
      return [...request.success, ...request.failure].every(
        (op) => op.type === 'range' || (op.type === 'txn' && isReadOnly(op)),
      );
    default:
      return false;
  }
}
