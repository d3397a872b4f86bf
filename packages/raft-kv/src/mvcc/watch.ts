/**
 * The consumer side of a watch: what a watch delivers (batches of events, progress
 * notifications, an end with a reason), the per-watch state the hub keeps, and the
 * {@link Watch} handle, an async iterable of batches. No clock and no timer: a pending
 * `next()` is a promise that the hub resolves when it enqueues something.
 */
import type { KeyValue } from './types.js';
import type { Span } from './validate.js';

/** One change: the key after it (`put`), or the key and the revision of its delete (`delete`). */
export interface WatchEvent {
  readonly type: 'put' | 'delete';
  /** For a delete, only `key` and `modRevision` (the delete's revision) are set, as in etcd. */
  readonly kv: KeyValue;
  /** The key before the change, when the watch asked for it and history still has it. */
  readonly prevKv?: KeyValue;
}

/** Why a watch ended. */
export type WatchEndReason =
  /** The consumer called `cancel()` (or left a for-await loop). */
  | 'canceled'
  /** The consumer fell behind by more than the buffer bound. */
  | 'slowConsumer'
  /** The revisions the watch still needed were compacted. */
  | 'compacted'
  /** The hub was closed (the store is shutting down). */
  | 'closed';

/** How and where a watch ended: watch again from `resumeRevision` to continue seamlessly. */
export interface WatchEnd {
  readonly reason: WatchEndReason;
  /** The first revision the watch did not deliver. */
  readonly resumeRevision: number;
  /** For `compacted`: the store's compact revision, the oldest a new watch can start from. */
  readonly compactRevision?: number;
}

/**
 * What a watch yields. `events`: every matching event of one revision, never split across
 * batches; `progress`: every event up to `revision` has been delivered (a bookmark); `end`:
 * the last batch, unless the consumer canceled.
 */
export type WatchBatch =
  | { readonly type: 'events'; readonly revision: number; readonly events: readonly WatchEvent[] }
  | { readonly type: 'progress'; readonly revision: number }
  | ({ readonly type: 'end' } & WatchEnd);

/** What a watch filters out (etcd's WatchCreateRequest filters). */
export type WatchFilter = 'noPut' | 'noDelete';

/** Where a watcher stands: replaying history, following live revisions, or done. */
export type WatcherStatus = 'unsynced' | 'synced' | 'ended';

/** A FIFO of batches with O(1) shift. */
export class BatchQueue {
  private items: WatchBatch[] = [];
  private head = 0;

  /** The number of batches queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends a batch. */
  push(batch: WatchBatch): void {
    this.items.push(batch);
  }

  /** Removes and returns the oldest batch. */
  shift(): WatchBatch | undefined {
    if (this.head >= this.items.length) return undefined;
    const batch = this.items[this.head];
    this.head += 1;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  /** The revision of the first queued `events` batch. */
  peekEvents(): number | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      const batch = this.items[i] as WatchBatch;
      if (batch.type === 'events') return batch.revision;
    }
    return undefined;
  }

  /** Drops every batch. */
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** The hub's record of one watch. */
export interface WatcherState {
  readonly id: number;
  readonly span: Span;
  readonly prevKv: boolean;
  readonly filters: ReadonlySet<WatchFilter>;
  readonly progressNotify: boolean;
  status: WatcherStatus;
  /**
   * Unsynced: the next revision to replay. Synced: the first revision the watch wants (later
   * than the store revision only for a watch that starts in the future).
   * Invariant: every matching event below it (and, when synced, below the store revision + 1)
   * has been queued or consumed.
   */
  nextRevision: number;
  readonly queue: BatchQueue;
  /** Events and estimated bytes in `queue`. Invariant: both are 0 when the queue is empty. */
  bufferedEvents: number;
  bufferedBytes: number;
  /** A progress notification asked for while unsynced, sent once caught up. */
  progressRequested: boolean;
  end: WatchEnd | undefined;
  /** Pending `next()` calls, oldest first. */
  readonly waiters: ((result: IteratorResult<WatchBatch, undefined>) => void)[];
}

/** What a {@link Watch} needs from its hub. */
export interface WatchDriver {
  /** Fills the queue of an unsynced watcher from history. */
  catchUp(w: WatcherState): void;
  /** Ends the watch for `reason`. */
  end(w: WatcherState, reason: WatchEndReason): void;
  /** Queues a progress notification (or remembers to, once caught up). */
  requestProgress(w: WatcherState): void;
}

/** The consumer's handle on one watch: an async iterable of batches, plus `cancel()`. */
export class Watch implements AsyncIterable<WatchBatch> {
  constructor(
    private readonly driver: WatchDriver,
    private readonly state: WatcherState,
  ) {}

  /** The watch id, unique within its hub. */
  get id(): number {
    return this.state.id;
  }

  /** How the watch ended, once it has. */
  get ended(): WatchEnd | undefined {
    return this.state.end;
  }

  /** The next batch if one is ready, without waiting; undefined if none (or the watch is over). */
  take(): WatchBatch | undefined {
    return takeBatch(this.driver, this.state);
  }

  /** The next batch, waiting for one if needed; done once the watch is over and drained. */
  next(): Promise<IteratorResult<WatchBatch, undefined>> {
    const batch = this.take();
    if (batch !== undefined) return Promise.resolve({ value: batch, done: false });
    if (this.state.status === 'ended') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.state.waiters.push(resolve));
  }

  /** Ends the watch; pending and later `next()` calls finish. */
  cancel(): void {
    if (this.state.status !== 'ended') this.driver.end(this.state, 'canceled');
  }

  /** Asks for a progress notification (etcd's WatchProgressRequest). */
  requestProgress(): void {
    if (this.state.status !== 'ended') this.driver.requestProgress(this.state);
  }

  /** Iterates the batches; leaving the loop early cancels the watch. */
  [Symbol.asyncIterator](): AsyncIterator<WatchBatch, undefined> {
    return {
      next: () => this.next(),
      return: () => {
        this.cancel();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** What an event costs against the byte bound of a watcher's buffer, beyond its bytes. */
const EVENT_OVERHEAD_BYTES = 64;

/** The estimated bytes of a list of events. */
export function batchBytes(events: readonly WatchEvent[]): number {
  let bytes = 0;
  for (const e of events) {
    bytes += EVENT_OVERHEAD_BYTES + e.kv.key.byteLength + e.kv.value.byteLength;
    if (e.prevKv !== undefined) bytes += e.prevKv.key.byteLength + e.prevKv.value.byteLength;
  }
  return bytes;
}

/** Removes the next batch from a watcher's queue, catching up from history first if needed. */
export function takeBatch(driver: WatchDriver, w: WatcherState): WatchBatch | undefined {
  if (w.queue.length === 0 && w.status === 'unsynced') driver.catchUp(w);
  const batch = w.queue.shift();
  if (batch?.type === 'events') {
    w.bufferedEvents -= batch.events.length;
    w.bufferedBytes -= batchBytes(batch.events);
  }
  return batch;
}

/** Hands queued batches to pending `next()` calls; finishes them once the watch is over. */
export function wake(driver: WatchDriver, w: WatcherState): void {
  while (w.waiters.length > 0) {
    const batch = takeBatch(driver, w);
    if (batch === undefined && w.status !== 'ended') return;
    const waiter = w.waiters.shift() as (result: IteratorResult<WatchBatch, undefined>) => void;
    waiter(batch === undefined ? { value: undefined, done: true } : { value: batch, done: false });
  }
}
