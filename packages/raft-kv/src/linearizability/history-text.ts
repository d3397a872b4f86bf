/**
 * Histories as text, one operation per line, for counterexamples, failing tests and
 * regression scenarios. {@link formatHistoryOp} and {@link parseHistory} are inverses:
 *
 *     op 7 (c2, t=3..9): cas "k" "a" -> "b" => ok
 *     op 8 (c1, t=4..?): put "k" "c" => ?
 *
 * Values are JSON strings, or `absent`; `?` marks an outcome that is unknown.
 */
import type { HistoryOp, KvInput, KvOutput } from './types.js';

/** One operation as a line of text. */
export function formatHistoryOp(op: HistoryOp): string {
  const { input } = op;
  const action =
    input.kind === 'put'
      ? `put ${quote(input.key)} ${quote(input.value)}`
      : input.kind === 'get'
        ? `get ${quote(input.key)}`
        : `cas ${quote(input.key)} ${quote(input.expected)} -> ${quote(input.value)}`;
  const until = op.complete === undefined ? '?' : String(op.complete);
  return `op ${op.id} (${op.client}, t=${op.invoke}..${until}): ${action} => ${formatOutput(op.output)}`;
}

function formatOutput(output: KvOutput | undefined): string {
  if (output === undefined) return '?';
  switch (output.kind) {
    case 'put':
      return 'ok';
    case 'get':
      return quote(output.value);
    case 'cas':
      return output.ok ? 'ok' : 'failed';
  }
}

/** A register value as text: JSON-quoted, or `absent`. */
export function quote(value: string | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

const LINE = /^op (-?\d+) \((.*), t=(-?[\d.e+]+?)\.\.(\S+)\): (.*)$/;
const TOKEN = /"(?:[^"\\]|\\.)*"|[^\s"]+/g;

/**
 * Reads a history written as {@link formatHistoryOp} prints it. Blank lines and lines
 * starting with `#` are skipped; anything else that does not parse throws a SyntaxError
 * naming the line.
 */
export function parseHistory(text: string): HistoryOp[] {
  const ops: HistoryOp[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      ops.push(parseOp(line));
    } catch (error) {
      throw new SyntaxError(`history line ${i + 1}: ${(error as Error).message}: ${line}`, { cause: error });
    }
  });
  return ops;
}

function parseOp(line: string): HistoryOp {
  const [, id, client, invoke, until, action] = LINE.exec(line) ?? [];
  if (id === undefined || client === undefined || action === undefined) throw new Error('not an operation');
  const tokens = action.match(TOKEN) ?? [];
  const outcome = tokens.pop();
  if (tokens.pop() !== '=>') throw new Error('expected "=> outcome" at the end');
  const input = parseInput(tokens);
  const op = { id: Number(id), client, input, invoke: Number(invoke) };
  if (until === '?' && outcome === '?') return op;
  return { ...op, complete: Number(until), output: parseOutput(input, outcome) };
}

function parseInput(tokens: readonly string[]): KvInput {
  const [kind, key, a, arrow, b] = tokens;
  if (kind === 'put' && tokens.length === 3) return { kind, key: present(key), value: present(a) };
  if (kind === 'get' && tokens.length === 2) return { kind, key: present(key) };
  if (kind === 'cas' && tokens.length === 5 && arrow === '->') {
    return { kind, key: present(key), expected: value(a), value: present(b) };
  }
  throw new Error('expected put KEY VALUE, get KEY or cas KEY EXPECTED -> VALUE');
}

function parseOutput(input: KvInput, outcome: string | undefined): KvOutput {
  if (input.kind === 'get') return { kind: 'get', value: value(outcome) };
  if (input.kind === 'put' && outcome === 'ok') return { kind: 'put' };
  if (input.kind === 'cas' && (outcome === 'ok' || outcome === 'failed')) return { kind: 'cas', ok: outcome === 'ok' };
  throw new Error(`not an outcome of ${input.kind}: ${outcome}`);
}

function value(token: string | undefined): string | undefined {
  if (token === 'absent') return undefined;
  if (token?.startsWith('"')) return JSON.parse(token) as string;
  throw new Error(`expected a "quoted" value or absent, not ${token}`);
}

function present(token: string | undefined): string {
  const parsed = value(token);
  if (parsed === undefined) throw new Error('a key or a written value cannot be absent');
  return parsed;
}
