/**
 * One client's watch on a watch cache: a filter, a queue of events, and an async iterator
 * over them. The cache pushes; the HTTP stream pulls. A watcher that falls too far behind is
 * ended (the client watches again from its last resourceVersion), never silently thinned.
 */
import type { KubeObject } from '../api/types.js';

/** What a watch stream carries. */
export type CacheWatchEvent =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: KubeObject; readonly revision: number }
  | { readonly type: 'BOOKMARK'; readonly revision: number };

/** Why a watcher ended. */
export type WatcherEndReason = 'stopped' | 'slow' | 'relist' | 'closed';

/** Which objects a watcher sees. */
export interface WatcherFilter {
  /** Only this namespace (undefined: all). */
  readonly namespace?: string;
  /** Whether an object passes the label and field selectors. */
  readonly matches: (obj: KubeObject) => boolean;
  /** An exact value of an indexed field the selectors pin (`spec.nodeName=node-1`), for the cache's index. */
  readonly index?: { readonly field: string; readonly value: string };
}

/** A watcher's queue and iterator. */
export class CacheWatcher implements AsyncIterable<CacheWatchEvent> {
  private readonly queue: CacheWatchEvent[] = [];
  private head = 0;
  private waiting: ((value: IteratorResult<CacheWatchEvent>) => void) | undefined;
  private ended: WatcherEndReason | undefined;
  /** The revision of the last event queued (what a bookmark may claim). */
  lastRevision: number;

  constructor(
    readonly filter: WatcherFilter,
    startRevision: number,
    private readonly maxQueued: number,
    private readonly onEnd: (w: CacheWatcher) => void,
  ) {
    this.lastRevision = startRevision;
  }

  /** Why the watcher ended, once it has. */
  get endReason(): WatcherEndReason | undefined {
    return this.ended;
  }

  /** Events queued and not yet taken. */
  get backlog(): number {
    return this.queue.length - this.head;
  }

  /** Queues an event; ends the watcher when its backlog is over the bound. */
  push(event: CacheWatchEvent): void {
    if (this.ended !== undefined) return;
    if (event.type !== 'BOOKMARK') this.lastRevision = event.revision;
    const waiter = this.waiting;
    if (waiter !== undefined) {
      this.waiting = undefined;
      waiter({ value: event, done: false });
      return;
    }
    if (this.backlog >= this.maxQueued) {
      this.end('slow');
      return;
    }
    this.queue.push(event);
  }

  /** Ends the watcher; pending and later `next()` calls finish. */
  end(reason: WatcherEndReason): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.queue.length = 0;
    this.head = 0;
    const waiter = this.waiting;
    this.waiting = undefined;
    waiter?.({ value: undefined, done: true });
    this.onEnd(this);
  }

  /** The next event, or done once ended. */
  next(): Promise<IteratorResult<CacheWatchEvent>> {
    if (this.head < this.queue.length) {
      const value = this.queue[this.head] as CacheWatchEvent;
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended !== undefined) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<CacheWatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.end('stopped');
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
