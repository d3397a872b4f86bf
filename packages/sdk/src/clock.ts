/**
 * Time as the SDK's controller toolkit sees it: a {@link Clock} is injected into informers,
 * work queues and leader election, so tests drive time with a {@link FakeClock} instead of
 * sleeping.
 */

/** An opaque handle for a timer set through a {@link Clock}. */
export type TimerHandle = unknown;

/** A source of the current time and of one-shot timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The wall clock and Node's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Resolves after `ms` on `clock`, or at once (to `false`) when `signal` aborts; resolves to
 * `true` when the full time passed.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted === true) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told: {@link FakeClock.advance} runs the timers that fall due,
 * in order of due time (then of creation), each seeing `now()` equal to its due time.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  /** Invariant: timers not yet fired nor cleared. */
  private readonly timers = new Map<number, FakeTimer>();

  /** Starts at `startMs` (default: 2026-01-01T00:00:00Z, so that timestamps look real). */
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  /** The fake current time. */
  now(): number {
    return this.current;
  }

  /** Sets a timer due `ms` from the fake now. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), fn });
    return id;
  }

  /** Cancels a timer set by this clock. */
  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** How many timers are set and not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the way, in order. Between
   * timers it lets the event loop turn, so that async code woken by one timer can set the next
   * one (which also runs if it falls due within the window).
   */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await flush();
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.due > end) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.fn();
      await flush();
    }
    this.current = end;
    await flush();
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers.values()) {
      if (best === undefined || timer.due < best.due || (timer.due === best.due && timer.id < best.id)) best = timer;
    }
    return best;
  }
}

/** Lets pending promise continuations (and a few chained ones) run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
