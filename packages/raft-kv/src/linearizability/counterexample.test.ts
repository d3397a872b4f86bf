import t from 'tap';
import { Budget } from './budget.js';
import { checkLinearizable } from './checker.js';
import { explainCounterexample, shrinkViolation } from './counterexample.js';
import { parseHistory } from './history-text.js';
import { searchRegister } from './search.js';
import type { HistoryOp } from './types.js';

/** A stale read of "v5" after 40 writes, with a few writes of unknown outcome on the way. */
function staleReadHistory(): HistoryOp[] {
  const lines: string[] = [];
  for (let i = 0; i < 40; i += 1) {
    lines.push(`op ${i} (c${i % 2}, t=${i * 10}..${i * 10 + 5}): put "x" "v${i}" => ok`);
    if (i % 10 === 3) lines.push(`op ${100 + i} (m, t=${i * 10 + 1}..?): put "x" "m${i}" => ?`);
  }
  lines.push('op 200 (r, t=500..501): get "x" => "v5"');
  return parseHistory(lines.join('\n'));
}

function violationOf(ops: readonly HistoryOp[]): { blocked: HistoryOp; involved: HistoryOp[] } {
  const outcome = searchRegister(ops, Budget.start({ maxSteps: 1_000_000 }));
  if (outcome.kind !== 'violation') throw new Error(`expected a violation, got ${outcome.kind}`);
  return outcome;
}

t.test('shrinks to the value read, a later write, and the read', async (t) => {
  const shrunk = shrinkViolation(violationOf(staleReadHistory()), Budget.start({ maxSteps: 1_000_000 }));
  const [first, middle, last] = shrunk.involved.map((op) => op.id);
  t.same([shrunk.involved.length, first, last], [3, 5, 200]);
  t.ok(middle !== undefined && middle > 5 && middle < 40, `a known write after v5: op ${middle}`);
  t.equal(shrunk.blocked.id, 200);
  t.ok(shrunk.isolated);
});

t.test('a budget that runs out mid-way still leaves a valid counterexample', async (t) => {
  const violation = violationOf(staleReadHistory());
  const sizes: number[] = [];
  for (const maxSteps of [0, 50, 200, 1000, 5000]) {
    const shrunk = shrinkViolation(violation, Budget.start({ maxSteps }));
    t.equal(checkLinearizable(shrunk.involved).result, 'violation', `${maxSteps} steps: still a violation`);
    t.ok(shrunk.involved.includes(violation.blocked), `${maxSteps} steps: still has the culprit`);
    sizes.push(shrunk.involved.length);
  }
  t.equal(sizes[0], violation.involved.length, 'no steps: not shrunk at all');
  t.ok((sizes.at(-1) ?? Infinity) < (sizes[0] ?? 0), `more steps, smaller: ${sizes.join(', ')}`);
});

t.test('explanations', async (t) => {
  const [write, read] = parseHistory(`
    op 1 (a, t=0..1): put "x" "a" => ok
    op 2 (b, t=2..3): get "x" => "zz"
  `);
  if (write === undefined || read === undefined) throw new Error('unreachable');
  const neverWritten = { blocked: read, involved: [read], isolated: true };
  t.equal(
    explainCounterexample('x', neverWritten, [write, read]),
    'saw "zz", which no operation ever wrote to "x": op 2 (b, t=2..3): get "x" => "zz"',
  );
  const staleRead = { blocked: read, involved: [write, read], isolated: true };
  t.match(
    explainCounterexample('x', staleRead, [write, read, { ...write, input: { kind: 'put', key: 'x', value: 'zz' } }]),
    /^the other 1 operations/,
  );
  t.match(
    explainCounterexample('x', { ...staleRead, isolated: false }, [
      write,
      read,
      { ...write, input: { kind: 'put', key: 'x', value: 'zz' } },
    ]),
    /^no order of these 2 operations/,
  );
});
