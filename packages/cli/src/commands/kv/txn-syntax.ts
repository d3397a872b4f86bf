/**
 * etcdctl's readable txn syntax, parsed into a txn's parts (a pure function, no I/O):
 *
 *     value("k") = "v"          <- compares, one per line, until a blank line
 *     mod("k") > "3"
 *
 *     put k "new value"         <- success operations, until a blank line
 *     get k
 *
 *     del k                     <- failure operations, until a blank line or the end
 *
 * Compare targets: `value`/`val`, `mod`/`m`, `create`/`c`, `version`/`ver`, `lease`; operators
 * `=`, `!=`, `<`, `>`. Operations: `put KEY VALUE [--lease=ID] [--prev-kv]`,
 * `get KEY [END] [--prefix] [--from-key] [--keys-only] [--count-only] [--limit=N] [--rev=N]`,
 * `del KEY [END] [--prefix] [--from-key] [--prev-kv]`. Arguments may be double-quoted (with
 * backslash escapes) or single-quoted.
 */
import type { Compare, RequestOp, TxnParts } from '@bosun/raft-kv';

/** Every key from a key on (etcd's `"\0"` range end). */
const UNBOUNDED = '\u0000';

type NumericTarget = Exclude<Compare['target'], 'value'>;

const COMPARE_TARGETS: Readonly<Record<string, 'value' | NumericTarget>> = {
  value: 'value',
  val: 'value',
  mod: 'modRevision',
  m: 'modRevision',
  create: 'createRevision',
  c: 'createRevision',
  version: 'version',
  ver: 'version',
  lease: 'lease',
};

const COMPARE_RE = /^([a-z]+)\(\s*("(?:[^"\\]|\\.)*")\s*\)\s*(!=|=|<|>)\s*(.+)$/;

/** The parts of the txn that `input` describes; throws an Error naming the bad line. */
export function parseTxn(input: string): Required<TxnParts> {
  const lines = input.replace(/\r/g, '').split('\n');
  const sections: { line: number; text: string }[][] = [[], [], []];
  let section = 0;
  lines.forEach((raw, index) => {
    const text = raw.trim();
    if (text === '') {
      section += 1;
      return;
    }
    if (section > 2) throw new Error(`txn line ${index + 1}: unexpected "${text}" after the failure operations`);
    sections[section]!.push({ line: index + 1, text });
  });
  const at = <T>(line: number, parse: () => T): T => {
    try {
      return parse();
    } catch (e) {
      throw new Error(`txn line ${line}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  return {
    compare: sections[0]!.map((l) => at(l.line, () => parseCompare(l.text))),
    success: sections[1]!.map((l) => at(l.line, () => parseOp(l.text))),
    failure: sections[2]!.map((l) => at(l.line, () => parseOp(l.text))),
  };
}

/** One compare line, e.g. `value("k") = "v"` or `mod("k") > 3`. */
export function parseCompare(line: string): Compare {
  const m = COMPARE_RE.exec(line);
  if (m === null) throw new Error(`bad compare "${line}" (expected e.g. value("key") = "v" or mod("key") > "3")`);
  const [, name, quotedKey, op, rest] = m as unknown as [string, string, string, Compare['result'], string];
  const target = COMPARE_TARGETS[name];
  if (target === undefined) {
    throw new Error(`bad compare target "${name}" (expected value, mod, create, version or lease)`);
  }
  const key = tokenize(quotedKey)[0]!;
  const operands = tokenize(rest);
  if (operands.length !== 1) throw new Error(`bad compare operand "${rest}" (expected one value)`);
  const operand = operands[0]!;
  if (target === 'value') return { key, target, result: op, value: operand };
  if (!/^\d+$/.test(operand)) throw new Error(`bad compare operand "${operand}": ${name} compares with an integer`);
  return { key, target, result: op, value: Number(operand) };
}

/** One operation line: `put`, `get` or `del` with etcdctl's arguments. */
export function parseOp(line: string): RequestOp {
  const [verb, ...rest] = tokenize(line);
  const { args, flags } = splitFlags(rest);
  const flag = (name: string) => flags.has(name);
  const number = (name: string): number | undefined => {
    const v = flags.get(name);
    if (v === undefined) return undefined;
    if (v === true || !/^\d+$/.test(v)) throw new Error(`--${name} needs an integer value`);
    return Number(v);
  };
  switch (verb) {
    case 'put': {
      checkFlags(verb, flags, ['lease', 'prev-kv']);
      if (args.length !== 2) throw new Error(`put needs KEY and VALUE, got ${args.length} argument(s)`);
      const lease = flags.get('lease');
      if (lease === true) throw new Error('--lease needs an ID');
      return {
        type: 'put',
        key: args[0]!,
        value: args[1]!,
        ...(lease !== undefined ? { lease: parseHexLease(lease) } : {}),
        ...(flag('prev-kv') ? { prevKv: true } : {}),
      };
    }
    case 'get': {
      checkFlags(verb, flags, ['prefix', 'from-key', 'keys-only', 'count-only', 'limit', 'rev']);
      const limit = number('limit');
      const revision = number('rev');
      return {
        type: 'range',
        ...keyRange(verb, args, flags),
        ...(limit !== undefined ? { limit } : {}),
        ...(revision !== undefined ? { revision } : {}),
        ...(flag('keys-only') ? { keysOnly: true } : {}),
        ...(flag('count-only') ? { countOnly: true } : {}),
      };
    }
    case 'del':
    case 'delete': {
      checkFlags(verb, flags, ['prefix', 'from-key', 'prev-kv']);
      return { type: 'deleteRange', ...keyRange(verb, args, flags), ...(flag('prev-kv') ? { prevKv: true } : {}) };
    }
    default:
      throw new Error(`unknown operation "${verb ?? ''}" (expected put, get or del)`);
  }
}

function checkFlags(verb: string, flags: Map<string, string | true>, allowed: readonly string[]): void {
  for (const name of flags.keys()) {
    if (!allowed.includes(name)) throw new Error(`${verb} does not take --${name}`);
  }
}

function parseHexLease(value: string): number {
  const hex = value.replace(/^0x/i, '');
  if (!/^[0-9a-f]+$/i.test(hex)) throw new Error(`bad lease ID "${value}" (expected hexadecimal)`);
  return parseInt(hex, 16);
}

/** The key and range end of a get or del from its arguments and flags. */
function keyRange(verb: string, args: string[], flags: Map<string, string | true>): { key: string; rangeEnd?: string } {
  if (args.length < 1 || args.length > 2)
    throw new Error(`${verb} needs KEY [RANGE_END], got ${args.length} argument(s)`);
  const key = args[0]!;
  const prefix = flags.has('prefix');
  const fromKey = flags.has('from-key');
  if ([args.length === 2, prefix, fromKey].filter(Boolean).length > 1) {
    throw new Error('RANGE_END, --prefix and --from-key are mutually exclusive');
  }
  if (args.length === 2) return { key, rangeEnd: args[1]! };
  if (fromKey) return key === '' ? { key: UNBOUNDED, rangeEnd: UNBOUNDED } : { key, rangeEnd: UNBOUNDED };
  if (prefix) return key === '' ? { key: UNBOUNDED, rangeEnd: UNBOUNDED } : { key, rangeEnd: prefixEnd(key) };
  return { key };
}

/** The first key after every key with `prefix` (etcd's GetPrefixRangeEnd), as a UTF-8 string when it is one. */
export function prefixEndBytes(prefix: string): Uint8Array {
  const bytes = new TextEncoder().encode(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = bytes.slice(0, i + 1);
      end[i] = bytes[i]! + 1;
      return end;
    }
  }
  return new Uint8Array([0]);
}

/** The prefix's range end as text; a key whose range end is not valid UTF-8 needs an explicit RANGE_END. */
function prefixEnd(prefix: string): string {
  const bytes = prefixEndBytes(prefix);
  if (bytes.length === 1 && bytes[0] === 0) return UNBOUNDED;
  const decoded = new TextDecoder().decode(bytes);
  const roundTrip = new TextEncoder().encode(decoded);
  if (roundTrip.length !== bytes.length || roundTrip.some((b, i) => b !== bytes[i])) {
    throw new Error('--prefix: the range end of this key is not text; give RANGE_END instead');
  }
  return decoded;
}

/** Splits `--name=value`, `--name value` (for value flags) and bare `--name` from the arguments. */
function splitFlags(tokens: readonly string[]): { args: string[]; flags: Map<string, string | true> } {
  const withValue = new Set(['lease', 'limit', 'rev']);
  const args: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('--')) {
      args.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
    if (eq >= 0) flags.set(name, token.slice(eq + 1));
    else if (withValue.has(name) && i + 1 < tokens.length) flags.set(name, tokens[++i]!);
    else flags.set(name, true);
  }
  return { args, flags };
}

/** Splits a line into arguments: whitespace-separated, `"..."` with backslash escapes, `'...'` literal. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    let token = '';
    while (i < line.length && !/\s/.test(line[i]!)) {
      const c = line[i]!;
      if (c === '"' || c === "'") {
        const close = scanQuoted(line, i);
        token += c === '"' ? unescape(line.slice(i + 1, close)) : line.slice(i + 1, close);
        i = close + 1;
      } else {
        token += c;
        i++;
      }
    }
    tokens.push(token);
  }
  return tokens;
}

function scanQuoted(line: string, open: number): number {
  const quote = line[open]!;
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) return i;
  }
  throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote in "${line}"`);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\u0000', '\\': '\\', '"': '"' };

function unescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    if (e.startsWith('x') && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    const out = ESCAPES[e];
    if (out === undefined) throw new Error(`unknown escape "\\${e}"`);
    return out;
  });
}
