import { RaftError, invariant } from '../errors.js';
import { limitSize, type LogStorage } from '../storage.js';
import type { Entry, Snapshot } from '../types.js';
import { Unstable } from './unstable.js';

/**
 * A member's view of its log: the stable part in {@link LogStorage} followed by the unstable
 * part not yet persisted.
 * Invariant: applied <= committed <= lastIndex(); committed never decreases.
 */
export class RaftLog {
  readonly unstable: Unstable;
  /** The highest index known to be on a quorum. */
  committed: number;
  /** The highest index the application has applied. */
  applied: number;

  constructor(
    readonly storage: LogStorage,
    private readonly maxApplyBytes: number,
  ) {
    const first = storage.firstIndex();
    this.unstable = new Unstable(storage.lastIndex() + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** The term of entry i; throws `compacted` below the first index - 1 and `unavailable` past the last. */
  term(i: number): number {
    const u = this.unstable.maybeTerm(i);
    if (u !== undefined) return u;
    if (i < this.firstIndex() - 1) throw new RaftError('compacted', `term of ${i}: compacted`);
    if (i > this.lastIndex())
      throw new RaftError('unavailable', `term of ${i}: past the last index ${this.lastIndex()}`);
    return this.storage.term(i);
  }

  /** The term of entry i, or 0 when it is compacted or missing. */
  zeroTermOnError(i: number): number {
    try {
      return this.term(i);
    } catch (e) {
      if (e instanceof RaftError) return 0;
      throw e;
    }
  }

  matchTerm(i: number, term: number): boolean {
    // Bounds first: a follower appending new entries asks about indexes past its log all the time.
    if (!this.hasIndex(i)) return false;
    return this.zeroTermOnError(i) === term;
  }

  private hasIndex(i: number): boolean {
    return i >= this.firstIndex() - 1 && i <= this.lastIndex();
  }

  /** §5.4.1: a candidate's log is at least as up to date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * The follower side of AppendEntries (§5.3): if our entry at `prevIndex` has `prevTerm`, append
   * the new entries (dropping a conflicting suffix), advance commit, and return the new last index.
   */
  maybeAppend(prevIndex: number, prevTerm: number, leaderCommit: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      invariant(conflict > this.committed, () => `entry ${conflict} conflicts with committed entry ${this.committed}`);
      this.append(ents.slice(conflict - (prevIndex + 1)));
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** The index of the first entry that is new or conflicts with ours, or 0 if all match. */
  private findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Fast back-off: the largest index <= `index` whose term is <= `term`, with that term. A
   * leader uses it to skip a whole conflicting term in one round trip.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    for (; i >= this.firstIndex() - 1; i--) {
      const t = this.zeroTermOnError(i);
      if (t <= term) return { index: i, term: t };
    }
    return { index: i, term: 0 };
  }

  /** Appends entries (a leader's own, or a follower's after a conflict check). */
  append(ents: readonly Entry[]): number {
    const first = ents[0];
    if (!first) return this.lastIndex();
    invariant(
      first.index - 1 >= this.committed,
      () => `append at ${first.index} would overwrite committed ${this.committed}`,
    );
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    invariant(index <= this.lastIndex(), () => `commit ${index} is past the last index ${this.lastIndex()}`);
    this.committed = index;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    invariant(
      index >= this.applied && index <= this.committed,
      () => `applied ${index} outside [${this.applied}, ${this.committed}]`,
    );
    this.applied = index;
  }

  /** If a quorum has `maxIndex` and that entry is of `term`, commit up to it (§5.4.2). */
  maybeCommit(maxIndex: number, term: number, anyTerm = false): boolean {
    if (maxIndex > this.committed && (anyTerm || this.zeroTermOnError(maxIndex) === term)) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries;
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > this.applied && this.applied + 1 >= this.firstIndex();
  }

  /** The committed entries not yet applied, up to the apply size limit. */
  nextCommittedEntries(): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    return this.slice(this.applied + 1, this.committed + 1, this.maxApplyBytes);
  }

  /** Entries from `lo` to the end, at most `maxBytes` of them. */
  entries(lo: number, maxBytes: number): Entry[] {
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, this.lastIndex() + 1, maxBytes);
  }

  /** Entries in [lo, hi), stable then unstable, limited to maxBytes (always at least one). */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo < this.firstIndex()) throw new RaftError('compacted', `entries from ${lo}: compacted`);
    invariant(hi <= this.lastIndex() + 1, () => `slice [${lo},${hi}) past the last index ${this.lastIndex()}`);
    if (lo === hi) return [];
    const uOffset = this.unstable.offset;
    let out: Entry[] = [];
    if (lo < uOffset) {
      out = this.storage.entries(lo, Math.min(hi, uOffset), maxBytes);
      if (out.length < Math.min(hi, uOffset) - lo) return out; // cut by size
    }
    if (hi > uOffset) {
      const u = this.unstable.slice(Math.max(lo, uOffset), hi);
      out = out.length > 0 ? [...out, ...u] : u;
    }
    return limitSize(out, maxBytes);
  }

  /** The snapshot to send a follower that lags behind our first index. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Installs a leader's snapshot: everything before it is replaced. */
  restore(s: Snapshot): void {
    this.committed = s.meta.index;
    this.unstable.restore(s);
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  /** The application applied a snapshot at `index`: everything up to it counts as applied. */
  appliedSnapshot(index: number): void {
    invariant(index <= this.committed, () => `applied snapshot ${index} past commit ${this.committed}`);
    this.applied = Math.max(this.applied, index);
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index);
  }
}
