/**
 * The linearization search for one key (Wing & Gong, with Lowe's memoization, as in
 * Porcupine). Walk the events in time order; at a call, try to linearize that operation now
 * (the register must accept its output) and start again from the first remaining event; at
 * the first return whose operation is not yet linearized, try instead the maybe operations
 * (outcome unknown) invoked before it; when none fits, undo the latest choice and try the
 * next candidate after it. Iterative, with an explicit stack.
 *
 * Maybe operations are linearized lazily. In any linearization, a maybe operation can be
 * moved later (past a read it does not affect, or to the very end, which is the same as never)
 * unless what comes right after it depends on its effect: a known get or cas that fits after
 * it but did not fit before, or a maybe cas that expects the value it wrote. So a maybe
 * operation is tried only when such an operation is among the candidates.
 *
 * Memoization: the future of the search depends only on the set of linearized operations
 * and the register's value. A state that has linearized fewer maybe operations (and the same
 * known ones, to the same value) can do all that one with more can, since a maybe operation
 * may also take effect later or never; so a state is skipped when one with the same known
 * set and value and a subset of its maybe operations was reached before (among the last
 * {@link MAYBE_SETS_KEPT} such subsets, to bound the cost of a step).
 */
import { Bitset } from './bitset.js';
import type { Budget } from './budget.js';
import { buildEventLists, lift, unlift, type Event, type EventLists } from './events.js';
import { encodeRegisterValue, stepRegister, type RegisterValue } from './register.js';
import type { HistoryOp } from './types.js';

/**
 * What the search found for one key's operations.
 *
 * On a `violation`, `blocked` is the operation whose response is the latest point in time
 * any order reached, and `involved` are the operations invoked before that response (sorted
 * by `invoke`): they cannot be linearized on their own, for a linearization of them would
 * have let the search past that point.
 */
export type SearchOutcome =
  | { readonly kind: 'linearizable' }
  | { readonly kind: 'violation'; readonly blocked: HistoryOp; readonly involved: HistoryOp[] }
  | { readonly kind: 'exhausted' };

/** How many sets of maybe operations the memo keeps per (known set, value). */
const MAYBE_SETS_KEPT = 8;

/** A choice the search can undo: the linearized call, and the value and limit before it. */
interface Frame {
  readonly call: Event;
  readonly value: RegisterValue;
  readonly limit: Event;
}

/** Searches for a linearization of `ops` (all of one key), spending steps of `budget`. */
export function searchRegister(ops: readonly HistoryOp[], budget: Budget): SearchOutcome {
  return new RegisterSearch(ops).run(budget);
}

class RegisterSearch {
  private readonly lists: EventLists;
  private readonly known: Bitset;
  private readonly maybe: Bitset;
  /** For each (known set, value) reached, as `known.key() + encoded value`: the maybe sets it was reached with. */
  private readonly seen = new Map<string, Uint32Array[]>();
  private readonly stack: Frame[] = [];
  private value: RegisterValue = undefined;
  /** Operations of known outcome not yet linearized. Zero means the history is linearizable. */
  private pending: number;
  /** The values that some maybe cas expects. */
  private readonly maybeExpects = new Set<string | undefined>();

  constructor(ops: readonly HistoryOp[]) {
    for (const { input, output } of ops) {
      if (input.kind === 'cas' && output === undefined) this.maybeExpects.add(input.expected);
    }
    this.lists = buildEventLists(ops);
    this.known = new Bitset(this.lists.known);
    this.maybe = new Bitset(this.lists.maybe);
    this.pending = this.lists.known;
    this.remember(this.value);
  }

  run(budget: Budget): SearchOutcome {
    const { head, end } = this.lists;
    let event = head.next;
    /** While trying maybe operations: the first return not yet linearized. */
    let limit = head;
    /** The latest return at which the search had to backtrack. */
    let frontier = head;
    while (this.pending > 0) {
      if (!budget.spend()) return { kind: 'exhausted' };
      if (event.kind === 'return') {
        limit = event;
        event = end.next;
      } else if (event.kind === 'call' || (event.kind === 'maybe' && event.position < limit.position)) {
        event = this.linearize(event, limit) ? head.next : event.next;
      } else if (event.kind === 'head') {
        throw new Error('linearizability search: ran past the last return event');
      } else {
        if (limit.position > frontier.position) frontier = limit;
        const frame = this.backtrack();
        if (frame === undefined) return this.violation(frontier);
        event = frame.call.next;
        limit = frame.limit;
      }
    }
    return { kind: 'linearizable' };
  }

  /** Linearizes `call` now if the register accepts it and the state it leads to is new. */
  private linearize(call: Event, limit: Event): boolean {
    const step = stepRegister(this.value, call.op.input, call.op.output);
    if (!step.accepted) return false;
    if (call.kind === 'maybe' && !this.matters(step.next, limit)) return false;
    const bits = call.kind === 'call' ? this.known : this.maybe;
    bits.set(call.index);
    if (!this.remember(step.next)) {
      bits.clear(call.index);
      return false;
    }
    this.stack.push({ call, value: this.value, limit });
    this.value = step.next;
    lift(call);
    if (call.kind === 'call') this.pending -= 1;
    return true;
  }

  /**
   * Whether a maybe operation that would change the value to `next` matters now: whether some
   * known candidate (a call before `limit`) that does not overwrite fits after it but not
   * before, or some maybe cas expects `next`.
   */
  private matters(next: RegisterValue, limit: Event): boolean {
    if (next === this.value) return false;
    if (this.maybeExpects.has(next)) return true;
    for (let event = this.lists.head.next; event !== limit; event = event.next) {
      const { input, output } = event.op;
      if (input.kind === 'put') continue;
      if (stepRegister(next, input, output).accepted && !stepRegister(this.value, input, output).accepted) return true;
    }
    return false;
  }

  /** Records the current sets with `value`; false if a state that dominates it was reached before. */
  private remember(value: RegisterValue): boolean {
    const key = this.known.key() + encodeRegisterValue(value);
    const maybeSets = this.seen.get(key);
    if (maybeSets === undefined) {
      this.seen.set(key, [this.maybe.snapshot()]);
      return true;
    }
    if (maybeSets.some((set) => this.maybe.containsAll(set))) return false;
    if (maybeSets.length >= MAYBE_SETS_KEPT) maybeSets.shift();
    maybeSets.push(this.maybe.snapshot());
    return true;
  }

  /** Undoes the latest linearization, or returns undefined if there is none. */
  private backtrack(): Frame | undefined {
    const frame = this.stack.pop();
    if (frame === undefined) return undefined;
    const { call } = frame;
    this.value = frame.value;
    (call.kind === 'call' ? this.known : this.maybe).clear(call.index);
    unlift(call);
    if (call.kind === 'call') this.pending += 1;
    return frame;
  }

  private violation(blocked: Event): SearchOutcome {
    const involved = this.lists.events
      .filter((event) => event.kind !== 'return' && event.position < blocked.position)
      .map((event) => event.op);
    return { kind: 'violation', blocked: blocked.op, involved };
  }
}
