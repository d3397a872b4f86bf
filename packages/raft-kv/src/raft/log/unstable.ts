import { invariant } from '../errors.js';
import type { Entry, Snapshot } from '../types.js';

/**
 * The entries (and at most one snapshot) the core has accepted but the application has not yet
 * persisted.
 * Invariant: entries are contiguous from `offset`; if a snapshot is present, offset = its index + 1.
 */
export class Unstable {
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];

  constructor(public offset: number) {}

  /** The index of the first entry if only a snapshot is pending. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot ? this.snapshot.meta.index + 1 : undefined;
  }

  /** The index of the last unstable entry or of the pending snapshot. */
  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot?.meta.index;
  }

  /** The term of entry i if it is unstable (or is the pending snapshot's index). */
  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      return this.snapshot && this.snapshot.meta.index === i ? this.snapshot.meta.term : undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || i > last) return undefined;
    return this.entries[i - this.offset]?.term;
  }

  /** The application persisted entries up to (index, term): drop them from here. */
  stableTo(index: number, term: number): void {
    const t = this.maybeTerm(index);
    // A later append may have replaced the entry since the Ready: then it is still unstable.
    if (t === undefined || t !== term || index < this.offset) return;
    this.entries = this.entries.slice(index + 1 - this.offset);
    this.offset = index + 1;
  }

  /** The application persisted the pending snapshot at `index`. */
  stableSnapTo(index: number): void {
    if (this.snapshot && this.snapshot.meta.index === index) this.snapshot = undefined;
  }

  /** Replaces everything with a snapshot to persist. */
  restore(s: Snapshot): void {
    this.offset = s.meta.index + 1;
    this.entries = [];
    this.snapshot = s;
  }

  /** Appends entries, truncating whatever suffix they overlap. */
  truncateAndAppend(ents: readonly Entry[]): void {
    const first = ents[0];
    if (!first) return;
    const after = first.index;
    if (after === this.offset + this.entries.length) {
      for (const e of ents) this.entries.push(e);
    } else if (after <= this.offset) {
      this.offset = after;
      this.entries = [...ents];
    } else {
      this.entries = [...this.entries.slice(0, after - this.offset), ...ents];
    }
  }

  /** Unstable entries in [lo, hi). */
  slice(lo: number, hi: number): Entry[] {
    const upper = this.offset + this.entries.length;
    invariant(
      this.offset <= lo && lo <= hi && hi <= upper,
      () => `unstable slice [${lo},${hi}) out of [${this.offset},${upper}]`,
    );
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
