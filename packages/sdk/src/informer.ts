/**
 * An informer, as client-go's shared index informer: lists a resource, then watches it from the
 * list's resourceVersion, keeps an {@link Indexer} equal to the server's state, and tells event
 * handlers about every change. A watch that ends is resumed from the last resourceVersion seen
 * (bookmarks included); a watch that cannot resume (410 Gone) makes it list again and deliver the
 * difference between the cache and the new list. Time (resync, back-off) comes from a
 * {@link Clock}.
 */
import { realClock, sleep } from './clock.js';
import type { Clock, TimerHandle } from './clock.js';
import { Indexer, objectKey } from './indexer.js';
import type { IndexFunc } from './indexer.js';
import type { KubeObject, ListWatch, WatchEvent } from './types.js';

/** What an informer tells its handlers. Every callback is optional. */
export interface EventHandler<T extends KubeObject> {
  /** A new object; `isInInitialList` is true for objects of the first list (or the cache, for late handlers). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** A changed object; a periodic resync calls it with `oldObj === newObj`. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** A deleted object (its last state known to the informer). */
  onDelete?(obj: T): void;
}

/** Exponential back-off bounds for failed lists and watches. */
export interface BackoffOptions {
  /** First delay (ms); default 800, as client-go. */
  initialMs?: number;
  /** Largest delay (ms); default 30 000. */
  maxMs?: number;
}

/** How an informer is built. */
export interface InformerOptions<T extends KubeObject> {
  /** Re-deliver every cached object as `onUpdate(obj, obj)` this often (ms); 0 or absent: never. */
  resyncMs?: number;
  /** Label selector for the list and the watch. */
  labelSelector?: string;
  /** Field selector for the list and the watch. */
  fieldSelector?: string;
  /** Custom index functions, besides the namespace index. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Time source; default the real clock. */
  clock?: Clock;
  /** Back-off after list or watch errors. */
  backoff?: BackoffOptions;
  /** Asks the server to end each watch after this many seconds (then it is resumed). */
  watchTimeoutSeconds?: number;
  /** Told about list/watch errors (before the back-off) and handler exceptions. */
  onError?(err: unknown): void;
}

/** Where an informer is in its life. */
export type InformerState = 'new' | 'running' | 'stopped';

/** A watch that ended with no event this soon (ms) counts as a failure (back-off applies). */
const SHORT_WATCH_MS = 1_000;

/** A list + watch cache of one resource with event handlers. */
export class Informer<T extends KubeObject> {
  /** The cache. Read it freely; only the informer writes to it. */
  readonly indexer: Indexer<T>;
  private readonly clock: Clock;
  private readonly handlers: EventHandler<T>[] = [];
  private stateValue: InformerState = 'new';
  private synced = false;
  private resourceVersion = '';
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private resyncTimer: TimerHandle | undefined;
  private readonly syncWaiters: (() => void)[] = [];

  /** An informer over `listWatch`; call {@link Informer.start} to run it. */
  constructor(
    private readonly listWatch: ListWatch<T>,
    private readonly options: InformerOptions<T> = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.indexer = new Indexer<T>(options.indexers ?? {});
  }

  /** 'new', 'running' or 'stopped'. */
  get state(): InformerState {
    return this.stateValue;
  }

  /** True once the first list is in the cache and delivered to the handlers. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the cache reflects (from the last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /**
   * Adds a handler. Added after the first list, it is first given every cached object as an add
   * (with `isInInitialList` true), as client-go does.
   */
  addEventHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    if (this.synced) for (const obj of this.indexer.list()) this.call(handler, (h) => h.onAdd?.(obj, true));
  }

  /** Starts listing and watching (once); it runs until {@link Informer.stop} or `signal` aborts. */
  start(signal?: AbortSignal): void {
    if (this.stateValue !== 'new') return;
    this.stateValue = 'running';
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    if (signal?.aborted === true) void this.stop();
    this.scheduleResync();
    this.loop = this.run().catch((err: unknown) => this.options.onError?.(err));
  }

  /** Stops watching and resolves once the informer is idle. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'stopped';
    this.controller.abort();
    if (this.resyncTimer !== undefined) this.clock.clearTimeout(this.resyncTimer);
    for (const wake of this.syncWaiters.splice(0)) wake();
    await this.loop;
  }

  /** Resolves to true once synced, or to false if the informer stops or `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.stateValue === 'stopped' || signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve(this.synced);
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    const initialMs = this.options.backoff?.initialMs ?? 800;
    const maxMs = this.options.backoff?.maxMs ?? 30_000;
    let delay = initialMs;
    let needList = true;
    const selectors = {
      ...(this.options.labelSelector !== undefined ? { labelSelector: this.options.labelSelector } : {}),
      ...(this.options.fieldSelector !== undefined ? { fieldSelector: this.options.fieldSelector } : {}),
    };
    while (!signal.aborted) {
      try {
        if (needList) {
          const list = await this.listWatch.list({ ...selectors, signal });
          if (signal.aborted) return;
          this.replace(list.items, list.metadata.resourceVersion ?? '');
          needList = false;
          delay = initialMs;
        }
        const started = this.clock.now();
        const events = this.listWatch.watchOnce({
          ...selectors,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          ...(this.options.watchTimeoutSeconds !== undefined
            ? { timeoutSeconds: this.options.watchTimeoutSeconds }
            : {}),
          signal,
        });
        let count = 0;
        for await (const event of events) {
          if (signal.aborted) return;
          count++;
          if (!this.apply(event)) {
            needList = true;
            break;
          }
        }
        if (needList || signal.aborted) continue;
        if (count > 0 || this.clock.now() - started >= SHORT_WATCH_MS) {
          delay = initialMs;
          continue;
        }
        // An empty watch that ended at once: back off so a closing server is not hammered.
      } catch (err) {
        if (signal.aborted) return;
        if (errorCode(err) === 410) {
          needList = true;
          continue;
        }
        this.options.onError?.(err);
      }
      await sleep(this.clock, delay, signal);
      delay = Math.min(delay * 2, maxMs);
    }
  }

  /** Applies one watch event to the cache and the handlers; false when a relist is needed. */
  private apply(event: WatchEvent<T>): boolean {
    switch (event.type) {
      case 'RELIST':
        return false;
      case 'BOOKMARK':
        this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
        return true;
      case 'ADDED':
      case 'MODIFIED': {
        const obj = event.object;
        const key = objectKey(obj);
        const old = this.indexer.get(key);
        this.indexer.upsert(obj);
        this.resourceVersion = obj.metadata.resourceVersion ?? this.resourceVersion;
        if (old === undefined) this.deliver((h) => h.onAdd?.(obj, false));
        else this.deliver((h) => h.onUpdate?.(old, obj));
        return true;
      }
      case 'DELETED': {
        const old = this.indexer.deleteKey(objectKey(event.object));
        this.resourceVersion = event.object.metadata.resourceVersion ?? this.resourceVersion;
        const last = old ?? event.object;
        this.deliver((h) => h.onDelete?.(last));
        return true;
      }
    }
  }

  /** Replaces the cache with a list and delivers the difference (everything, the first time). */
  private replace(items: readonly T[], resourceVersion: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    const deliveries: ((h: EventHandler<T>) => void)[] = [];
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.indexer.get(key);
      if (old === undefined) deliveries.push((h) => h.onAdd?.(obj, initial));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion)
        deliveries.push((h) => h.onUpdate?.(old, obj));
    }
    for (const old of this.indexer.list()) {
      if (!seen.has(objectKey(old))) deliveries.push((h) => h.onDelete?.(old));
    }
    this.indexer.replace(items);
    this.resourceVersion = resourceVersion;
    for (const delivery of deliveries) this.deliver(delivery);
    if (initial) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private scheduleResync(): void {
    const period = this.options.resyncMs ?? 0;
    if (period <= 0) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.stateValue !== 'running') return;
      if (this.synced) for (const obj of this.indexer.list()) this.deliver((h) => h.onUpdate?.(obj, obj));
      this.scheduleResync();
    }, period);
  }

  private deliver(fn: (h: EventHandler<T>) => void): void {
    for (const handler of this.handlers) this.call(handler, fn);
  }

  private call(handler: EventHandler<T>, fn: (h: EventHandler<T>) => void): void {
    try {
      fn(handler);
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}

/** The numeric `code` of an error (an API status code), if it has one. */
export function errorCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
