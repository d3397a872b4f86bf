/**
 * The linearizability checker for key-value histories: is there one order of all the
 * operations that respects real time (an operation that completed before another was
 * invoked comes first) and in which every key behaves as a register?
 *
 * Each key is searched on its own (linearizability is compositional), then the first key
 * that fails, if any, has its counterexample shrunk and explained.
 */
import { Budget } from './budget.js';
import { explainCounterexample, shrinkViolation } from './counterexample.js';
import { partitionByKey, validateHistory } from './history.js';
import { searchRegister } from './search.js';
import type { CheckOptions, CheckResult, HistoryOp } from './types.js';

/**
 * The default step budget of a check: at most about a second of search on one core (a step
 * costs from 0.1 µs on small keys to 0.6 µs on a key of 3,000 operations).
 */
export const DEFAULT_MAX_STEPS = 2_000_000;

/** The most steps a counterexample may spend being shrunk (within what the check has left). */
const SHRINK_MAX_STEPS = 200_000;

/**
 * Checks that `history` is linearizable. Operations of unknown outcome may take effect at
 * any point after their invocation, or never. Throws a TypeError if the history is
 * malformed (see {@link HistoryOp}), and a RangeError or TypeError on bad options.
 */
export function checkLinearizable(history: readonly HistoryOp[], options: CheckOptions = {}): CheckResult {
  validateHistory(history);
  const budget = Budget.start({
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    now: options.now,
    deadlineMs: options.deadlineMs,
  });
  const keys = partitionByKey(history);
  let checked = 0;
  for (const [key, ops] of keys) {
    const outcome = searchRegister(ops, budget);
    switch (outcome.kind) {
      case 'linearizable':
        checked += 1;
        break;
      case 'violation': {
        const shrunk = shrinkViolation(outcome, budget.child(SHRINK_MAX_STEPS));
        return { result: 'violation', key, ops: shrunk.involved, explanation: explainCounterexample(key, shrunk, ops) };
      }
      case 'exhausted': {
        const limit =
          budget.exhausted === 'deadline' ? `deadline of ${options.deadlineMs} ms` : `${budget.maxSteps} steps`;
        const reason = `ran out of its budget (${limit}) on key "${key}" after checking ${checked} of ${keys.size} keys`;
        return { result: 'unknown', reason };
      }
    }
  }
  return { result: 'ok' };
}
