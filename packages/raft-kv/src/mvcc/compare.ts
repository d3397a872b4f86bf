/**
 * Txn guards: etcd's Compare over the current state, and the path a txn takes (which branch
 * of it and of each nested txn runs), decided before any of its writes, as etcd does.
 */
import { compareBinary, toBinary } from './bytes.js';
import type { KeyVersion, Keyspace } from './keyspace.js';
import type { Compare, CompareResult, TxnRequest } from './types.js';
import { spanOf } from './validate.js';

/** Whether `c` holds at the store's current state. */
export function compareHolds(ks: Keyspace, c: Compare): boolean {
  const span = spanOf(c.key, c.rangeEnd);
  let any = false;
  let all = true;
  ks.scan(span.start, span.end, (_key, head) => {
    if (head.version === 0) return;
    any = true;
    if (all && !compareVersion(c, head)) all = false;
  });
  if (any) return all;
  // etcd: a missing key compares as all zeros, but has no value to compare.
  return c.target === 'value' ? false : holds(c.result, 0 - c.value);
}

function compareVersion(c: Compare, v: KeyVersion): boolean {
  switch (c.target) {
    case 'value':
      return holds(c.result, compareBinary(v.value, toBinary(c.value)));
    case 'version':
      return holds(c.result, v.version - c.value);
    case 'createRevision':
      return holds(c.result, v.createRevision - c.value);
    case 'modRevision':
      return holds(c.result, v.modRevision - c.value);
    case 'lease':
      return holds(c.result, v.lease - c.value);
  }
}

/** Whether an ordering outcome (negative, zero, positive) satisfies `result`. */
function holds(result: CompareResult, order: number): boolean {
  switch (result) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
  }
}

/**
 * The path of a txn: whether its compares hold, then the paths of the nested txns of the
 * branch that runs, in order (etcd's compareToPath, a pre-order list of outcomes).
 */
export function txnPath(ks: Keyspace, txn: TxnRequest, path: boolean[] = []): boolean[] {
  const succeeded = txn.compare.every((c) => compareHolds(ks, c));
  path.push(succeeded);
  for (const op of succeeded ? txn.success : txn.failure) {
    if (op.type === 'txn') txnPath(ks, op, path);
  }
  return path;
}
