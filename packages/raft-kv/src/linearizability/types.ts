/**
 * The vocabulary of the linearizability checker: key-value operations as a client saw them
 * (what it asked, what it was told, and when), and the checker's verdict.
 *
 * Times are numbers on any single clock that all clients share (simulator ticks, or
 * milliseconds of one process's monotonic clock). Only their order matters.
 */

/**
 * What a client asked of the store. Every key is a register; `cas` with `expected: undefined`
 * means "create only if absent".
 */
export type KvInput =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'cas'; readonly key: string; readonly expected: string | undefined; readonly value: string };

/**
 * What the store answered. Its `kind` is always the kind of the input; `value: undefined`
 * means the key was absent; `ok` says whether the compare-and-swap took effect.
 */
export type KvOutput =
  | { readonly kind: 'put' }
  | { readonly kind: 'get'; readonly value: string | undefined }
  | { readonly kind: 'cas'; readonly ok: boolean };

/**
 * One operation of a history: invoked by `client` at `invoke`, answered with `output` at
 * `complete`.
 *
 * `output` and `complete` are both present, or both absent. Absent means the outcome is
 * unknown (the client timed out or lost its connection): the operation may have taken effect
 * at any point after `invoke`, or never.
 * Invariant: `invoke <= complete`; `id` is unique within a history.
 */
export interface HistoryOp {
  readonly id: number;
  /** Who issued the operation; used only to make counterexamples readable. */
  readonly client: string;
  readonly input: KvInput;
  readonly output?: KvOutput;
  readonly invoke: number;
  readonly complete?: number;
}

/**
 * The checker's verdict on a history.
 *
 * - `ok`: every key's operations can be put in one order that respects real time and
 *   register semantics.
 * - `violation`: they cannot; `ops` are operations of `key` that cannot be linearized even on
 *   their own (sorted by `invoke`), and `explanation` says in one line where it fails.
 * - `unknown`: the search ran out of its budget (`reason` says which) before deciding.
 */
export type CheckResult =
  | { readonly result: 'ok' }
  | { readonly result: 'violation'; readonly key: string; readonly ops: HistoryOp[]; readonly explanation: string }
  | { readonly result: 'unknown'; readonly reason: string };

/** The budget of a check. The checker never reads a clock of its own. */
export interface CheckOptions {
  /** The most search steps the whole check may take (all keys together). Default: `DEFAULT_MAX_STEPS`. */
  readonly maxSteps?: number;
  /** A monotonic clock in milliseconds; required with `deadlineMs`. */
  readonly now?: () => number;
  /** How many milliseconds of `now` the check may take, counted from its start. */
  readonly deadlineMs?: number;
}
