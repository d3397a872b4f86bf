// The CI run of the simulator, 3-member clusters: every fault of the schedule, 1,000 seeds.
// A longer run is one command away: pnpm --filter @bosun/raft-kv sim --seeds 20000 --nodes 3
import t from 'tap';
import { formatFailure, runSeeds } from './runner.js';

t.test('1,000 seeds of a 3-member cluster under faults', async (t) => {
  const started = process.hrtime.bigint();
  const { passed, failures } = runSeeds({ from: 1, count: 1000, nodes: 3 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  t.comment(`sim: ${passed} seeds passed, ${failures.length} failed in ${seconds.toFixed(1)} s`);
  for (const f of failures.slice(0, 3)) t.fail(formatFailure(f));
  t.equal(failures.length, 0, 'every seed passes');
});
