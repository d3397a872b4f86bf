/**
 * Histories as the checker takes them in: checked for well-formedness, and split by key
 * (each key is an independent register, so a history is linearizable iff each key's part is).
 */
import type { HistoryOp } from './types.js';

/**
 * Throws (a programmer error) if `history` breaks an invariant of {@link HistoryOp}: a
 * duplicate id, a time that is not finite, `complete` before `invoke`, only one of
 * `output` and `complete`, or an output whose kind is not its input's.
 */
export function validateHistory(history: readonly HistoryOp[]): void {
  const ids = new Set<number>();
  for (const op of history) {
    const problem = problemOf(op, ids);
    if (problem !== undefined) throw new TypeError(`checkLinearizable: op ${op.id}: ${problem}`);
    ids.add(op.id);
  }
}

function problemOf(op: HistoryOp, ids: ReadonlySet<number>): string | undefined {
  if (ids.has(op.id)) return 'duplicate id';
  if (!Number.isFinite(op.invoke)) return `invoke is not a finite time: ${op.invoke}`;
  if ((op.output === undefined) !== (op.complete === undefined)) return 'output and complete must come together';
  if (op.complete === undefined || op.output === undefined) return undefined;
  if (!Number.isFinite(op.complete)) return `complete is not a finite time: ${op.complete}`;
  if (op.complete < op.invoke) return `completes (${op.complete}) before it is invoked (${op.invoke})`;
  if (op.output.kind !== op.input.kind) return `a ${op.input.kind} answered as a ${op.output.kind}`;
  return undefined;
}

/**
 * Splits a history into its keys' operations, keys in sorted order, operations in history
 * order. A get of unknown outcome constrains nothing and is left out.
 */
export function partitionByKey(history: readonly HistoryOp[]): Map<string, HistoryOp[]> {
  const byKey = new Map<string, HistoryOp[]>();
  for (const op of history) {
    if (op.input.kind === 'get' && op.output === undefined) continue;
    const ops = byKey.get(op.input.key);
    if (ops === undefined) byKey.set(op.input.key, [op]);
    else ops.push(op);
  }
  return new Map([...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
