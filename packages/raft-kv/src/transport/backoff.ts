/** How long a peer link waits before it tries a peer again after a failed connection. */
export interface BackoffOptions {
  /** The wait after the first failure (ms). */
  readonly initialMs: number;
  /** The cap: no wait is longer (ms). */
  readonly maxMs: number;
}

/** The default back-off: 100 ms doubling up to 5 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 5_000 };

/**
 * The wait before retry number `failures` (1 after the first failure): exponential with a
 * cap and "equal jitter", uniformly between half and all of min(maxMs, initialMs * 2^(failures-1)),
 * so that members that lost a peer together do not all knock at the same moment.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(failures: number, opts: BackoffOptions, random: () => number): number {
  if (!Number.isSafeInteger(failures) || failures < 1) throw new Error(`failures must be >= 1, got ${failures}`);
  if (!(opts.initialMs > 0) || !(opts.maxMs >= opts.initialMs)) {
    throw new Error(`bad back-off: initialMs ${opts.initialMs}, maxMs ${opts.maxMs}`);
  }
  // 2^30 overflows nothing and is far past any cap; min() keeps the exponent bounded.
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
