/** Parsing of the shared flag values: `-o`, `key=value` lists, durations. */
import { UsageError } from './errors.js';

/** What `-o` selects: a table (plain or wide) or an object format. */
export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

/** Parses `-o` (undefined → table). */
export function parseOutput(
  value: string | undefined,
  allowed: readonly OutputFormat[] = ['table', 'wide', 'yaml', 'json', 'name'],
): OutputFormat {
  const format = (value ?? 'table') as OutputFormat;
  if (!allowed.includes(format)) {
    const list = allowed.filter((f) => f !== 'table').join(', ');
    throw new UsageError(
      `unable to match a printer suitable for the output format "${value ?? ''}", allowed formats are: ${list}`,
    );
  }
  return format;
}

/** Parses `k=v,k2=v2` (as --labels takes) into a map. */
export function parseKeyValues(text: string, what = 'label'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid ${what} spec: ${part}`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** Parses a kubectl duration (`30s`, `5m`, `1h`, `500ms`, `0`) into milliseconds. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw new UsageError(`invalid duration "${text}"`);
  return total;
}

/** Commander's collector for repeatable flags (`--env A=1 --env B=2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses an optional boolean flag value (`--wait`, `--wait=false`) the way kubectl accepts it. */
export function parseBool(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`invalid boolean value "${value}"`);
}
