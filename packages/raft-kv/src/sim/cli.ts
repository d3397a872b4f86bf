/**
 * The simulator's command line:
 *   pnpm --filter @bosun/raft-kv sim --seeds N [--from S] [--nodes 3|5] [--seed X] [--verbose]
 * Runs seeds (alternating 3- and 5-member clusters unless --nodes is given) and ends with
 * `sim: N seeds passed, M failed`; a failing seed prints its fault schedule, the trace before
 * the failure and the command that replays it. Exit code 1 on any failure.
 */
import { parseArgs } from 'node:util';
import { runSeeds, formatFailure } from './runner.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    from: { type: 'string', default: '1' },
    nodes: { type: 'string' },
    seed: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

function int(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`sim: --${name} must be a non-negative integer, got "${text}"`);
    process.exit(2);
  }
  return n;
}

const nodes = int('nodes', values.nodes);
if (nodes !== undefined && nodes !== 3 && nodes !== 5) {
  console.error('sim: --nodes must be 3 or 5');
  process.exit(2);
}
const single = int('seed', values.seed);
const from = single ?? int('from', values.from) ?? 1;
const count = single !== undefined ? 1 : (int('seeds', values.seeds) ?? 100);
const started = process.hrtime.bigint();
const summary = runSeeds({
  from,
  count,
  ...(nodes !== undefined ? { nodes: nodes as 3 | 5 } : {}),
  onResult: (r) => {
    if (!r.ok) console.log(formatFailure(r));
    else if (values.verbose) console.log(`seed ${r.seed}: ok ${JSON.stringify(r.stats)}`);
  },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`sim: ${summary.passed} seeds passed, ${summary.failed} failed (${seconds.toFixed(1)} s)`);
process.exitCode = summary.failed > 0 ? 1 : 0;
