/**
 * A watch cache for one resource (Kubernetes' cacher): one store watch keeps an in-memory copy
 * of every object and a bounded history of changes. It serves lists at resourceVersion "0" (or
 * not older than N) and every watch, with an index on chosen fields (pods' spec.nodeName) so
 * that a thousand node agents watching their own pods cost one store watch, not a thousand.
 */
import type { KvWatch } from '@bosun/raft-kv';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { fieldPath } from '../registry/definition.js';
import type { ObjectStore } from '../storage/object-store.js';
import { prefixEnd } from '../storage/object-store.js';
import type { CacheWatchEvent, WatcherFilter } from './watcher.js';
import { CacheWatcher } from './watcher.js';

/** One change as the cache keeps it. */
interface Change {
  readonly revision: number;
  readonly key: string;
  /** The object after the change; for a delete, the last state with the delete's resourceVersion. */
  readonly object: KubeObject;
  readonly prev: KubeObject | undefined;
  readonly deleted: boolean;
}

/** How a cache is sized. */
export interface WatchCacheOptions {
  /** How many changes the history keeps (a watch from an older revision gets 410 Gone). */
  readonly historySize?: number;
  /** How many events a watcher may have queued before it is ended. */
  readonly maxWatcherBacklog?: number;
}

/** A watch cache of one resource. */
export class WatchCache {
  private readonly objects = new Map<string, KubeObject>();
  private history: Change[] = [];
  /** Every change after this revision is in `history`. */
  private historyFrom = 0;
  private current = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private readonly indexed = new Map<string, Map<string, Set<CacheWatcher>>>();
  /** The keys of the objects with each value of each indexed field (lists with `spec.nodeName=x`). */
  private readonly objectIndex = new Map<string, Map<string, Set<string>>>();
  private readonly freshWaiters: { revision: number; resolve: () => void }[] = [];
  private storeWatch: KvWatch | undefined;
  private stopped = false;
  private ready: Promise<void> | undefined;
  private readonly historySize: number;
  private readonly maxBacklog: number;

  constructor(
    readonly def: ResourceDefinition,
    private readonly store: ObjectStore,
    options: WatchCacheOptions = {},
  ) {
    this.historySize = options.historySize ?? 10_000;
    this.maxBacklog = options.maxWatcherBacklog ?? 10_000;
  }

  /** The revision the cache reflects. */
  get revision(): number {
    return this.current;
  }

  /** How many watchers are open. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Loads the objects and starts following the store; resolves once the cache is ready. */
  start(): Promise<void> {
    this.ready ??= this.load();
    return this.ready;
  }

  /** Stops following the store and ends every watcher. */
  stop(): void {
    this.stopped = true;
    this.storeWatch?.cancel();
    for (const w of [...this.watchers]) w.end('closed');
  }

  /** Resolves once the cache has seen `revision` (for lists "not older than" a resourceVersion). */
  async waitFresh(revision: number, timeoutMs = 3_000): Promise<void> {
    await this.start();
    if (this.current >= revision) return;
    const fresh = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.freshWaiters.push({
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      });
    });
    if (!fresh)
      throw new ApiError('Timeout', `Too large resource version: ${revision}, current: ${this.current}`, {
        retryAfterSeconds: 1,
      });
  }

  /** One object as the cache has it (possibly behind the store by a few revisions). */
  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(this.store.key(this.def, namespace, name));
  }

  /** The objects that pass `filter`, in key order, at the cache's revision. */
  list(filter: WatcherFilter): { items: KubeObject[]; revision: number } {
    const items: KubeObject[] = [];
    const prefix = filter.namespace === undefined ? '' : this.store.prefix(this.def, filter.namespace);
    const index = filter.index === undefined ? undefined : this.objectIndex.get(filter.index.field);
    if (filter.index !== undefined && index !== undefined) {
      for (const key of index.get(filter.index.value) ?? []) {
        const obj = this.objects.get(key);
        if (obj !== undefined && (prefix === '' || key.startsWith(prefix)) && filter.matches(obj)) items.push(obj);
      }
    } else {
      for (const [key, obj] of this.objects) {
        if (prefix !== '' && !key.startsWith(prefix)) continue;
        if (filter.matches(obj)) items.push(obj);
      }
    }
    items.sort((a, b) => compareKeys(this.keyOf(a), this.keyOf(b)));
    return { items, revision: this.current };
  }

  /**
   * Opens a watch. From `revision` > 0: every matching change after it (410 Expired when the
   * history no longer has them). From 0: ADDED for every matching object, then every change.
   */
  async watch(filter: WatcherFilter, revision: number): Promise<CacheWatcher> {
    await this.start();
    if (revision > this.current) await this.waitFresh(revision);
    if (revision > 0 && revision < this.historyFrom) {
      throw new ApiError('Expired', `too old resource version: ${revision} (${this.historyFrom})`);
    }
    const watcher = new CacheWatcher(filter, revision > 0 ? revision : this.current, this.maxBacklog, (w) =>
      this.forget(w),
    );
    if (revision === 0) {
      for (const obj of this.list(filter).items) watcher.push({ type: 'ADDED', object: obj, revision: this.current });
      watcher.lastRevision = this.current;
    } else {
      for (const change of this.history) {
        if (change.revision <= revision) continue;
        const event = eventFor(change, filter);
        if (event !== undefined) watcher.push(event);
      }
      watcher.lastRevision = this.current;
    }
    this.watchers.add(watcher);
    if (filter.index !== undefined) this.indexOf(filter.index.field, filter.index.value).add(watcher);
    return watcher;
  }

  /** Sends a bookmark at the cache's revision to `watcher` if it has nothing queued. */
  bookmark(watcher: CacheWatcher): void {
    if (watcher.backlog === 0 && this.current >= watcher.lastRevision)
      watcher.push({ type: 'BOOKMARK', revision: this.current });
  }

  private async load(): Promise<void> {
    const page = await this.store.list(this.def);
    this.objects.clear();
    this.objectIndex.clear();
    for (const field of this.def.indexedFields) this.objectIndex.set(field, new Map());
    for (const obj of page.items) {
      const key = this.keyOf(obj);
      this.objects.set(key, obj);
      this.reindex(key, undefined, obj);
    }
    this.current = page.revision;
    this.historyFrom = page.revision;
    this.history = [];
    this.follow(page.revision + 1);
  }

  private follow(startRevision: number): void {
    const prefix = this.store.prefix(this.def);
    const watch = this.store.kv.watch(prefix, { rangeEnd: prefixEnd(prefix), startRevision });
    this.storeWatch = watch;
    void (async () => {
      try {
        for await (const batch of watch) {
          if (batch.type === 'events') this.applyBatch(batch.revision, batch.events);
          else if (batch.type === 'progress') this.advance(batch.revision);
          else break;
        }
      } catch {
        // The store watch failed; relist below.
      }
      if (this.stopped) return;
      // The store watch ended (compaction, a slow consumer, a store restart): watchers watch
      // again from their last revision, which the new history may or may not still have.
      for (const w of [...this.watchers]) w.end('relist');
      await this.reload();
    })();
  }

  private async reload(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      try {
        await this.load();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** attempt)));
      }
    }
  }

  private applyBatch(
    revision: number,
    events: readonly { type: 'put' | 'delete'; kv: { key: Uint8Array; modRevision: number; value: Uint8Array } }[],
  ): void {
    for (const e of events) {
      const key = Buffer.from(e.kv.key).toString('utf8');
      const prev = this.objects.get(key);
      if (e.type === 'put') {
        const object = this.store.decode(e.kv as Parameters<ObjectStore['decode']>[0], this.def);
        this.objects.set(key, object);
        this.reindex(key, prev, object);
        this.record({ revision, key, object, prev, deleted: false });
      } else if (prev !== undefined) {
        this.objects.delete(key);
        this.reindex(key, prev, undefined);
        const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(revision) } };
        this.record({ revision, key, object, prev, deleted: true });
      }
    }
    this.advance(revision);
  }

  /** Moves `key` in the object index from `prev`'s field values to `next`'s. */
  private reindex(key: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
    for (const [field, byValue] of this.objectIndex) {
      const before = prev === undefined ? undefined : (fieldPath(prev, field) ?? '');
      const after = next === undefined ? undefined : (fieldPath(next, field) ?? '');
      if (before === after) continue;
      if (before !== undefined) {
        const set = byValue.get(before);
        set?.delete(key);
        if (set !== undefined && set.size === 0) byValue.delete(before);
      }
      if (after !== undefined) {
        let set = byValue.get(after);
        if (set === undefined) {
          set = new Set();
          byValue.set(after, set);
        }
        set.add(key);
      }
    }
  }

  private record(change: Change): void {
    this.history.push(change);
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      this.historyFrom = Math.max(this.historyFrom, (dropped[dropped.length - 1] as Change).revision);
    }
    for (const w of this.targets(change)) {
      const event = eventFor(change, w.filter);
      if (event !== undefined) w.push(event);
    }
  }

  /** The watchers a change may concern: every unindexed one, and indexed ones by old and new value. */
  private *targets(change: Change): Iterable<CacheWatcher> {
    const seen = new Set<CacheWatcher>();
    for (const [field, byValue] of this.indexed) {
      for (const obj of [change.prev, change.object]) {
        if (obj === undefined) continue;
        const set = byValue.get(fieldPath(obj, field) ?? '');
        if (set === undefined) continue;
        for (const w of set) {
          if (!seen.has(w)) {
            seen.add(w);
            yield w;
          }
        }
      }
    }
    for (const w of this.watchers) if (w.filter.index === undefined) yield w;
  }

  private advance(revision: number): void {
    if (revision <= this.current) return;
    this.current = revision;
    for (let i = this.freshWaiters.length - 1; i >= 0; i--) {
      const waiter = this.freshWaiters[i] as { revision: number; resolve: () => void };
      if (waiter.revision <= revision) {
        this.freshWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private indexOf(field: string, value: string): Set<CacheWatcher> {
    let byValue = this.indexed.get(field);
    if (byValue === undefined) {
      byValue = new Map();
      this.indexed.set(field, byValue);
    }
    let set = byValue.get(value);
    if (set === undefined) {
      set = new Set();
      byValue.set(value, set);
    }
    return set;
  }

  private forget(w: CacheWatcher): void {
    this.watchers.delete(w);
    const index = w.filter.index;
    if (index === undefined) return;
    const byValue = this.indexed.get(index.field);
    const set = byValue?.get(index.value);
    set?.delete(w);
    if (set !== undefined && set.size === 0) byValue?.delete(index.value);
  }

  private keyOf(obj: KubeObject): string {
    return this.store.key(this.def, obj.metadata.namespace, obj.metadata.name ?? '');
  }
}

/** What a watcher with `filter` sees of a change, if anything (transitions in and out of the filter). */
function eventFor(change: Change, filter: WatcherFilter): CacheWatchEvent | undefined {
  const inNamespace = (o: KubeObject | undefined) =>
    o !== undefined &&
    (filter.namespace === undefined || o.metadata.namespace === filter.namespace) &&
    filter.matches(o);
  const was = inNamespace(change.prev);
  if (change.deleted) return was ? { type: 'DELETED', object: change.object, revision: change.revision } : undefined;
  const is = inNamespace(change.object);
  if (is) return { type: was ? 'MODIFIED' : 'ADDED', object: change.object, revision: change.revision };
  return was ? { type: 'DELETED', object: change.object, revision: change.revision } : undefined;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
