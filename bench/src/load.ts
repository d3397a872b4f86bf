import type { ResultRow } from './report.js';

/** What a concurrent load run measured: throughput and per-operation latency percentiles. */
export interface LoadResult {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Runs `op` with `concurrency` operations in flight until `maxOps` completed or `maxMs`
 * passed (both bounds always apply), timing each operation.
 */
export async function runLoad(opts: {
  concurrency: number;
  maxOps: number;
  maxMs: number;
  op: (i: number) => Promise<unknown>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.maxMs;
  async function worker(): Promise<void> {
    while (started < opts.maxOps && performance.now() < deadline) {
      const i = started++;
      const s = performance.now();
      await opts.op(i);
      latencies.push(performance.now() - s);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  return {
    ops: latencies.length,
    seconds,
    opsPerSec: latencies.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: mean,
  };
}

/** A result row from a load run. */
export function loadRow(suite: string, task: string, r: LoadResult): ResultRow {
  return { suite, task, opsPerSec: r.opsPerSec, meanMs: r.meanMs, p50Ms: r.p50Ms, p99Ms: r.p99Ms, samples: r.ops };
}

/** Percentiles of a list of samples (ms). */
export function summarize(samples: readonly number[]): { p50Ms: number; p99Ms: number; meanMs: number } {
  const sorted = Float64Array.from(samples).sort();
  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
  };
}
