/**
 * The history of one key as the search walks it: the call and return events of its
 * operations in time order, in circular doubly linked lists from which the search lifts an
 * operation's events when it linearizes it, and into which it puts them back (in the reverse
 * order) when it backtracks.
 *
 * Operations of known outcome (a call and a return each) are in one list; the calls of
 * operations of unknown outcome ("maybe" operations: no return, they never have to be
 * linearized) are in a second one, so that the search can try them last.
 */
import type { HistoryOp } from './types.js';

/**
 * What an event is: a list's sentinel (`head` for the known list, `end` for the maybe list),
 * an invocation of an operation of known outcome, its response, or the invocation of a
 * maybe operation.
 */
export type EventKind = 'head' | 'end' | 'call' | 'return' | 'maybe';

/** One event of a list. */
export class Event {
  prev: Event = this;
  next: Event = this;
  /** For a call: its return event. */
  match: Event | undefined;
  /**
   * The event's place in time order among all the key's events. Set once, when the lists are
   * built; -1 for `head` and +Infinity for `end`, so that no event comes before the one
   * and none after the other.
   */
  position = -1;

  constructor(
    readonly kind: EventKind,
    readonly op: HistoryOp,
    /** The operation's bit: among known operations for calls and returns, among maybe operations for maybes. */
    readonly index: number,
    readonly time: number,
  ) {}
}

/** A key's events, linked in time order. */
export interface EventLists {
  /** The sentinel of the list of known operations' calls and returns. */
  readonly head: Event;
  /** The sentinel of the list of maybe operations' calls. */
  readonly end: Event;
  /** Every event in time order: `events[p].position === p`. */
  readonly events: readonly Event[];
  /** How many operations have a known outcome, and how many not. */
  readonly known: number;
  readonly maybe: number;
}

/** Stands for "no operation" in the sentinels. */
const NO_OP: HistoryOp = { id: -1, client: '', input: { kind: 'get', key: '' }, invoke: -Infinity };

/**
 * Orders events by time. At equal times calls come first: operations that merely touch
 * count as concurrent, so a shared clock's coarse ticks never make a false violation.
 */
export function buildEventLists(ops: readonly HistoryOp[]): EventLists {
  const events: Event[] = [];
  let known = 0;
  let maybe = 0;
  for (const op of ops) {
    if (op.complete === undefined) {
      events.push(new Event('maybe', op, maybe++, op.invoke));
      continue;
    }
    const call = new Event('call', op, known++, op.invoke);
    call.match = new Event('return', op, call.index, op.complete);
    events.push(call, call.match);
  }
  events.sort((a, b) => a.time - b.time || Number(a.kind === 'return') - Number(b.kind === 'return'));

  const head = new Event('head', NO_OP, -1, -Infinity);
  const end = new Event('end', NO_OP, -1, Infinity);
  end.position = Infinity;
  events.forEach((event, position) => {
    event.position = position;
    append(event.kind === 'maybe' ? end : head, event);
  });
  return { head, end, events, known, maybe };
}

/** Links `event` in last, just before the sentinel. */
function append(sentinel: Event, event: Event): void {
  event.prev = sentinel.prev;
  event.next = sentinel;
  sentinel.prev.next = event;
  sentinel.prev = event;
}

/** Takes a call and its return (if any) out of their list. */
export function lift(call: Event): void {
  unlink(call);
  if (call.match !== undefined) unlink(call.match);
}

/** Puts back what {@link lift} took out; calls must be unlifted in the reverse order of lifting. */
export function unlift(call: Event): void {
  if (call.match !== undefined) relink(call.match);
  relink(call);
}

function unlink(event: Event): void {
  event.prev.next = event.next;
  event.next.prev = event.prev;
}

function relink(event: Event): void {
  event.prev.next = event;
  event.next.prev = event;
}
