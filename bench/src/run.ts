/**
 * The benchmark runner: `pnpm bench [--quick] [suite-name ...]`.
 * Loads every suite in `suites/`, runs each with its own tinybench `Bench`, prints one table
 * and writes the rows as JSON to bench/results/<timestamp>.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { formatTable, rowsOf, type ResultRow } from './report.js';
import type { BenchSuite } from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));

const suiteDir = join(here, 'suites');
const files = readdirSync(suiteDir).filter((f) => f.endsWith('.bench.js'));
const rows: ResultRow[] = [];
for (const file of files.sort()) {
  const suite = ((await import(join(suiteDir, file))) as { default: BenchSuite }).default;
  if (only.length > 0 && !only.includes(suite.name)) continue;
  if (suite.register) {
    const bench = new Bench({ name: suite.name, time: quick ? 200 : 1000, warmupTime: quick ? 50 : 200 });
    const cleanup = await suite.register(bench, { quick });
    try {
      await bench.run();
    } finally {
      await cleanup?.();
    }
    rows.push(...rowsOf(suite.name, bench));
  }
  if (suite.run) rows.push(...(await suite.run({ quick })));
}

console.log(formatTable(rows));
const resultsDir = join(here, '..', 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = join(resultsDir, `${stamp}.json`);
writeFileSync(out, `${JSON.stringify({ quick, node: process.version, rows }, null, 2)}\n`);
console.log(`results written to ${out}`);
if (rows.some((r) => r.error)) process.exitCode = 1;
