/**
 * What one `Wal.save` persists, and the checks that catch a malformed batch before it reaches
 * the disk (a bug in the caller, so a plain Error, not a StorageError).
 */
import type { Entry, HardState } from '../raft/types.js';
import type { SnapshotMarker } from './records.js';

/** The encoded size of an entry beyond its data (term, index, type, data length). */
const ENTRY_OVERHEAD_BYTES = 21;
/** A record's body length is a u32; leave room for the record's own fields. */
const MAX_BATCH_BYTES = 0xffff_ffff - 64;

/** Everything one Raft Ready asks to persist; each part is optional. */
export interface WalBatch {
  /** The hard state to persist (Ready.hardState), written after the entries. */
  readonly hardState?: HardState;
  /** New or replacing entries (Ready.entries): everything from `entries[0].index` on is replaced. */
  readonly entries?: readonly Entry[];
  /**
   * A snapshot Raft installed (Ready.snapshot): the log restarts after `snapshot.index`.
   * Save the snapshot file first, and pass the hard state whose commit covers it.
   */
  readonly snapshot?: SnapshotMarker;
}

/**
 * Checks a batch against the log's last index and returns the last index after it.
 * Throws when an index or term is not a safe integer, entries are not contiguous, they
 * would leave a gap after `lastIndex`, or they do not fit in one record (4 GiB).
 */
export function checkBatch(batch: WalBatch, lastIndex: number): number {
  let last = lastIndex;
  if (batch.snapshot) {
    checkCount('snapshot index', batch.snapshot.index, 1);
    checkCount('snapshot term', batch.snapshot.term, 0);
    last = batch.snapshot.index;
  }
  const entries = batch.entries ?? [];
  entries.forEach((e, i) => {
    checkEntry(e);
    const prev = entries[i - 1];
    if (prev !== undefined && e.index !== prev.index + 1) {
      throw new Error(`entries must be contiguous: ${e.index} follows ${prev.index}`);
    }
  });
  let bytes = 0;
  for (const e of entries) bytes += ENTRY_OVERHEAD_BYTES + e.data.length;
  if (bytes > MAX_BATCH_BYTES) throw new RangeError(`a batch of ${bytes} bytes of entries is too large for one record`);
  const first = entries[0];
  if (first !== undefined) {
    if (first.index > last + 1) throw new Error(`entries start at ${first.index} but the log ends at ${last}`);
    last = first.index + entries.length - 1;
  }
  if (batch.hardState) {
    checkCount('hardState.term', batch.hardState.term, 0);
    checkCount('hardState.commit', batch.hardState.commit, 0);
    if (typeof batch.hardState.vote !== 'string') throw new TypeError('hardState.vote must be a string');
  }
  return last;
}

function checkEntry(e: Entry): void {
  checkCount('entry index', e.index, 1);
  checkCount('entry term', e.term, 0);
  if (e.type !== 'normal' && e.type !== 'confChange') throw new TypeError(`unknown entry type ${String(e.type)}`);
  if (!(e.data instanceof Uint8Array)) throw new TypeError(`entry ${e.index}: data must be a Uint8Array`);
}

function checkCount(what: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${what} must be an integer >= ${min}, got ${n}`);
}
