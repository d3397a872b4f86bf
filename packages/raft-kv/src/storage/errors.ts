/**
 * The storage layer's one error class. Operational failures (a damaged file, a failed
 * write, use after close) are a {@link StorageError} with a code from {@link STORAGE_ERROR_CODES};
 * a programmer error (a gap in the entries handed to `save`) throws a plain `Error`.
 */

/** Every code a {@link StorageError} can carry, with what it means. */
export const STORAGE_ERROR_CODES = {
  /** A record or file fails its checksum or framing where a crash cannot explain it. */
  corrupt: 'data on disk is damaged before the tail; refusing to skip it',
  /** The last record of the last segment is incomplete and repair was not allowed. */
  torn: 'the log ends in an incomplete record (a crash during a write)',
  /** Data that recovery needs is gone: a segment, a snapshot, or entries after a snapshot. */
  missing: 'data needed for recovery is missing',
  /** The log or store was closed, or stopped after an earlier write failed. */
  closed: 'the storage was closed',
  /** The operating system reported an error while reading, writing or syncing. */
  io: 'an I/O operation failed',
} as const;

/** A storage error code: one of the keys of {@link STORAGE_ERROR_CODES}. */
export type StorageErrorCode = keyof typeof STORAGE_ERROR_CODES;

/** Where on disk a problem was found (when it is about a file), and the underlying error. */
export interface StorageErrorLocation {
  readonly file?: string;
  /** Byte offset inside `file` of the record that failed. */
  readonly offset?: number;
  /** The error from `node:fs`, for `io`. */
  readonly cause?: unknown;
}

/**
 * An operational storage failure. The message names the file and byte offset when there is
 * one, so an operator can find the damage: `corrupt: /data/wal/0000000000000002.wal at byte
 * 4096: checksum mismatch`.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;

  constructor(code: StorageErrorCode, detail: string, where: StorageErrorLocation = {}) {
    super(formatMessage(code, detail, where), where.cause === undefined ? undefined : { cause: where.cause });
    this.code = code;
    this.file = where.file;
    this.offset = where.offset;
  }
}

function formatMessage(code: StorageErrorCode, detail: string, where: StorageErrorLocation): string {
  let place = '';
  if (where.file !== undefined) place += ` ${where.file}`;
  if (where.offset !== undefined) place += ` at byte ${where.offset}`;
  return `${code}:${place}${place === '' ? '' : ':'} ${detail}`;
}

/** Wraps an error thrown by `node:fs` as a {@link StorageError} with code `io`. */
export function ioError(what: string, err: unknown, file?: string): StorageError {
  if (err instanceof StorageError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new StorageError('io', `${what}: ${reason}`, { file, cause: err });
}
