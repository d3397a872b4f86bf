/**
 * The audit log file: one JSON line per mutating request, appended to a file opened once (mode
 * 0600) and flushed and synced on close. Recording never throws into the request path and never
 * waits for the disk: failures are counted and the first one reported; when the disk falls
 * behind by more than `maxBufferedBytes`, records are dropped and counted rather than buffered
 * without bound.
 */
import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { AuditRequest } from './event.js';
import { auditEvent, isMutatingVerb } from './event.js';

/** How an audit log is opened. */
export interface AuditLogOptions {
  /** The clock, in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** A new audit ID per record (default a random UUID). */
  readonly newAuditID?: () => string;
  /** Told about the first failure only; later ones are only counted (default: console.error). */
  readonly onError?: (err: Error) => void;
  /** The most bytes waiting for the disk before records are dropped (default 16 MiB). */
  readonly maxBufferedBytes?: number;
}

/** What an audit log has done so far. */
export interface AuditLogStats {
  /** Records handed to the file. */
  readonly written: number;
  /** Records lost to an error (building, writing, or after close). */
  readonly failed: number;
  /** Records dropped because the disk was too far behind. */
  readonly dropped: number;
}

/** An opt-in audit log of mutating requests. */
export class AuditLog {
  private written = 0;
  private failed = 0;
  private dropped = 0;
  private reported = false;
  private broken = false;
  private closing: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly newAuditID: () => string;
  private readonly onError: (err: Error) => void;
  private readonly maxBufferedBytes: number;

  private constructor(
    /** The file the log appends to. */
    readonly path: string,
    private readonly file: FileHandle,
    private readonly stream: Writable,
    options: AuditLogOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.newAuditID = options.newAuditID ?? randomUUID;
    this.onError =
      options.onError ??
      ((err) => console.error(`audit log ${path}: ${err.message} (further audit errors are only counted)`));
    this.maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
    stream.on('error', (err: Error) => {
      this.broken = true;
      this.fail(err);
    });
  }

  /** Opens (creating with mode 0600) the file to append to; rejects when it cannot be opened. */
  static async open(path: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    const file = await open(path, 'a', 0o600);
    const stream = file.createWriteStream({ autoClose: false, encoding: 'utf8' });
    return new AuditLog(path, file, stream, options);
  }

  /**
   * Records a finished request if its verb is mutating; resolves nothing and never throws.
   * Returns whether a line was handed to the file.
   */
  record(request: AuditRequest): boolean {
    try {
      if (!isMutatingVerb(request.verb)) return false;
      if (this.closing !== undefined || this.broken) {
        this.fail(new Error(this.broken ? 'the audit file failed earlier' : 'the audit log is closed'));
        return false;
      }
      if (this.stream.writableLength > this.maxBufferedBytes) {
        this.dropped++;
        this.report(new Error(`the disk is behind by more than ${this.maxBufferedBytes} bytes; dropping records`));
        return false;
      }
      const line = `${JSON.stringify(auditEvent(request, { auditID: this.newAuditID(), nowMs: this.now() }))}\n`;
      this.stream.write(line);
      this.written++;
      return true;
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
  }

  /** What the log has done so far. */
  stats(): AuditLogStats {
    return { written: this.written, failed: this.failed, dropped: this.dropped };
  }

  /** Flushes every record to the file, syncs it and closes it; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.broken) {
          // The stream does not close the file (autoClose: false), so wait for 'finish', not 'close'.
          await new Promise<void>((resolve, reject) => {
            this.stream.once('error', reject);
            this.stream.end(resolve);
          });
          await this.file.sync();
        }
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      } finally {
        // The stream holds a reference on the file; the file closes only once the stream has.
        if (!this.stream.closed) {
          await new Promise<void>((resolve) => {
            this.stream.once('close', () => resolve());
            this.stream.destroy();
          });
        }
        await this.file.close().catch(() => undefined);
      }
    })();
    return this.closing;
  }

  private fail(err: Error): void {
    this.failed++;
    this.report(err);
  }

  private report(err: Error): void {
    if (this.reported) return;
    this.reported = true;
    try {
      this.onError(err);
    } catch {
      // A reporter that throws must not reach the request path either.
    }
  }
}
