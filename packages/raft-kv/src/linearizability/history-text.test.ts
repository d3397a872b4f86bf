import t from 'tap';
import { formatHistoryOp, parseHistory } from './history-text.js';
import type { HistoryOp } from './types.js';

const ops: HistoryOp[] = [
  {
    id: 1,
    client: 'c1',
    input: { kind: 'put', key: 'x', value: 'a b' },
    invoke: 0,
    output: { kind: 'put' },
    complete: 1.5,
  },
  {
    id: 2,
    client: 'c2',
    input: { kind: 'get', key: 'x' },
    invoke: 2,
    output: { kind: 'get', value: undefined },
    complete: 3,
  },
  {
    id: 3,
    client: 'c2',
    input: { kind: 'get', key: 'x' },
    invoke: 4,
    output: { kind: 'get', value: '"q"' },
    complete: 5,
  },
  {
    id: 4,
    client: 'c3',
    input: { kind: 'cas', key: 'x', expected: undefined, value: 'b' },
    invoke: 6,
    output: { kind: 'cas', ok: false },
    complete: 7,
  },
  {
    id: 5,
    client: 'c3',
    input: { kind: 'cas', key: 'x', expected: 'a', value: 'b' },
    invoke: 8,
    output: { kind: 'cas', ok: true },
    complete: 9,
  },
  { id: 6, client: 'c1', input: { kind: 'put', key: 'y', value: 'z' }, invoke: 10 },
];

t.test('formats one operation per line', async (t) => {
  t.same(ops.map(formatHistoryOp), [
    'op 1 (c1, t=0..1.5): put "x" "a b" => ok',
    'op 2 (c2, t=2..3): get "x" => absent',
    'op 3 (c2, t=4..5): get "x" => "\\"q\\""',
    'op 4 (c3, t=6..7): cas "x" absent -> "b" => failed',
    'op 5 (c3, t=8..9): cas "x" "a" -> "b" => ok',
    'op 6 (c1, t=10..?): put "y" "z" => ?',
  ]);
});

t.test('parses what it formats, skipping blank lines and comments', async (t) => {
  const text = `# a scenario\n\n${ops.map(formatHistoryOp).join('\n')}\n`;
  t.same(parseHistory(text), ops);
});

t.test('names the line that does not parse', async (t) => {
  const bad = [
    ['put "x" "1" => ok', /line 2: not an operation/],
    ['op 1 (a, t=0..1): put "x" "1"', /expected "=> outcome"/],
    ['op 1 (a, t=0..1): del "x" => ok', /expected put KEY VALUE/],
    ['op 1 (a, t=0..1): cas "x" "a" "b" => ok', /expected put KEY VALUE/],
    ['op 1 (a, t=0..1): put "x" "1" => failed', /not an outcome of put: failed/],
    ['op 1 (a, t=0..1): cas "x" "a" -> "b" => yes', /not an outcome of cas: yes/],
    ['op 1 (a, t=0..1): get "x" => 1', /expected a "quoted" value or absent, not 1/],
    ['op 1 (a, t=0..1): put absent "1" => ok', /cannot be absent/],
  ] as const;
  for (const [line, message] of bad) t.throws(() => parseHistory(`\n${line}`), { name: 'SyntaxError', message }, line);
  t.throws(() => parseHistory('\nop 1 (a, t=0..1): get "x" => ok'), /line 2/);
});
