// Property tests of checkLinearizable: histories made by a real register are accepted;
// corrupting one read is caught; and on small random histories the checker agrees with a
// brute-force oracle that tries every order. Every failure prints its seed.
import t from 'tap';
import { checkLinearizable } from './checker.js';
import { formatHistoryOp } from './history-text.js';
import type { HistoryOp, KvInput, KvOutput } from './types.js';

/** mulberry32: a small seeded generator, so that every history replays from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The shape of a generated history. `values: 0` makes every written value unique. */
interface Shape {
  readonly ops: number;
  readonly clients: number;
  readonly keys: number;
  readonly values: number;
  /** The fraction of operations whose outcome is unknown. */
  readonly unknown: number;
}

/** An operation and the point at which the simulated register applies it (undefined: never). */
interface Planned {
  readonly op: HistoryOp;
  readonly at: number | undefined;
}

/**
 * A history of a real, sequential register per key: each client issues one operation at a
 * time; every operation takes effect at a random point of its interval (an operation of
 * unknown outcome: at a random point after its invocation, possibly after the client moved
 * on, or never); outputs are what the register answered.
 */
function generateHistory(seed: number, shape: Shape): HistoryOp[] {
  const rand = prng(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const clocks = new Array<number>(shape.clients).fill(0);
  const planned: Planned[] = [];
  for (let id = 0; id < shape.ops; id += 1) {
    const client = clocks.indexOf(Math.min(...clocks));
    const invoke = (clocks[client] ?? 0) + int(3);
    const duration = 1 + int(10);
    clocks[client] = invoke + duration;
    const key = `k${int(shape.keys)}`;
    const value = (): string => (shape.values > 0 ? `v${int(shape.values)}` : `c${client}.${id}`);
    const roll = rand();
    const input: KvInput =
      roll < 0.4
        ? { kind: 'put', key, value: value() }
        : roll < 0.75
          ? { kind: 'get', key }
          : { kind: 'cas', key, expected: rand() < 0.2 ? undefined : value(), value: value() };
    const op = { id, client: `c${client}`, input, invoke };
    if (rand() < shape.unknown) {
      planned.push({ op, at: rand() < 0.5 ? invoke + rand() * duration * 3 : undefined });
    } else {
      planned.push({ op: { ...op, complete: invoke + duration }, at: invoke + rand() * duration });
    }
  }
  return applyInOrder(planned);
}

/** Runs the planned operations through one register per key, in the order of their points. */
function applyInOrder(planned: readonly Planned[]): HistoryOp[] {
  const registers = new Map<string, string>();
  const outputs = new Map<number, KvOutput>();
  const applied = planned.filter((p) => p.at !== undefined);
  applied.sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || a.op.id - b.op.id);
  for (const { op } of applied) {
    const { input } = op;
    const current = registers.get(input.key);
    if (input.kind === 'get') outputs.set(op.id, { kind: 'get', value: current });
    if (input.kind === 'put') registers.set(input.key, input.value);
    if (input.kind === 'put') outputs.set(op.id, { kind: 'put' });
    if (input.kind === 'cas' && current === input.expected) registers.set(input.key, input.value);
    if (input.kind === 'cas') outputs.set(op.id, { kind: 'cas', ok: current === input.expected });
  }
  return planned.map(({ op }) => (op.complete === undefined ? op : { ...op, output: outputs.get(op.id) }));
}

/** The brute-force oracle: tries every order of the operations, with no cache and no partitioning. */
function oracleLinearizable(history: readonly HistoryOp[]): boolean {
  const ops = history.filter((op) => op.input.kind !== 'get' || op.output !== undefined);
  const placed = ops.map(() => false);
  const registers = new Map<string, string | undefined>();
  const ready = (i: number): boolean =>
    ops.every((other, j) => placed[j] || other.complete === undefined || other.complete >= (ops[i]?.invoke ?? 0));
  const search = (): boolean => {
    if (ops.every((op, i) => placed[i] || op.complete === undefined)) return true;
    return ops.some((op, i) => {
      if (placed[i] || !ready(i)) return false;
      const before = registers.get(op.input.key);
      const after = oracleStep(before, op);
      if (after === false) return false;
      placed[i] = true;
      registers.set(op.input.key, after);
      if (search()) return true;
      placed[i] = false;
      registers.set(op.input.key, before);
      return false;
    });
  };
  return search();
}

/** The register's next value after `op`, or false if `op`'s output is impossible here. */
function oracleStep(value: string | undefined, op: HistoryOp): string | undefined | false {
  const { input, output } = op;
  if (input.kind === 'put') return input.value;
  if (input.kind === 'get') return output?.kind === 'get' && output.value !== value ? false : value;
  const swapped = value === input.expected;
  if (output?.kind === 'cas' && output.ok !== swapped) return false;
  return swapped ? input.value : value;
}

/** Changes one known output at random (a read's value, or a compare-and-swap's success). */
function perturb(history: HistoryOp[], seed: number): HistoryOp[] {
  const rand = prng(seed ^ 0x9e3779b9);
  const known = history.filter((op) => op.output !== undefined);
  const victim = known[Math.floor(rand() * known.length)];
  if (victim === undefined) return history;
  const values = [undefined, 'v0', 'v1'];
  const output: KvOutput | undefined =
    victim.output?.kind === 'get'
      ? { kind: 'get', value: values[Math.floor(rand() * values.length)] }
      : victim.output?.kind === 'cas'
        ? { kind: 'cas', ok: !victim.output.ok }
        : victim.output;
  return history.map((op) => (op === victim ? { ...op, output } : op));
}

const dump = (history: readonly HistoryOp[]): string => history.map(formatHistoryOp).join('\n');

t.test('histories of a real register are linearizable', async (t) => {
  const shapes: Shape[] = [
    { ops: 120, clients: 3, keys: 2, values: 0, unknown: 0 },
    { ops: 120, clients: 5, keys: 3, values: 3, unknown: 0 },
    { ops: 120, clients: 4, keys: 2, values: 2, unknown: 0.1 },
    { ops: 60, clients: 6, keys: 1, values: 3, unknown: 0.2 },
  ];
  for (const [s, shape] of shapes.entries()) {
    for (let seed = 1; seed <= 60; seed += 1) {
      const history = generateHistory(seed * 100 + s, shape);
      const verdict = checkLinearizable(history);
      if (verdict.result !== 'ok') {
        t.fail(`seed ${seed * 100 + s}, shape ${JSON.stringify(shape)}: ${JSON.stringify(verdict)}\n${dump(history)}`);
        return;
      }
    }
  }
  t.pass('240 histories accepted');
});

t.test('a read of a value never written is caught, and named', async (t) => {
  for (let seed = 1; seed <= 100; seed += 1) {
    const history = generateHistory(seed, {
      ops: 150,
      clients: 4,
      keys: 3,
      values: seed % 2 === 0 ? 0 : 3,
      unknown: 0.05,
    });
    const reads = history.filter((op) => op.output?.kind === 'get');
    const victim = reads[seed % reads.length];
    if (victim === undefined) continue;
    const corrupted = history.map((op) =>
      op === victim ? { ...op, output: { kind: 'get' as const, value: 'never-written' } } : op,
    );
    const verdict = checkLinearizable(corrupted);
    const ok =
      verdict.result === 'violation' &&
      verdict.key === victim.input.key &&
      verdict.ops.some((op) => op.id === victim.id) &&
      verdict.explanation.includes('"never-written", which no operation ever wrote') &&
      checkLinearizable(verdict.ops).result === 'violation';
    if (!ok) {
      t.fail(`seed ${seed}, corrupted op ${victim.id}: ${JSON.stringify(verdict)}`);
      return;
    }
  }
  t.pass('100 corrupted histories caught');
});

t.test('on small histories the checker agrees with the brute-force oracle', async (t) => {
  const counts = { ok: 0, violation: 0 };
  for (let seed = 1; seed <= 6000; seed += 1) {
    const unknown = [0, 0.2, 0.4, 0.7][seed % 4] ?? 0;
    const shape = {
      ops: 3 + (seed % 7),
      clients: 1 + (seed % 4),
      keys: 1 + (seed % 3 === 0 ? 1 : 0),
      values: 1 + (seed % 3),
      unknown,
    };
    const generated = generateHistory(seed, shape);
    const history = seed % 3 === 0 ? generated : perturb(generated, seed);
    const verdict = checkLinearizable(history);
    const expected = oracleLinearizable(history) ? 'ok' : 'violation';
    const counterexampleHolds = verdict.result !== 'violation' || !oracleLinearizable(verdict.ops);
    if (verdict.result !== expected || !counterexampleHolds) {
      t.fail(`seed ${seed}: oracle says ${expected}, checker ${JSON.stringify(verdict)}\n${dump(history)}`);
      return;
    }
    counts[expected] += 1;
  }
  t.ok(counts.ok > 1000 && counts.violation > 1000, `both verdicts exercised: ${JSON.stringify(counts)}`);
});

t.test('2,000 operations over 10 keys by 5 clients, a fifth of them timed out, take few steps', async (t) => {
  for (const seed of [1, 2, 3]) {
    const history = generateHistory(seed, { ops: 2000, clients: 5, keys: 10, values: 0, unknown: 0.2 });
    t.same(checkLinearizable(history, { maxSteps: 40_000 }), { result: 'ok' }, `seed ${seed}`);
    const reads = history.filter((op) => op.output?.kind === 'get' && op.output.value !== undefined);
    const victim = reads[reads.length - 10];
    const overwritten = history.find(
      (op) => op.input.kind === 'put' && op.input.key === victim?.input.key && op.output,
    );
    if (victim === undefined || overwritten?.input.kind !== 'put') throw new Error(`seed ${seed}: no read to corrupt`);
    const stale = { kind: 'get' as const, value: overwritten.input.value };
    const verdict = checkLinearizable(history.map((op) => (op === victim ? { ...op, output: stale } : op)));
    t.match(verdict, { result: 'violation', key: victim.input.key }, `seed ${seed}: a stale read of the first write`);
    t.ok(verdict.result === 'violation' && verdict.ops.length <= 4, `seed ${seed}: a small counterexample`);
  }
});
