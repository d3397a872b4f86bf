// Hand-written histories, each a scenario in the text form that counterexamples print in,
// with the verdict it must get.
import t from 'tap';
import { checkLinearizable } from './checker.js';
import { parseHistory } from './history-text.js';
import type { CheckResult, HistoryOp } from './types.js';

/** The verdict on a history written as text. */
const check = (text: string): CheckResult => checkLinearizable(parseHistory(text));
/** The ids of a violation's operations, or the verdict's name if it is not a violation. */
const culprits = (verdict: CheckResult): number[] | string =>
  verdict.result === 'violation' ? verdict.ops.map((op) => op.id) : verdict.result;

t.test('an empty history, and a sequential one, are linearizable', async (t) => {
  t.same(checkLinearizable([]), { result: 'ok' });
  const sequential = `
    op 1 (a, t=0..1): put "x" "1" => ok
    op 2 (a, t=2..3): get "x" => "1"
    op 3 (b, t=4..5): put "x" "2" => ok
    op 4 (b, t=6..7): get "x" => "2"
  `;
  t.same(check(sequential), { result: 'ok' });
});

t.test('a key is absent until written', async (t) => {
  t.same(check(`op 1 (a, t=0..1): get "x" => absent`), { result: 'ok' });
  const afterPut = `
    op 1 (a, t=0..1): put "x" "1" => ok
    op 2 (b, t=2..3): get "x" => absent
  `;
  t.same(culprits(check(afterPut)), [1, 2]);
});

t.test('a stale read: a get returns an old value after a newer put completed', async (t) => {
  const verdict = check(`
    op 1 (a, t=0..1): put "x" "1" => ok
    op 2 (a, t=2..3): put "x" "2" => ok
    op 3 (b, t=4..5): get "x" => "1"
  `);
  t.same(culprits(verdict), [1, 2, 3]);
  t.match(verdict, {
    key: 'x',
    explanation: /other 2 operations on "x" can be linearized, but not with this one: op 3 /,
  });
});

t.test('a lost update: two compare-and-swaps from the same value both succeed', async (t) => {
  const verdict = check(`
    op 1 (a, t=0..1): put "x" "a" => ok
    op 2 (a, t=2..5): cas "x" "a" -> "b" => ok
    op 3 (b, t=3..6): cas "x" "a" -> "c" => ok
    op 4 (b, t=7..8): get "x" => "c"
  `);
  t.same(culprits(verdict), [1, 2, 3]);
  const oneFails = `
    op 1 (a, t=0..1): put "x" "a" => ok
    op 2 (a, t=2..5): cas "x" "a" -> "b" => ok
    op 3 (b, t=3..6): cas "x" "a" -> "c" => failed
    op 4 (b, t=7..8): get "x" => "b"
  `;
  t.same(check(oneFails), { result: 'ok' });
});

t.test('concurrent operations can be ordered either way, but only one way at a time', async (t) => {
  const writes = `
    op 1 (a, t=0..10): put "x" "1" => ok
    op 2 (b, t=1..11): put "x" "2" => ok
  `;
  t.same(check(`${writes}\nop 3 (c, t=12..13): get "x" => "1"`), { result: 'ok' });
  t.same(check(`${writes}\nop 3 (c, t=12..13): get "x" => "2"`), { result: 'ok' });
  const flipFlop = `${writes}
    op 3 (c, t=2..3): get "x" => "1"
    op 4 (c, t=4..5): get "x" => "2"
    op 5 (c, t=6..7): get "x" => "1"
  `;
  t.same(culprits(check(flipFlop)), [1, 2, 3, 4, 5]);
});

t.test('a read concurrent with a write may see the old or the new value', async (t) => {
  for (const seen of ['"1"', '"2"']) {
    const history = `
      op 1 (a, t=0..1): put "x" "1" => ok
      op 2 (a, t=2..10): put "x" "2" => ok
      op 3 (b, t=3..4): get "x" => ${seen}
    `;
    t.same(check(history), { result: 'ok' }, seen);
  }
});

t.test('operations that merely touch in time count as concurrent', async (t) => {
  const touching = `
    op 1 (a, t=0..5): put "x" "1" => ok
    op 2 (b, t=5..6): get "x" => absent
  `;
  t.same(check(touching), { result: 'ok' });
});

t.test('an unknown-outcome put may have taken effect, at any time after its invocation', async (t) => {
  const applied = `
    op 1 (a, t=0..?): put "x" "1" => ?
    op 2 (b, t=5..6): get "x" => absent
    op 3 (b, t=100..101): get "x" => "1"
  `;
  t.same(check(applied), { result: 'ok' }, 'applied long after the client gave up');
  const notBefore = `
    op 1 (b, t=0..1): get "x" => "1"
    op 2 (a, t=2..?): put "x" "1" => ?
  `;
  t.same(culprits(check(notBefore)), [1], 'not before it was invoked');
});

t.test('an unknown-outcome put may never have taken effect, and takes effect at most once', async (t) => {
  const never = `
    op 1 (a, t=0..1): put "x" "1" => ok
    op 2 (b, t=2..?): put "x" "2" => ?
    op 3 (a, t=3..4): get "x" => "1"
    op 4 (a, t=50..51): get "x" => "1"
  `;
  t.same(check(never), { result: 'ok' });
  const twice = `
    op 1 (a, t=0..?): put "x" "1" => ?
    op 2 (b, t=5..6): get "x" => "1"
    op 3 (b, t=7..8): put "x" "2" => ok
    op 4 (b, t=9..10): get "x" => "1"
  `;
  t.same(culprits(check(twice)), [1, 2, 3, 4]);
});

t.test('a get of unknown outcome constrains nothing', async (t) => {
  const verdict = check(`
    op 1 (a, t=0..1): put "x" "1" => ok
    op 2 (b, t=2..?): get "x" => ?
    op 3 (b, t=4..5): get "x" => absent
  `);
  t.same(culprits(verdict), [1, 3], 'and is left out of counterexamples');
});

t.test('cas with expected absent creates the key only if absent', async (t) => {
  const create = `
    op 1 (a, t=0..1): cas "x" absent -> "a" => ok
    op 2 (b, t=2..3): cas "x" absent -> "b" => failed
    op 3 (b, t=4..5): get "x" => "a"
  `;
  t.same(check(create), { result: 'ok' });
  const twoCreators = `
    op 1 (a, t=0..3): cas "x" absent -> "a" => ok
    op 2 (b, t=1..4): cas "x" absent -> "b" => ok
  `;
  t.same(culprits(check(twoCreators)), [1, 2]);
  const failedOnAbsent = `op 1 (a, t=0..1): cas "x" absent -> "a" => failed`;
  t.same(culprits(check(failedOnAbsent)), [1]);
});

t.test('cas succeeds exactly when the value is the expected one', async (t) => {
  const wrong = `
    op 1 (a, t=0..1): put "x" "a" => ok
    op 2 (a, t=2..3): cas "x" "b" -> "c" => ok
  `;
  t.match(check(wrong), { result: 'violation', explanation: /saw "b", which no operation ever wrote to "x": op 2/ });
  const failedWhenItShouldSucceed = `
    op 1 (a, t=0..1): put "x" "a" => ok
    op 2 (a, t=2..3): cas "x" "a" -> "c" => failed
  `;
  t.same(culprits(check(failedWhenItShouldSucceed)), [1, 2]);
});

t.test('an unknown-outcome cas may or may not have taken effect', async (t) => {
  for (const seen of ['"a"', '"b"']) {
    const history = `
      op 1 (a, t=0..1): put "x" "a" => ok
      op 2 (a, t=2..?): cas "x" "a" -> "b" => ?
      op 3 (b, t=10..11): get "x" => ${seen}
    `;
    t.same(check(history), { result: 'ok' }, seen);
  }
  const chain = `
    op 1 (a, t=0..?): put "x" "a" => ?
    op 2 (b, t=1..?): cas "x" "a" -> "b" => ?
    op 3 (c, t=5..6): get "x" => "b"
  `;
  t.same(check(chain), { result: 'ok' }, 'one maybe enabling another');
});

t.test('keys are checked independently, and a violation names its key and only its operations', async (t) => {
  const interleaved = `
    op 1 (a, t=0..1): put "x" "1" => ok
    op 2 (b, t=2..3): get "y" => absent
    op 3 (a, t=4..5): put "y" "1" => ok
    op 4 (b, t=6..7): get "x" => "1"
  `;
  t.same(check(interleaved), { result: 'ok' }, 'op 2 would be a stale read if x and y were one register');
  const verdict = check(`${interleaved}\nop 5 (a, t=8..9): get "y" => absent`);
  t.match(verdict, { result: 'violation', key: 'y' });
  t.same(culprits(verdict), [3, 5]);
});

t.test('a stale read buried in a long history yields a three-operation counterexample', async (t) => {
  const lines: string[] = [];
  for (let i = 0; i < 150; i += 1) {
    const [client, time] = [`c${i % 3}`, i * 10];
    lines.push(`op ${2 * i} (${client}, t=${time}..${time + 6}): put "x" "v${i}" => ok`);
    lines.push(`op ${2 * i + 1} (${client}, t=${time + 7}..${time + 9}): get "x" => "v${i}"`);
  }
  lines.push(`op 1000 (c9, t=2000..2001): get "x" => "v100"`);
  const verdict = check(lines.join('\n'));
  t.same(culprits(verdict), [200, 202, 1000], 'the value read, the write after it, the read');
});

t.test('when the other operations do not fit together either, the counterexample is not shrunk', async (t) => {
  const verdict = check(`
    op 1 (a, t=0..1): put "x" "a" => ok
    op 2 (a, t=2..3): put "x" "c" => ok
    op 3 (b, t=4..5): cas "x" "a" -> "b" => ok
    op 4 (c, t=4.5..7): get "x" => "b"
  `);
  t.same(culprits(verdict), [1, 2, 3, 4]);
  t.match(verdict, { explanation: /^no order of these 4 operations on "x" .* stuck at the response of: op 3 / });
});

t.test('the budget: a step limit or an injected deadline gives unknown', async (t) => {
  const history = parseHistory(`
    op 1 (a, t=0..1): put "x" "1" => ok
    op 2 (a, t=2..3): get "x" => "1"
    op 3 (a, t=4..5): put "y" "1" => ok
  `);
  t.same(checkLinearizable(history, { maxSteps: 3 }).result, 'ok', 'one step per operation here');
  t.match(checkLinearizable(history, { maxSteps: 2 }), {
    result: 'unknown',
    reason: 'ran out of its budget (2 steps) on key "y" after checking 1 of 2 keys',
  });
  let clock = 1000;
  const now = (): number => (clock += 10);
  t.same(checkLinearizable(history, { now, deadlineMs: 50 }).result, 'ok');
  t.match(checkLinearizable(history, { now, deadlineMs: 5 }), {
    result: 'unknown',
    reason: /deadline of 5 ms\) on key "x"/,
  });
  t.throws(() => checkLinearizable(history, { deadlineMs: 5 }), TypeError, 'a deadline needs a clock');
  t.throws(() => checkLinearizable(history, { maxSteps: -1 }), RangeError);
  t.throws(() => checkLinearizable(history, { now, deadlineMs: Number.NaN }), RangeError);
});

t.test('a malformed history is a programmer error', async (t) => {
  const bad = [
    ['op 1 (a, t=0..1): put "x" "1" => ok\nop 1 (a, t=2..3): put "x" "2" => ok', /op 1: duplicate id/],
    ['op 1 (a, t=5..1): put "x" "1" => ok', /completes \(1\) before it is invoked \(5\)/],
  ] as const;
  for (const [text, message] of bad) t.throws(() => check(text), { name: 'TypeError', message });
  const put = { kind: 'put', key: 'x', value: '1' } as const;
  const done = { kind: 'put' } as const;
  t.throws(() => checkLinearizable([{ id: 1, client: 'a', input: put, invoke: NaN }]), {
    message: /invoke is not a finite time: NaN/,
  });
  t.throws(() => checkLinearizable([{ id: 1, client: 'a', input: put, invoke: 0, complete: Infinity, output: done }]), {
    message: /complete is not a finite time: Infinity/,
  });
  t.throws(() => checkLinearizable([{ id: 1, client: 'a', input: put, invoke: 0, complete: 1 }]), {
    message: /output and complete must come together/,
  });
  const answeredWrong = { id: 1, client: 'a', input: put, invoke: 0, complete: 1, output: { kind: 'cas', ok: true } };
  t.throws(() => checkLinearizable([answeredWrong as HistoryOp]), { message: /a put answered as a cas/ });
});
