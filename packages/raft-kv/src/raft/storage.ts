import { RaftError, invariant } from './errors.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

/**
 * The stable log as the Raft core reads it: what the application has persisted. The core never
 * writes here; the application appends what each Ready asked it to persist, then calls advance.
 */
export interface LogStorage {
  /** The persisted hard state and the membership as of the latest snapshot. */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries in [lo, hi), at most `maxBytes` of them (but always at least one if any exist). */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** The term of entry i, for firstIndex()-1 <= i <= lastIndex(); throws `compacted`/`unavailable`. */
  term(i: number): number;
  /** The index of the first entry still in the log (the snapshot's index + 1). */
  firstIndex(): number;
  /** The index of the last entry (the snapshot's index when the log is empty). */
  lastIndex(): number;
  /** The most recent snapshot; may throw `snapshotTemporarilyUnavailable`. */
  snapshot(): Snapshot;
}

const emptyHardState: HardState = { term: 0, vote: '', commit: 0 };

/** The size the core charges an entry for flow control: its data plus a fixed header. */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 16;
}

/** Keeps a prefix of `entries` whose total size stays within maxBytes (always at least one entry). */
export function limitSize(entries: Entry[], maxBytes: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entrySize(entries[0] as Entry);
  let n = 1;
  for (; n < entries.length; n++) {
    size += entrySize(entries[n] as Entry);
    if (size > maxBytes) break;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}

/**
 * An in-memory {@link LogStorage} that the application keeps equal to what is on its disk.
 * Invariant: entries are contiguous; `entries[0]` is a dummy at the snapshot's index and term.
 */
export class MemoryStorage implements LogStorage {
  private hardState: HardState = emptyHardState;
  private snap: Snapshot = {
    meta: { index: 0, term: 0, confState: { voters: [], learners: [] } },
    data: new Uint8Array(),
  };
  private ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array() }];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.meta.confState };
  }

  /** Records the hard state the application persisted. */
  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  /** The hard state last recorded. */
  getHardState(): HardState {
    return this.hardState;
  }

  private get offset(): number {
    return (this.ents[0] as Entry).index;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo <= this.offset) throw new RaftError('compacted', `entries from ${lo}: compacted up to ${this.offset}`);
    if (hi > this.lastIndex() + 1)
      throw new RaftError('unavailable', `entries up to ${hi - 1}: last is ${this.lastIndex()}`);
    return limitSize(this.ents.slice(lo - this.offset, hi - this.offset), maxBytes);
  }

  term(i: number): number {
    if (i < this.offset) throw new RaftError('compacted', `term of ${i}: compacted up to ${this.offset}`);
    if (i > this.lastIndex()) throw new RaftError('unavailable', `term of ${i}: last is ${this.lastIndex()}`);
    return (this.ents[i - this.offset] as Entry).term;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log with a snapshot (a follower installing the leader's, or recovery). */
  applySnapshot(snap: Snapshot): void {
    if (snap.meta.index < this.snap.meta.index) {
      throw new RaftError('snapshotOutOfDate', `snapshot at ${snap.meta.index} is older than ${this.snap.meta.index}`);
    }
    this.snap = snap;
    this.ents = [{ term: snap.meta.term, index: snap.meta.index, type: 'normal', data: new Uint8Array() }];
  }

  /**
   * Records a snapshot of the application's state at `index` (which must be in the log) without
   * compacting; call {@link compact} afterwards to drop the entries it covers.
   */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.meta.index) {
      throw new RaftError('snapshotOutOfDate', `snapshot at ${index} is not newer than ${this.snap.meta.index}`);
    }
    invariant(index <= this.lastIndex(), () => `snapshot at ${index} is past the last index ${this.lastIndex()}`);
    this.snap = { meta: { index, term: this.term(index), confState }, data };
    return this.snap;
  }

  /**
   * Replaces the data of the snapshot held here, if it is still the one at `index` (a member
   * swaps the bytes for a marker once they are on disk, and reads them back to send them).
   */
  replaceSnapshotData(index: number, data: Uint8Array): void {
    if (this.snap.meta.index === index) this.snap = { meta: this.snap.meta, data };
  }

  /** Drops the entries before `compactIndex` (which must not be past the last index). */
  compact(compactIndex: number): void {
    if (compactIndex <= this.offset) return;
    invariant(compactIndex <= this.lastIndex(), () => `compact ${compactIndex} is past ${this.lastIndex()}`);
    const i = compactIndex - this.offset;
    const dummy = this.ents[i] as Entry;
    this.ents = [
      { term: dummy.term, index: dummy.index, type: 'normal', data: new Uint8Array() },
      ...this.ents.slice(i + 1),
    ];
  }

  /** Appends entries, replacing any existing suffix that they overlap. */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (!first) return;
    if (first.index + entries.length - 1 <= this.offset) return; // all compacted already
    const fresh = first.index <= this.offset ? entries.slice(this.offset + 1 - first.index) : entries;
    const start = (fresh[0] as Entry).index;
    invariant(start <= this.lastIndex() + 1, () => `append at ${start} leaves a gap after ${this.lastIndex()}`);
    const keep = start - this.offset;
    if (keep < this.ents.length) this.ents.length = keep;
    for (const e of fresh) this.ents.push(e);
  }
}

/**
 * Prepares the storage of a member of a new cluster: a snapshot at index 1, term 1 that holds
 * the initial membership and the application's empty state. Members that join later start
 * empty and receive such a snapshot (or a newer one) first, so they always learn the membership.
 */
export function bootstrapStorage(storage: MemoryStorage, confState: ConfState, data: Uint8Array): void {
  storage.applySnapshot({ meta: { index: 1, term: 1, confState }, data });
  storage.setHardState({ term: 1, vote: '', commit: 1 });
}
