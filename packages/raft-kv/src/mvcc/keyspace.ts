/**
 * The ordered keyspace with its history: each key maps to its newest version, each version
 * links to the one before it, and a log holds every change since the compact revision in apply
 * order (for watch replay and compaction). The key-to-head pairs live twice: in a hash map for
 * point reads (one probe instead of a B+tree descent through long shared key prefixes) and in
 * a B+tree for ordered scans. It knows revisions and versions, not requests: the etcd
 * semantics live in the store on top of it.
 */
import sortedBtree from 'sorted-btree';
import { UNBOUNDED, compareBinary, ownBinary } from './bytes.js';

// Node's ESM loader hands over this CommonJS package's module.exports; a CommonJS caller's
// interop hands over its default export directly.
const BTree = sortedBtree.default ?? (sortedBtree as unknown as typeof sortedBtree.default);

/** Leaves of 64 keys: fewer node objects per key than the default 32, and still fast edits. */
const NODE_SIZE = 64;

/** What one stored version costs in the storage quota beyond its key and value bytes. */
export const VERSION_OVERHEAD_BYTES = 64;

/**
 * One version of one key, or a tombstone (`version` 0) that records a delete. Keys and values
 * are binary strings (see bytes.ts). The object is kept small on purpose: no key, six fields.
 * Invariant: prev is undefined or prev.modRevision < modRevision.
 */
export class KeyVersion {
  constructor(
    /** The value; '' for a tombstone. */
    readonly value: string,
    /** The revision that created the key; 0 for a tombstone. */
    readonly createRevision: number,
    /** The revision of this change. */
    readonly modRevision: number,
    /** 1 on create, +1 per put; 0 marks a tombstone. */
    readonly version: number,
    /** The attached lease or 0. */
    readonly lease: number,
    /** The version before this one, until compaction drops it. */
    public prev: KeyVersion | undefined,
  ) {}
}

/** The live version in the chain from `head` as of `revision`, if the key existed then. */
export function versionAt(head: KeyVersion | undefined, revision: number): KeyVersion | undefined {
  let v = head;
  while (v !== undefined && v.modRevision > revision) v = v.prev;
  return v !== undefined && v.version > 0 ? v : undefined;
}

/** Visits one key of a scan with its newest version (which may be a tombstone). */
export type ScanVisitor = (key: string, head: KeyVersion) => void;

type Index = InstanceType<typeof BTree<string, KeyVersion>>;

/** The bytes a version accounts for in the quota. */
function versionBytes(key: string, v: KeyVersion): number {
  return key.length + v.value.length + VERSION_OVERHEAD_BYTES;
}

/** The ordered, versioned keyspace. */
export class Keyspace {
  /**
   * Key to newest version, for point reads. Invariant: a key is here iff its chain holds a
   * version alive at some revision >= compactRevision, or any version newer than it.
   */
  private readonly heads = new Map<string, KeyVersion>();
  /** The same pairs, ordered, for scans. Invariant: the same keys (the same string objects) and values as `heads`. */
  private readonly index: Index = new BTree<string, KeyVersion>(undefined, compareBinary, NODE_SIZE);
  /**
   * The changes with modRevision >= compactRevision, in apply order: `logKeys[i]` is the key
   * of `logVersions[i]`. Invariant: modRevision never decreases along the log.
   */
  private logKeys: string[] = [];
  private logVersions: KeyVersion[] = [];
  /** The store revision. Invariant: revision >= 1 and revision >= compactRevision. */
  revision = 1;
  /** Reads below this revision fail; 0 until the first compaction. */
  compactRevision = 0;
  /** The bytes held by stored versions, as the quota counts them. */
  usedBytes = 0;

  /** The number of keys in the index, deleted ones whose history is kept included. */
  get size(): number {
    return this.heads.size;
  }

  /** The number of changes kept for replay. */
  get logLength(): number {
    return this.logVersions.length;
  }

  /** The newest version of `key` (a tombstone if its last change was a delete). */
  head(key: string): KeyVersion | undefined {
    return this.heads.get(key);
  }

  /** The live version of `key` at `revision`. */
  get(key: string, revision: number): KeyVersion | undefined {
    return versionAt(this.heads.get(key), revision);
  }

  /**
   * Visits every indexed key of an etcd span in key order: `end` '' is the single key
   * `start`, {@link UNBOUNDED} is every key from `start` on, else `[start, end)`.
   */
  scan(start: string, end: string, visit: ScanVisitor): void {
    if (end === '') {
      const head = this.heads.get(start);
      if (head !== undefined) visit(start, head);
      return;
    }
    // The tree reads a visitor's return value as a command: never pass one through.
    const onPair = (key: string, head: KeyVersion): void => {
      visit(key, head);
    };
    if (end === UNBOUNDED) {
      const max = this.index.maxKey();
      if (max !== undefined && max >= start) this.index.forRange(start, max, true, onPair);
      return;
    }
    if (end > start) this.index.forRange(start, end, false, onPair);
  }

  /** Writes a new version of `key` at `revision` and returns it. */
  put(key: string, value: string, lease: number, revision: number): KeyVersion {
    const head = this.heads.get(key);
    const live = head !== undefined && head.version > 0 ? head : undefined;
    const created = live === undefined ? revision : live.createRevision;
    const v = new KeyVersion(value, created, revision, live === undefined ? 1 : live.version + 1, lease, head);
    this.append(this.setHead(key, head, v), v);
    return v;
  }

  /** Records the delete of `key` at `revision`; returns the version it ended, if the key was alive. */
  remove(key: string, revision: number): KeyVersion | undefined {
    const head = this.heads.get(key);
    if (head === undefined || head.version === 0) return undefined;
    const v = new KeyVersion('', 0, revision, 0, 0, head);
    this.append(this.setHead(key, head, v), v);
    return head;
  }

  /**
   * Restores one version from a snapshot on top of the key's chain; versions must come per key
   * in increasing revision order, and those at or after the compact revision in log order.
   */
  load(key: string, v: KeyVersion): void {
    const head = this.heads.get(key);
    v.prev = head;
    const stored = this.setHead(key, head, v);
    if (v.modRevision >= this.compactRevision) this.append(stored, v);
    else this.usedBytes += versionBytes(stored, v);
  }

  /** Drops the history below `revision` (checked by the caller: compactRevision < revision <= revision). */
  compact(revision: number): void {
    this.trimLogged(revision);
    const keep = this.logIndex(revision);
    // New arrays rather than splicing: a log view taken before (see logView) stays what it was.
    this.logKeys = this.logKeys.slice(keep);
    this.logVersions = this.logVersions.slice(keep);
    this.compactRevision = revision;
  }

  /** Re-applies the trimming of `compactRevision` after a restore (see {@link load}). */
  retrim(): void {
    this.trimLogged(this.compactRevision);
  }

  /** The position of the first logged change with modRevision >= `revision`. */
  logIndex(revision: number): number {
    let lo = 0;
    let hi = this.logVersions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.logVersions[mid] as KeyVersion).modRevision < revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The change log as it stands: its first `length` entries stay as they are (later changes are
   * appended past them, and a compaction starts new arrays), so it can be read across turns.
   */
  logView(): { readonly keys: readonly string[]; readonly versions: readonly KeyVersion[]; readonly length: number } {
    return { keys: this.logKeys, versions: this.logVersions, length: this.logVersions.length };
  }

  /** The key of logged change `i`. */
  logKey(i: number): string {
    return this.logKeys[i] as string;
  }

  /** The version of logged change `i`. */
  logVersion(i: number): KeyVersion {
    return this.logVersions[i] as KeyVersion;
  }

  /** Visits every indexed key with its newest version, in key order. */
  forEach(visit: ScanVisitor): void {
    this.index.forEachPair((key, head) => {
      visit(key, head);
    });
  }

  /**
   * Makes `v` the head of `key` (whose head was `head`) and returns the stored key string, the
   * one the map, the tree and the log share: for a new key a fresh flat copy, never the
   * caller's string (which may be a slice of a much larger one).
   */
  private setHead(key: string, head: KeyVersion | undefined, v: KeyVersion): string {
    let stored = key;
    if (head === undefined) {
      stored = ownBinary(key);
      this.index.set(stored, v);
    } else {
      this.index.editRange(key, key, true, (k) => {
        stored = k;
        return { value: v };
      });
    }
    this.heads.set(stored, v);
    return stored;
  }

  private append(key: string, v: KeyVersion): void {
    this.logKeys.push(key);
    this.logVersions.push(v);
    this.usedBytes += versionBytes(key, v);
  }

  /** Trims, once each, the keys changed at or below `revision`. */
  private trimLogged(revision: number): void {
    const end = this.logIndex(revision + 1);
    const done = new Set<string>();
    for (let i = 0; i < end; i++) {
      const key = this.logKeys[i] as string;
      if (done.has(key)) continue;
      done.add(key);
      this.trim(key, revision);
    }
  }

  /** Keeps, of `key`'s versions at or below `revision`, only the newest, and only if it is alive. */
  private trim(key: string, revision: number): void {
    const head = this.heads.get(key);
    let newer: KeyVersion | undefined;
    let v = head;
    while (v !== undefined && v.modRevision > revision) {
      newer = v;
      v = v.prev;
    }
    if (v === undefined) return;
    const tombstone = v.version === 0;
    for (let d = tombstone ? v : v.prev; d !== undefined; d = d.prev) this.usedBytes -= versionBytes(key, d);
    // A tombstone at `revision` itself stays in the log (for watch replay) but not in the chain.
    v.prev = undefined;
    if (!tombstone) return;
    if (newer === undefined) {
      this.heads.delete(key);
      this.index.delete(key);
    } else newer.prev = undefined;
  }
}
