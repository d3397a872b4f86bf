import { runSeed, type SimOptions, type SimResult } from './simulation.js';

/** Which cluster size a seed uses when none is forced: odd seeds 3 members, even seeds 5. */
export function nodesForSeed(seed: number): 3 | 5 {
  return seed % 2 === 1 ? 3 : 5;
}

/** Runs `count` seeds from `from`, reporting each result; returns the totals. */
export function runSeeds(opts: {
  from: number;
  count: number;
  nodes?: 3 | 5;
  base?: Omit<SimOptions, 'seed' | 'nodes'>;
  onResult?: (r: SimResult) => void;
}): { passed: number; failed: number; failures: SimResult[] } {
  let passed = 0;
  const failures: SimResult[] = [];
  for (let seed = opts.from; seed < opts.from + opts.count; seed++) {
    const r = runSeed({ ...opts.base, seed, nodes: opts.nodes ?? nodesForSeed(seed) });
    if (r.ok) passed++;
    else failures.push(r);
    opts.onResult?.(r);
  }
  return { passed, failed: failures.length, failures };
}

/** A failing seed, readable: what broke, the fault schedule, the trace, and how to replay it. */
export function formatFailure(r: SimResult): string {
  return [
    `seed ${r.seed} FAILED: ${r.failure ?? ''}`,
    'fault schedule:',
    ...r.schedule.map((l) => `  ${l}`),
    `trace (last ${r.trace.length} lines):`,
    ...r.trace.map((l) => `  ${l}`),
    `replay: pnpm --filter @bosun/raft-kv sim --seed ${r.seed}`,
  ].join('\n');
}
