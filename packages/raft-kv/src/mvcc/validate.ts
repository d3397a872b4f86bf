/**
 * The checks a request must pass before it touches the store, all of them on the request
 * alone: well-formedness (requests arrive from the network through Raft), etcd's limits on
 * size and txn operations, and etcd's rule that a txn may not write one key twice.
 */
import { UNBOUNDED, byteLength, prefixEnd, toBinary } from './bytes.js';
import type { Bytes } from './bytes.js';
import { MvccError } from './errors.js';
import { MAX_LEASE_TTL_SECONDS } from './leases.js';
import type { Compare, Request, RequestOp, TxnRequest } from './types.js';

/** The limits a store enforces. */
export interface MvccLimits {
  /** The largest request, in bytes of keys, values and range ends (+16 per operation). etcd: 1.5 MiB. */
  readonly maxRequestBytes: number;
  /** The most compares, and the most operations per branch, of a txn (at every level). etcd: 128. */
  readonly maxTxnOps: number;
  /** The storage quota in bytes (see Keyspace.usedBytes); past it the NOSPACE alarm goes off. etcd: 2 GiB. */
  readonly quotaBytes: number;
}

/** etcd's defaults. */
export const DEFAULT_LIMITS: MvccLimits = {
  maxRequestBytes: 1.5 * 1024 * 1024,
  maxTxnOps: 128,
  quotaBytes: 2 * 1024 * 1024 * 1024,
};

/** The bytes a request counts for against `maxRequestBytes`. */
const OP_OVERHEAD_BYTES = 16;

/**
 * A key range in binary strings with etcd's end: '' is the single key `start`,
 * {@link UNBOUNDED} every key from `start` on, anything else the exclusive end.
 */
export interface Span {
  readonly start: string;
  readonly end: string;
}

/** The span of a request's `key` and `rangeEnd`. */
export function spanOf(key: Bytes, rangeEnd: Bytes | undefined): Span {
  return { start: toBinary(key), end: isAbsent(rangeEnd) ? '' : toBinary(rangeEnd as Bytes) };
}

/**
 * Whether an optional field is absent. Requests cross Raft encoded, and an encoder may turn
 * `undefined` into `null` (msgpackr's encodeUndefinedAsNil): both mean absent.
 */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** The span of every key that starts with `prefix` (etcd's WithPrefix; '' means every key). */
export function prefixSpan(prefix: string): Span {
  return prefix === '' ? { start: UNBOUNDED, end: UNBOUNDED } : { start: prefix, end: prefixEnd(prefix) };
}

/** Whether `key` lies in `span`. */
export function inSpan(key: string, span: Span): boolean {
  if (span.end === '') return key === span.start;
  return key >= span.start && (span.end === UNBOUNDED || key < span.end);
}

/** Checks `request` against the limits and etcd's static rules; throws an {@link MvccError}. */
export function validateRequest(request: Request, limits: MvccLimits): void {
  if (typeof request !== 'object' || request === null) invalid('not an object');
  const size = checkRequest(request, limits);
  if (size > limits.maxRequestBytes) {
    throw new MvccError('requestTooLarge', `${size} bytes > ${limits.maxRequestBytes}`);
  }
  if (request.type === 'txn') {
    checkWrites(request.success);
    checkWrites(request.failure);
  }
}

/** Checks one request and returns its size. */
function checkRequest(request: Request, limits: MvccLimits): number {
  switch (request.type) {
    case 'range':
      checkKey(request.key, request.rangeEnd);
      checkCount(request.limit, 'limit');
      checkCount(request.revision, 'revision');
      return sizeOf(request.key, request.rangeEnd);
    case 'put':
      checkKey(request.key, undefined);
      if (!isBytes(request.value)) invalid('value must be bytes or a string');
      checkCount(request.lease, 'lease');
      if (request.ignoreValue === true && byteLength(request.value) > 0) throw new MvccError('valueProvided');
      if (request.ignoreLease === true && (request.lease ?? 0) !== 0) throw new MvccError('leaseProvided');
      return sizeOf(request.key, request.value);
    case 'deleteRange':
      checkKey(request.key, request.rangeEnd);
      return sizeOf(request.key, request.rangeEnd);
    case 'txn':
      return checkTxn(request, limits);
    case 'compact':
      checkCount(request.revision, 'revision');
      return OP_OVERHEAD_BYTES;
    case 'leaseGrant':
      checkLeaseId(request.id);
      if (!Number.isSafeInteger(request.ttl) || request.ttl <= 0) invalid('lease TTL must be a positive integer');
      if (request.ttl > MAX_LEASE_TTL_SECONDS) throw new MvccError('leaseTtlTooLarge', `${request.ttl}s`);
      return OP_OVERHEAD_BYTES;
    case 'leaseRevoke':
    case 'leaseTimeToLive':
      checkLeaseId(request.id);
      return OP_OVERHEAD_BYTES;
    case 'leaseLeases':
      return OP_OVERHEAD_BYTES;
    case 'alarm':
      if (!['get', 'activate', 'deactivate'].includes(request.action)) invalid(`unknown alarm action`);
      if (!isAbsent(request.alarm) && request.alarm !== 'NOSPACE') invalid(`unknown alarm`);
      if (request.action !== 'get' && isAbsent(request.alarm)) invalid(`${request.action} needs an alarm`);
      return OP_OVERHEAD_BYTES;
    default:
      return invalid(`unknown request type ${String((request as { type?: unknown }).type)}`);
  }
}

function checkTxn(txn: TxnRequest, limits: MvccLimits): number {
  if (!Array.isArray(txn.compare) || !Array.isArray(txn.success) || !Array.isArray(txn.failure)) {
    invalid('txn needs compare, success and failure lists');
  }
  const most = Math.max(txn.compare.length, txn.success.length, txn.failure.length);
  if (most > limits.maxTxnOps) throw new MvccError('tooManyOps', `${most} > ${limits.maxTxnOps}`);
  let size = OP_OVERHEAD_BYTES;
  for (const c of txn.compare) size += checkCompare(c);
  for (const op of [...txn.success, ...txn.failure]) {
    if (!isOp(op)) invalid(`a txn cannot hold ${String((op as { type?: unknown }).type)}`);
    size += checkRequest(op, limits);
  }
  return size;
}

function checkCompare(c: Compare): number {
  checkKey(c.key, c.rangeEnd);
  if (!['=', '!=', '<', '>'].includes(c.result)) invalid(`unknown compare result ${String(c.result)}`);
  if (c.target === 'value') {
    if (!isBytes(c.value)) invalid('a value compare needs bytes');
    return sizeOf(c.key, c.rangeEnd) + byteLength(c.value);
  }
  if (!['version', 'createRevision', 'modRevision', 'lease'].includes(c.target)) {
    invalid(`unknown compare target ${String(c.target)}`);
  }
  if (typeof c.value !== 'number') invalid('a numeric compare needs a number');
  return sizeOf(c.key, c.rangeEnd);
}

function isOp(op: RequestOp): boolean {
  return typeof op === 'object' && op !== null && ['range', 'put', 'deleteRange', 'txn'].includes(op.type);
}

function isBytes(b: unknown): b is Bytes {
  return typeof b === 'string' || b instanceof Uint8Array;
}

function checkKey(key: Bytes, rangeEnd: Bytes | undefined): void {
  if (!isBytes(key)) invalid('key must be bytes or a string');
  if (!isAbsent(rangeEnd) && !isBytes(rangeEnd)) invalid('rangeEnd must be bytes or a string');
  if (byteLength(key) === 0) throw new MvccError('emptyKey');
}

function checkLeaseId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) invalid('lease id must be a positive integer');
}

function checkCount(n: number | undefined, what: string): void {
  if (!isAbsent(n) && (!Number.isSafeInteger(n) || (n as number) < 0))
    invalid(`${what} must be a non-negative integer`);
}

function sizeOf(a: Bytes, b: Bytes | undefined): number {
  return OP_OVERHEAD_BYTES + byteLength(a) + byteLength(b);
}

function invalid(detail: string): never {
  throw new MvccError('invalidRequest', detail);
}

/** The keys a list of operations may put and the spans it may delete, over every branch. */
interface Writes {
  readonly puts: Set<string>;
  readonly deletes: Span[];
}

/**
 * Throws `duplicateKey` if one run of `ops` could put a key twice, or put and delete it (etcd's
 * checkIntervals). Both branches of a nested txn count, but never against each other. Unlike
 * etcd, a delete in a later sibling txn is also checked against the puts of an earlier one, so
 * that a key changes at most once per revision.
 */
export function checkWrites(ops: readonly RequestOp[]): Writes {
  const acc: Writes = { puts: new Set(), deletes: [] };
  for (const op of ops) {
    const writes = writesOf(op);
    for (const key of writes.puts) {
      if (acc.puts.has(key) || acc.deletes.some((d) => inSpan(key, d))) duplicate(key);
    }
    for (const span of writes.deletes) {
      for (const key of acc.puts) if (inSpan(key, span)) duplicate(key);
    }
    for (const key of writes.puts) acc.puts.add(key);
    acc.deletes.push(...writes.deletes);
  }
  return acc;
}

function writesOf(op: RequestOp): Writes {
  switch (op.type) {
    case 'range':
      return { puts: new Set(), deletes: [] };
    case 'put':
      return { puts: new Set([toBinary(op.key)]), deletes: [] };
    case 'deleteRange':
      return { puts: new Set(), deletes: [spanOf(op.key, op.rangeEnd)] };
    case 'txn': {
      const then = checkWrites(op.success);
      const otherwise = checkWrites(op.failure);
      return { puts: new Set([...then.puts, ...otherwise.puts]), deletes: [...then.deletes, ...otherwise.deletes] };
    }
  }
}

function duplicate(key: string): never {
  throw new MvccError('duplicateKey', JSON.stringify(key));
}
