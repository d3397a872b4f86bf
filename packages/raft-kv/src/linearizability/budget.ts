/**
 * The search budget of one check: a count of steps and, when the caller injects a clock, a
 * deadline. The checker itself never reads a clock.
 */

/** Why a budget ran out. */
export type Exhaustion = 'steps' | 'deadline';

/** How a budget is made: see {@link CheckOptions} for the meaning of each field. */
export interface BudgetOptions {
  readonly maxSteps: number;
  readonly now?: (() => number) | undefined;
  readonly deadlineMs?: number | undefined;
}

/** How many steps pass between two readings of the injected clock. */
const CLOCK_EVERY = 1024;

/** A point on the injected clock after which the search stops. */
interface Deadline {
  readonly now: () => number;
  readonly at: number;
}

/**
 * Counts search steps against a limit and, on the first step and every {@link CLOCK_EVERY}
 * steps after it, compares the injected clock with the deadline.
 * Invariant: `used <= maxSteps`; once `exhausted` is set it stays set.
 */
export class Budget {
  /** Steps taken so far. */
  used = 0;
  /** Why the budget ran out, or undefined while it lasts. */
  exhausted: Exhaustion | undefined;

  /** Starts a budget: the deadline, if any, counts from now. Throws on nonsensical options. */
  static start(options: BudgetOptions): Budget {
    const { maxSteps, now, deadlineMs } = options;
    if (!(maxSteps >= 0)) throw new RangeError(`maxSteps must be >= 0: ${maxSteps}`);
    if (deadlineMs === undefined) return new Budget(maxSteps, undefined);
    if (now === undefined) throw new TypeError('deadlineMs needs an injected clock: now');
    if (!(deadlineMs >= 0)) throw new RangeError(`deadlineMs must be >= 0: ${deadlineMs}`);
    return new Budget(maxSteps, { now, at: now() + deadlineMs });
  }

  private constructor(
    readonly maxSteps: number,
    private readonly deadline: Deadline | undefined,
  ) {}

  /** Takes one step; false (and `exhausted` set) if the budget has run out. */
  spend(): boolean {
    if (this.exhausted !== undefined) return false;
    if (this.used >= this.maxSteps) {
      this.exhausted = 'steps';
      return false;
    }
    this.used += 1;
    if (this.deadline !== undefined && this.used % CLOCK_EVERY === 1 && this.deadline.now() >= this.deadline.at) {
      this.exhausted = 'deadline';
      return false;
    }
    return true;
  }

  /** A budget of at most `maxSteps` of the steps this one has left, with the same deadline. */
  child(maxSteps: number): Budget {
    return new Budget(Math.min(maxSteps, this.maxSteps - this.used), this.deadline);
  }
}
