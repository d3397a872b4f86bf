/**
 * Counterexamples: a violating set of operations of one key made smaller, and explained in
 * one line.
 *
 * Removing operations from a history can make new violations that the real history does
 * not have (drop a put, and a read of its value, or a compare-and-swap that failed because
 * of it, no longer fits). So a counterexample is shrunk only under two rules: every value
 * that some remaining operation saw keeps a remaining writer, and the remaining operations
 * other than the one that fits nowhere (the culprit) stay linearizable on their own.
 */
import type { Budget } from './budget.js';
import { formatHistoryOp, quote } from './history-text.js';
import { searchRegister } from './search.js';
import type { HistoryOp } from './types.js';

/** Operations of one key that cannot be linearized, and the one at which every order stops. */
export interface Violation {
  readonly blocked: HistoryOp;
  readonly involved: HistoryOp[];
}

/** A violation, and whether `involved` without `blocked` is known to be linearizable. */
export interface Counterexample extends Violation {
  readonly isolated: boolean;
}

/**
 * Shrinks a violation. If the operations other than the blocked one (the culprit) can be
 * linearized on their own, removes operations under the two rules above: all those of
 * unknown outcome at once, then runs of halving length down to single operations. Otherwise
 * (or if `budget` runs out first) returns the violation as it is: it is valid, only larger.
 */
export function shrinkViolation(violation: Violation, budget: Budget): Counterexample {
  const { blocked } = violation;
  let involved = violation.involved;
  if (!isolated(violation, budget)) return { blocked, involved, isolated: false };
  const tryRemoving = (removed: ReadonlySet<HistoryOp>): boolean => {
    const rest = involved.filter((op) => !removed.has(op));
    const removable = removed.size > 0 && !orphansAnObservation(removed, rest) && stillViolates(rest, blocked, budget);
    if (removable) involved = rest;
    return removable;
  };
  tryRemoving(new Set(involved.filter((op) => op !== blocked && op.output === undefined)));
  for (let size = 1 << Math.floor(Math.log2(involved.length)); size >= 1; size >>= 1) {
    // Each round removes a run or moves past it: at most 2 * length / size rounds.
    let start = 0;
    while (start < involved.length && budget.exhausted === undefined) {
      const run = involved.slice(start, start + size).filter((op) => op !== blocked);
      if (!tryRemoving(new Set(run))) start += size;
    }
  }
  return { blocked, involved, isolated: true };
}

/** Whether the operations other than the blocked one can be linearized (and keep a writer for what they saw). */
function isolated(violation: Violation, budget: Budget): boolean {
  const { blocked, involved } = violation;
  const others = involved.filter((op) => op !== blocked);
  return !orphansAnObservation(new Set([blocked]), others) && searchRegister(others, budget).kind === 'linearizable';
}

/** Whether `rest` cannot be linearized, though it can without `blocked`. */
function stillViolates(rest: readonly HistoryOp[], blocked: HistoryOp, budget: Budget): boolean {
  if (searchRegister(rest, budget).kind !== 'violation') return false;
  const others = rest.filter((op) => op !== blocked);
  return searchRegister(others, budget).kind === 'linearizable';
}

/** Whether removing `removed` leaves some operation in `rest` seeing a value that `removed` wrote and nobody in `rest` writes. */
function orphansAnObservation(removed: ReadonlySet<HistoryOp>, rest: readonly HistoryOp[]): boolean {
  const lost = new Set([...removed].map(writtenValue));
  for (const op of rest) lost.delete(writtenValue(op));
  lost.delete(undefined);
  return rest.some((op) => lost.has(observedValue(op)));
}

/** The value an operation may have written, if any. */
function writtenValue(op: HistoryOp): string | undefined {
  const { input, output } = op;
  if (input.kind === 'get') return undefined;
  if (output?.kind === 'cas' && !output.ok) return undefined;
  return input.value;
}

/** The value an operation saw in the register, if it saw one. */
function observedValue(op: HistoryOp): string | undefined {
  const { input, output } = op;
  if (output?.kind === 'get') return output.value;
  if (input.kind === 'cas' && output?.kind === 'cas' && output.ok) return input.expected;
  return undefined;
}

/**
 * One line saying why a counterexample of `key` fails. `keyOps` are all the key's
 * operations, to tell a read of a value never written from one that is merely out of order.
 */
export function explainCounterexample(
  key: string,
  counterexample: Counterexample,
  keyOps: readonly HistoryOp[],
): string {
  const { blocked, involved, isolated } = counterexample;
  const seen = observedValue(blocked);
  const op = formatHistoryOp(blocked);
  if (seen !== undefined && !keyOps.some((other) => writtenValue(other) === seen)) {
    return `saw ${quote(seen)}, which no operation ever wrote to ${quote(key)}: ${op}`;
  }
  if (isolated) {
    return `the other ${involved.length - 1} operations on ${quote(key)} can be linearized, but not with this one: ${op}`;
  }
  return `no order of these ${involved.length} operations on ${quote(key)} respects real time and the register; every order is stuck at the response of: ${op}`;
}
