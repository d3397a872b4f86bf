/**
 * The consumer side of a remote watch: the batches received, in order, for the caller to
 * iterate, and the revision to resume from if the stream breaks. The client (re)subscribes it
 * on some connection; whatever connection it is on, it delivers every event from its start
 * once: a batch below {@link ClientWatch.nextRevision} is a repeat and is skipped, and a resumed
 * stream starts at {@link ClientWatch.nextRevision}, so there is no gap either.
 *
 * Flow control: the member sends at most a window of batches' cost ({@link batchCost}) ahead of
 * what the consumer has taken; the watch acknowledges what it takes, half a window at a time.
 * A consumer that stops taking thus stops the stream, the member's watch hub buffers, and past
 * its bound ends the watch with `slowConsumer` and the revision to resume from.
 */
import type { Bytes } from '../mvcc/bytes.js';
import type { WatchOptions } from '../mvcc/store.js';
import type { WatchBatch, WatchEnd } from '../mvcc/watch.js';
import type { KvWatch } from '../store/kv.js';
import { batchCost } from '../server/protocol.js';

/**
 * Where a watch stands: `subscribing` (asking a member for the stream), `streaming`,
 * `resuming` (the stream broke; asking again from {@link ClientWatch.nextRevision}), `ended`.
 */
export type ClientWatchState = 'subscribing' | 'streaming' | 'resuming' | 'ended';

/** What a {@link ClientWatch} asks of the client that runs it. */
export interface WatchControl {
  /** Stops the member's side of the watch (it was canceled or ended here). */
  release(watch: ClientWatch): void;
  /** Asks the member for a progress notification. */
  requestProgress(watch: ClientWatch): void;
  /** Tells the member of subscription `subscription` that the consumer took batches costing `cost`. */
  acknowledge(watch: ClientWatch, subscription: number, cost: number): void;
}

interface Queued {
  readonly batch: WatchBatch;
  /** The subscription that delivered it (0 for batches made here). */
  readonly subscription: number;
}

/** A watch through the remote client; iterate it like the embedded store's. */
export class ClientWatch implements KvWatch {
  state: ClientWatchState = 'subscribing';
  /**
   * The first revision whose events have not been received, once known. Invariant: every
   * matching event below it has been queued or consumed, and none at or above it has.
   */
  nextRevision: number | undefined;
  /** The current subscription (a wire id), 0 when none. */
  subscription = 0;
  private queue: Queued[] = [];
  private head = 0;
  /** The cost taken from the current subscription and not yet acknowledged. */
  private unacknowledged = 0;
  private failure: Error | undefined;
  private readonly waiters: { resolve(r: IteratorResult<WatchBatch, undefined>): void; reject(e: Error): void }[] = [];

  constructor(
    /** Unique within the client. */
    readonly id: number,
    readonly key: Bytes,
    readonly options: WatchOptions,
    private readonly control: WatchControl,
    /** The cost the member may send ahead of the consumer. Invariant: >= 1. */
    readonly window: number,
  ) {
    const start = options.startRevision ?? 0;
    if (start !== 0) this.nextRevision = start;
  }

  /** The revision to subscribe from: where the stream stopped, else the caller's start (0: now). */
  get subscribeRevision(): number {
    return this.nextRevision ?? 0;
  }

  /** Subscription `subscription` is being opened: its batches are accepted from now on. */
  subscribing(subscription: number): void {
    this.subscription = subscription;
    this.unacknowledged = 0;
  }

  /** The stream of the current subscription started at `startRevision`. */
  started(startRevision: number): void {
    if (this.state === 'ended') return;
    this.state = 'streaming';
    this.nextRevision = Math.max(this.nextRevision ?? 0, startRevision);
  }

  /** A batch of the current subscription. Returns false if the stream must be resumed (the member closed it). */
  receive(batch: WatchBatch): boolean {
    if (this.state === 'ended') return true;
    switch (batch.type) {
      case 'events':
        if (this.nextRevision !== undefined && batch.revision < this.nextRevision) {
          this.acknowledgeSkipped(batch);
          return true; // a repeat
        }
        this.nextRevision = batch.revision + 1;
        this.push(batch, this.subscription);
        return true;
      case 'progress':
        this.nextRevision = Math.max(this.nextRevision ?? 0, batch.revision + 1);
        this.push(batch, this.subscription);
        return true;
      case 'end':
        // The member is shutting down: the stream continues elsewhere, from where it stopped.
        if (batch.reason === 'closed') {
          this.nextRevision = Math.max(this.nextRevision ?? 0, batch.resumeRevision);
          return false;
        }
        this.end(batch);
        return true;
    }
  }

  /** Ends the watch with `end` (delivered after what is queued) and releases the member's side. */
  end(end: WatchEnd): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.push({ type: 'end', ...end }, 0);
    this.control.release(this);
  }

  /** Ends the watch with an error, thrown to the consumer after what is queued. */
  fail(error: Error): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.failure = error;
    this.control.release(this);
    this.wake();
  }

  /** The next batch, waiting for one if needed; done once the watch is over and drained. */
  next(): Promise<IteratorResult<WatchBatch, undefined>> {
    const batch = this.take();
    if (batch !== undefined) return Promise.resolve({ value: batch, done: false });
    if (this.state === 'ended') return this.finished();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Stops the watch; pending and later `next()` calls finish. */
  cancel(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.queue = [];
    this.head = 0;
    this.control.release(this);
    this.wake();
  }

  /** Asks for a progress notification carrying the member's current revision. */
  requestProgress(): void {
    if (this.state !== 'ended') this.control.requestProgress(this);
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

  private finished(): Promise<IteratorResult<WatchBatch, undefined>> {
    const failure = this.failure;
    if (failure === undefined) return Promise.resolve({ value: undefined, done: true });
    this.failure = undefined; // thrown once; the iteration is then done
    return Promise.reject(failure);
  }

  private push(batch: WatchBatch, subscription: number): void {
    this.queue.push({ batch, subscription });
    this.wake();
  }

  private take(): WatchBatch | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head] as Queued;
    this.head += 1;
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (item.subscription !== 0 && item.subscription === this.subscription) this.taken(batchCost(item.batch));
    return item.batch;
  }

  /** A repeat costs the member's window like any batch: acknowledge it at once. */
  private acknowledgeSkipped(batch: WatchBatch): void {
    this.taken(batchCost(batch));
  }

  private taken(cost: number): void {
    this.unacknowledged += cost;
    if (this.state !== 'ended' && this.unacknowledged * 2 >= this.window) {
      this.control.acknowledge(this, this.subscription, this.unacknowledged);
      this.unacknowledged = 0;
    }
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const batch = this.take();
      if (batch === undefined && this.state !== 'ended') return;
      const waiter = this.waiters.shift() as (typeof this.waiters)[number];
      if (batch !== undefined) waiter.resolve({ value: batch, done: false });
      else this.finished().then(waiter.resolve, waiter.reject);
    }
  }
}
