import type { Better, Measurement } from './scenarios.js';

/** One line of the comparison: a figure of Bosun beside the same figure of etcd. */
export interface ComparisonRow {
  readonly scenario: string;
  readonly metric: string;
  readonly better: Better;
  readonly bosun?: Measurement;
  readonly etcd?: Measurement;
  /** Bosun / etcd, when both were measured. */
  readonly ratio?: number;
}

/** Pairs the two systems' measurements by scenario and metric, in Bosun's order. */
export function compare(bosun: readonly Measurement[], etcd: readonly Measurement[]): ComparisonRow[] {
  const keyOf = (m: Measurement) => `${m.scenario}\u0000${m.metric}`;
  const etcdByKey = new Map(etcd.map((m) => [keyOf(m), m]));
  const rows: ComparisonRow[] = [];
  const seen = new Set<string>();
  for (const m of [...bosun, ...etcd]) {
    const key = keyOf(m);
    if (seen.has(key)) continue;
    seen.add(key);
    const b = bosun.find((x) => keyOf(x) === key);
    const e = etcdByKey.get(key);
    const ratio = b?.value !== undefined && e?.value !== undefined && e.value > 0 ? b.value / e.value : undefined;
    rows.push({ scenario: m.scenario, metric: m.metric, better: m.better, bosun: b, etcd: e, ratio });
  }
  return rows;
}

function fmt(n: number): string {
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  if (n >= 10) return n.toFixed(1);
  return n.toPrecision(3);
}

function cell(m: Measurement | undefined, missing: string): string {
  if (!m) return missing;
  if (m.error) return `error: ${m.error.slice(0, 40)}`;
  if (m.value === undefined) return '-';
  return m.detail && m.metric.includes('MiB') ? `${fmt(m.value)} (${m.detail})` : fmt(m.value);
}

/** Renders the comparison as one aligned text table. */
export function formatComparison(rows: readonly ComparisonRow[], etcdMissing: string): string {
  const header = ['scenario', 'metric', 'Bosun', 'etcd', 'Bosun/etcd', 'better'];
  const body = rows.map((r) => [
    r.scenario,
    r.metric,
    cell(r.bosun, '-'),
    cell(r.etcd, etcdMissing),
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`,
    `${r.better} is better`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 || i === 5 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
