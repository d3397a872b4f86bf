/**
 * Rebuilding the log from WAL records: a pure state machine, fed one record at a time in the
 * order they were written. Both reading (recovery) and the rules it enforces live here.
 */
import type { Entry, HardState } from '../raft/types.js';
import { StorageError, type StorageErrorLocation } from './errors.js';
import type { SnapshotMarker, WalRecord } from './records.js';

/** The hard state of a member that has never saved one. */
export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: '', commit: 0 });

/**
 * The log as the WAL holds it after replay.
 * Invariant: `entries` are contiguous and end at `lastIndex`; entries before `entries[0]` were
 * released (covered by a snapshot) or never written. Empty `entries` with `lastIndex > 0`
 * means the log restarts after a snapshot or everything up to `lastIndex` was released.
 */
export interface ReplayedLog {
  readonly hardState: HardState;
  /** Every snapshot marker still in the WAL, oldest first. */
  readonly snapshots: readonly SnapshotMarker[];
  readonly entries: readonly Entry[];
  readonly lastIndex: number;
}

/**
 * Applies records to a log. A record that cannot follow the ones before it (a gap in the
 * entries, a segment header that disagrees with the log) throws `corrupt` with its location.
 */
export class LogReplay implements ReplayedLog {
  hardState: HardState = EMPTY_HARD_STATE;
  snapshots: SnapshotMarker[] = [];
  entries: Entry[] = [];
  lastIndex = 0;
  private seq: number | undefined;

  /** Applies one record found at `where`. */
  apply(record: WalRecord, where: StorageErrorLocation): void {
    switch (record.kind) {
      case 'header':
        this.applyHeader(record, where);
        return;
      case 'entries':
        this.append(record.entries, where);
        return;
      case 'hardState':
        this.hardState = record.hardState;
        return;
      case 'snapshot':
        this.snapshots.push(record.marker);
        if (record.installed) {
          this.entries = [];
          this.lastIndex = record.marker.index;
        }
        return;
      default:
        record satisfies never;
    }
  }

  private applyHeader(header: Extract<WalRecord, { kind: 'header' }>, where: StorageErrorLocation): void {
    if (this.seq === undefined) {
      // The oldest remaining segment: earlier ones were released, and the header carries their state.
      this.hardState = header.hardState;
      this.snapshots = header.snapshot ? [header.snapshot] : [];
      this.lastIndex = header.lastIndex;
    } else if (header.lastIndex !== this.lastIndex || !sameHardState(header.hardState, this.hardState)) {
      throw new StorageError(
        'corrupt',
        `segment header (last index ${header.lastIndex}, commit ${header.hardState.commit}) disagrees with the ` +
          `previous segment (last index ${this.lastIndex}, commit ${this.hardState.commit}): records are missing`,
        where,
      );
    }
    this.seq = header.seq;
  }

  private append(batch: readonly Entry[], where: StorageErrorLocation): void {
    const first = batch[0];
    if (first === undefined) return;
    checkContiguous(batch, where);
    if (first.index > this.lastIndex + 1) {
      throw new StorageError(
        'corrupt',
        `entries start at ${first.index} but the log ends at ${this.lastIndex}: entries are missing`,
        where,
      );
    }
    const offset = this.entries[0]?.index;
    if (offset === undefined || first.index < offset) {
      this.entries = [...batch];
    } else {
      // A suffix from first.index on is replaced (a new leader overwrote conflicting entries).
      this.entries.length = first.index - offset;
      for (const e of batch) this.entries.push(e);
    }
    this.lastIndex = first.index + batch.length - 1;
  }
}

/** Whether the log holds entries from `index + 1` up to its end, so a snapshot at `index` can seed it. */
export function coversAfter(log: ReplayedLog, index: number): boolean {
  if (log.lastIndex <= index) return true;
  const first = log.entries[0];
  return first !== undefined && first.index <= index + 1;
}

/** The term of the entry at `index` if the log holds it. */
export function termAt(log: ReplayedLog, index: number): number | undefined {
  const first = log.entries[0];
  if (first === undefined || index < first.index) return undefined;
  return log.entries[index - first.index]?.term;
}

/** Throws `corrupt` unless the entries' indexes increase by one. */
function checkContiguous(batch: readonly Entry[], where: StorageErrorLocation): void {
  for (let i = 1; i < batch.length; i++) {
    const prev = batch[i - 1];
    const cur = batch[i];
    if (prev !== undefined && cur !== undefined && cur.index !== prev.index + 1) {
      throw new StorageError('corrupt', `entries record is not contiguous at index ${cur.index}`, where);
    }
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
