/**
 * Reads: etcd's Range over the keyspace (limits, counts, sorting, past revisions) and the
 * conversion of stored versions into {@link KeyValue}s.
 */
import { compareBinary, fromBinary } from './bytes.js';
import { MvccError } from './errors.js';
import { versionAt } from './keyspace.js';
import type { KeyVersion, Keyspace } from './keyspace.js';
import type { KeyValue, RangeRequest, RangeResponse, ResponseHeader, SortOrder, SortTarget } from './types.js';
import { spanOf } from './validate.js';

const NO_BYTES: Uint8Array = new Uint8Array(0);

/** The {@link KeyValue} of a live version. */
export function toKeyValue(key: string, v: KeyVersion, keysOnly = false): KeyValue {
  return {
    key: fromBinary(key),
    createRevision: v.createRevision,
    modRevision: v.modRevision,
    version: v.version,
    value: keysOnly || v.value === '' ? NO_BYTES : fromBinary(v.value),
    lease: v.lease,
  };
}

/** Throws unless `revision` (0 for the current one) can be read when the store is at `current`. */
export function checkReadRevision(ks: Keyspace, revision: number, current: number): void {
  if (revision > current) {
    throw new MvccError('futureRevision', `${revision} > ${current}`, { revision: current });
  }
  if (revision !== 0 && revision < ks.compactRevision) {
    throw new MvccError('compacted', `${revision} < ${ks.compactRevision}`, { compactRevision: ks.compactRevision });
  }
}

/** A key with the version a range found for it. */
type Found = [key: string, version: KeyVersion];

/**
 * Answers a range at `current`, the store revision as the reader sees it (inside a txn that has
 * written, the txn's revision).
 */
export function readRange(ks: Keyspace, request: RangeRequest, current: number, header: ResponseHeader): RangeResponse {
  const revision = request.revision ?? 0;
  checkReadRevision(ks, revision, current);
  const at = revision === 0 ? current : revision;
  const limit = request.limit ?? 0;
  const order = request.sort?.order ?? 'none';
  // Like etcd: a sorted range reads everything, sorts, then cuts; otherwise only limit + 1.
  const wanted = request.countOnly === true ? 0 : order === 'none' && limit > 0 ? limit + 1 : Infinity;
  const found: Found[] = [];
  let count = 0;
  const span = spanOf(request.key, request.rangeEnd);
  ks.scan(span.start, span.end, (key, head) => {
    const v = at === current ? (head.version > 0 ? head : undefined) : versionAt(head, at);
    if (v === undefined) return;
    count += 1;
    if (found.length < wanted) found.push([key, v]);
  });
  sortFound(found, request.sort?.target ?? 'key', order);
  const more = limit > 0 && found.length > limit;
  if (more) found.length = limit;
  const keysOnly = request.keysOnly === true;
  return { type: 'range', header, kvs: found.map(([k, v]) => toKeyValue(k, v, keysOnly)), more, count };
}

/** Sorts like etcd: a target other than `key` with order `none` sorts ascending. */
function sortFound(found: Found[], target: SortTarget, order: SortOrder): void {
  const effective = order === 'none' && target !== 'key' ? 'ascend' : order;
  if (effective === 'none' || (effective === 'ascend' && target === 'key')) return;
  if (target === 'key') {
    found.reverse();
    return;
  }
  const by = comparator(target);
  found.sort(effective === 'ascend' ? by : (a, b) => by(b, a));
}

function comparator(target: Exclude<SortTarget, 'key'>): (a: Found, b: Found) => number {
  switch (target) {
    case 'version':
      return (a, b) => a[1].version - b[1].version;
    case 'create':
      return (a, b) => a[1].createRevision - b[1].createRevision;
    case 'mod':
      return (a, b) => a[1].modRevision - b[1].modRevision;
    case 'value':
      return (a, b) => compareBinary(a[1].value, b[1].value);
  }
}
