/**
 * The pid file of a running `bosun up` (`<data dir>/bosun.pid`): which process serves the data
 * dir and where. A stale file (its process gone) counts as absent.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the pid file records. */
export interface PidRecord {
  readonly pid: number;
  readonly url: string;
}

/** The pid file's path. */
export function pidFileOf(dataDir: string): string {
  return join(dataDir, 'bosun.pid');
}

/** Whether a process with this pid is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running process of `dataDir`, or undefined (no file, unreadable, or a dead process). */
export function readPidFile(dataDir: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(pidFileOf(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as PidRecord;
    if (!Number.isInteger(record.pid) || typeof record.url !== 'string') return undefined;
    return alive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the pid file for this process. */
export function claimPidFile(dataDir: string, record: PidRecord): void {
  writeFileSync(pidFileOf(dataDir), `${JSON.stringify(record)}\n`, { mode: 0o644 });
}

/** Removes the pid file if it is still `pid`'s. */
export function releasePidFile(dataDir: string, pid: number): void {
  try {
    const record = JSON.parse(readFileSync(pidFileOf(dataDir), 'utf8')) as PidRecord;
    if (record.pid !== pid) return;
  } catch {
    return;
  }
  rmSync(pidFileOf(dataDir), { force: true });
}
