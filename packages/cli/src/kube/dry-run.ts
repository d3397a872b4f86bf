/** The `--dry-run` flag: none, client (print what would be sent) or server (validated, not stored). */
import { UsageError } from './errors.js';

/** A dry-run mode. */
export type DryRun = 'none' | 'client' | 'server';

/** Parses `--dry-run` (absent → none; bare `true` is kubectl's old spelling of client). */
export function dryRunOf(value: string | undefined): DryRun {
  if (value === undefined || value === 'none' || value === 'false') return 'none';
  if (value === 'client' || value === 'true') return 'client';
  if (value === 'server') return 'server';
  throw new UsageError(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
}

/** The suffix kubectl adds to its result lines: ` (dry run)` / ` (server dry run)`. */
export function dryRunSuffix(mode: DryRun): string {
  return mode === 'client' ? ' (dry run)' : mode === 'server' ? ' (server dry run)' : '';
}
