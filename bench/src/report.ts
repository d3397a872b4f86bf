import type { Bench } from 'tinybench';

/** One measured task, as printed and as written to bench/results/. */
export interface ResultRow {
  suite: string;
  task: string;
  opsPerSec: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  samples: number;
  error?: string;
  /** A figure that is not a rate (memory, sizes), printed in its own column. */
  note?: string;
}

/** Turns a finished Bench into result rows (errored tasks keep their error message). */
export function rowsOf(suite: string, bench: Bench): ResultRow[] {
  return bench.tasks.map((task) => {
    const r = task.result;
    if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
      return {
        suite,
        task: task.name,
        opsPerSec: r.throughput.mean,
        meanMs: r.latency.mean,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        samples: r.latency.samplesCount,
      };
    }
    const error = r.state === 'errored' ? r.error.message : r.state;
    return { suite, task: task.name, opsPerSec: 0, meanMs: 0, p50Ms: 0, p99Ms: 0, samples: 0, error };
  });
}

function fmt(n: number): string {
  if (n === 0) return '-';
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  if (n >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** Renders rows as an aligned text table. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['suite', 'task', 'ops/s', 'mean ms', 'p50 ms', 'p99 ms', 'samples', 'note'];
  const body = rows.map((r) =>
    r.error
      ? [r.suite, r.task, `error: ${r.error}`, '', '', '', '', '']
      : [r.suite, r.task, fmt(r.opsPerSec), fmt(r.meanMs), fmt(r.p50Ms), fmt(r.p99Ms), String(r.samples), r.note ?? ''],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 || i === 7 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
