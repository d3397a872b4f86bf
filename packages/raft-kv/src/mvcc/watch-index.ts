/**
 * Finds the watchers interested in a key without looking at the others: single-key watchers
 * in a map by key, prefix watchers in a map by prefix (probed once per distinct prefix
 * length), and other ranges in an array sorted by start with a running maximum of ends, so
 * that a lookup stops as soon as no earlier range can reach the key.
 */
import { UNBOUNDED, prefixEnd } from './bytes.js';
import type { Span } from './validate.js';

/** Above every binary string: the end of an unbounded range. */
const INFINITE_END = '\u0100';

/** A range entry. Invariant: maxEnd is the largest end of this and every earlier entry. */
interface RangeEntry<W> {
  readonly start: string;
  readonly end: string;
  readonly watcher: W;
  maxEnd: string;
}

/** An index of watchers by the span each one watches. */
export class WatcherIndex<W> {
  private readonly points = new Map<string, Set<W>>();
  private readonly prefixes = new Map<string, Set<W>>();
  /** How many prefix watchers there are of each prefix length, as [length, count], by length. */
  private prefixLengths: [number, number][] = [];
  /** Sorted by start. */
  private readonly ranges: RangeEntry<W>[] = [];
  private count = 0;

  /** The number of watchers indexed. */
  get size(): number {
    return this.count;
  }

  /** Indexes `watcher` under `span`. */
  add(span: Span, watcher: W): void {
    this.count += 1;
    if (span.end === '') addTo(this.points, span.start, watcher);
    else if (isPrefix(span)) {
      addTo(this.prefixes, span.start, watcher);
      this.countLength(span.start.length, 1);
    } else {
      const end = span.end === UNBOUNDED ? INFINITE_END : span.end;
      const i = this.upperBound(span.start);
      this.ranges.splice(i, 0, { start: span.start, end, watcher, maxEnd: end });
      this.refreshMaxEnd(i);
    }
  }

  /** Removes `watcher`, indexed under `span`. */
  remove(span: Span, watcher: W): void {
    if (span.end === '') {
      if (removeFrom(this.points, span.start, watcher)) this.count -= 1;
    } else if (isPrefix(span)) {
      if (!removeFrom(this.prefixes, span.start, watcher)) return;
      this.count -= 1;
      this.countLength(span.start.length, -1);
    } else {
      const i = this.ranges.findIndex((r) => r.watcher === watcher);
      if (i < 0) return;
      this.count -= 1;
      this.ranges.splice(i, 1);
      this.refreshMaxEnd(i);
    }
  }

  /** Calls `visit` once for every watcher whose span holds `key`. */
  forEachMatch(key: string, visit: (watcher: W) => void): void {
    this.points.get(key)?.forEach(visit);
    for (const [length] of this.prefixLengths) {
      if (length > key.length) break;
      this.prefixes.get(key.slice(0, length))?.forEach(visit);
    }
    for (let i = this.upperBound(key) - 1; i >= 0; i--) {
      const r = this.ranges[i] as RangeEntry<W>;
      if (r.maxEnd <= key) break;
      if (r.end > key) visit(r.watcher);
    }
  }

  /** Calls `visit` once for every watcher. */
  forEachWatcher(visit: (watcher: W) => void): void {
    for (const set of this.points.values()) set.forEach((w) => visit(w));
    for (const set of this.prefixes.values()) set.forEach((w) => visit(w));
    for (const r of this.ranges) visit(r.watcher);
  }

  /** The position of the first range that starts after `key`. */
  private upperBound(key: string): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ranges[mid] as RangeEntry<W>).start <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private refreshMaxEnd(from: number): void {
    let max = from > 0 ? (this.ranges[from - 1] as RangeEntry<W>).maxEnd : '';
    for (let i = from; i < this.ranges.length; i++) {
      const r = this.ranges[i] as RangeEntry<W>;
      if (r.end > max) max = r.end;
      r.maxEnd = max;
    }
  }

  private countLength(length: number, delta: number): void {
    const entry = this.prefixLengths.find(([l]) => l === length);
    if (entry === undefined) {
      this.prefixLengths.push([length, delta]);
      this.prefixLengths.sort((a, b) => a[0] - b[0]);
    } else {
      entry[1] += delta;
      if (entry[1] === 0) this.prefixLengths = this.prefixLengths.filter((e) => e !== entry);
    }
  }
}

/** Whether `span` is exactly the keys that start with its start. */
function isPrefix(span: Span): boolean {
  return span.start !== '' && span.end !== UNBOUNDED && span.end === prefixEnd(span.start);
}

function addTo<W>(map: Map<string, Set<W>>, key: string, watcher: W): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([watcher]));
  else set.add(watcher);
}

function removeFrom<W>(map: Map<string, Set<W>>, key: string, watcher: W): boolean {
  const set = map.get(key);
  if (set === undefined || !set.delete(watcher)) return false;
  if (set.size === 0) map.delete(key);
  return true;
}
