/** Bounded waiting with progress lines: polls a condition until it holds or a deadline passes. */

/** How to wait. */
export interface WaitOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Between polls (ms). */
  intervalMs?: number;
  /** A progress line every this long (ms); 0 for none. */
  progressEveryMs?: number;
  /** Prints a progress line (given the time waited, ms). */
  progress?: (waitedMs: number) => void;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Waiting ended at the deadline. */
export class WaitTimeoutError extends Error {
  /** Creates the error with the text kubectl prints. */
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

/** Polls `done` until it returns true; throws {@link WaitTimeoutError} with `what` after the timeout. */
export async function pollUntil(done: () => Promise<boolean>, what: string, options: WaitOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  let lastProgress = start;
  for (;;) {
    if (await done()) return;
    const t = now();
    if (t - start >= options.timeoutMs) throw new WaitTimeoutError(`timed out waiting for ${what}`);
    if (
      options.progress !== undefined &&
      (options.progressEveryMs ?? 5000) > 0 &&
      t - lastProgress >= (options.progressEveryMs ?? 5000)
    ) {
      lastProgress = t;
      options.progress(t - start);
    }
    await sleep(Math.min(options.intervalMs ?? 250, Math.max(1, options.timeoutMs - (t - start))));
  }
}
