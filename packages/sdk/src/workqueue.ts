/**
 * A rate-limited work queue with client-go's guarantees:
 * - a key is never handed to two workers at once (it is "processing" from `get` to `done`);
 * - adding a key that is already waiting does nothing (duplicates collapse);
 * - a key added while it is processing is handed out again after its `done`;
 * - `addRateLimited` re-adds a key after a per-key exponential back-off, `forget` resets it;
 * - `addAfter` adds a key later; `shutDown` ends it, `shutDownWithDrain` lets the work finish.
 * Time comes from an injected {@link Clock}.
 */
import { realClock } from './clock.js';
import type { Clock, TimerHandle } from './clock.js';

/** What {@link WorkQueue.get} hands out: a key to process, or the news that the queue is shut down. */
export type QueueItem<K> = { shutdown: false; key: K } | { shutdown: true };

/** How a work queue is built. */
export interface WorkQueueOptions {
  /** Time source for delays and back-off; default the real clock. */
  clock?: Clock;
  /** First back-off of `addRateLimited` (ms); default 5. */
  baseDelayMs?: number;
  /** Largest back-off of `addRateLimited` (ms); default 1 000 000 (1000 s). */
  maxDelayMs?: number;
}

/** Where a work queue is in its life. */
export type WorkQueueState = 'running' | 'draining' | 'shutdown';

/** A de-duplicating, rate-limited queue of keys. */
export class WorkQueue<K = string> {
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  /** Keys ready to be handed out, in order. Invariant: every key here is in `dirty`, none in `processing`. */
  private readonly queue: K[] = [];
  /** Keys that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<K>();
  /** Keys handed out and not yet `done`. */
  private readonly processing = new Set<K>();
  /** Keys waiting for `addAfter`/`addRateLimited`: when they are due and their timer. */
  private readonly waiting = new Map<K, { readyAt: number; timer: TimerHandle }>();
  /** Per-key count of `addRateLimited` since the last `forget`. */
  private readonly failures = new Map<K, number>();
  private readonly getters: ((item: QueueItem<K>) => void)[] = [];
  private stateValue: WorkQueueState = 'running';
  private drained: (() => void) | undefined;

  /** An empty queue. */
  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
    if (!(this.baseDelayMs > 0 && this.maxDelayMs >= this.baseDelayMs)) {
      throw new Error('work queue needs 0 < baseDelayMs <= maxDelayMs');
    }
  }

  /** 'running', 'draining' (shutDownWithDrain waiting for work) or 'shutdown'. */
  get state(): WorkQueueState {
    return this.stateValue;
  }

  /** True once a shutdown has begun: adds are ignored. */
  shuttingDown(): boolean {
    return this.stateValue !== 'running';
  }

  /** Marks `key` as needing processing (ignored when already waiting or after shutdown). */
  add(key: K): void {
    if (this.stateValue !== 'running' || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Adds `key` after `ms` (at once if `ms <= 0`); of several pending delays, the earliest wins. */
  addAfter(key: K, ms: number): void {
    if (this.stateValue !== 'running') return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending !== undefined) {
      if (pending.readyAt <= readyAt) return;
      this.clock.clearTimeout(pending.timer);
    }
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { readyAt, timer });
  }

  /** Adds `key` after its back-off: `baseDelayMs * 2^n` capped at `maxDelayMs`, n = earlier calls since `forget`. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.nextDelay(key));
  }

  /** The back-off `addRateLimited(key)` would use next, counting this call as a failure. */
  private nextDelay(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs);
  }

  /** Resets the back-off of `key` (call it once the key was processed successfully). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** How many times `key` was rate-limited since its last `forget`. */
  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * The next key to process, once there is one; the caller must call `done(key)` after. After
   * `shutDown` it resolves to `{ shutdown: true }`; after `shutDownWithDrain`, once the keys
   * already queued are handed out.
   */
  get(): Promise<QueueItem<K>> {
    const key = this.take();
    if (key !== undefined) return Promise.resolve({ shutdown: false, key: key.value });
    if (this.stateValue !== 'running') return Promise.resolve({ shutdown: true });
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends the processing of `key`: if it was re-added meanwhile, it is queued again. */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key) && this.stateValue === 'running') this.enqueue(key);
    this.checkDrained();
  }

  /** How many keys wait to be handed out. */
  len(): number {
    return this.queue.length;
  }

  /** Stops the queue now: adds are ignored, queued and delayed keys are dropped, `get` answers shutdown. */
  shutDown(): void {
    this.stateValue = 'shutdown';
    this.queue.length = 0;
    this.dirty.clear();
    this.clearWaiting();
    for (const getter of this.getters.splice(0)) getter({ shutdown: true });
    this.drained?.();
    this.drained = undefined;
  }

  /**
   * Stops accepting keys, lets workers take the keys already queued, and resolves once none is
   * queued or processing; then the queue is shut down. Delayed keys are dropped.
   */
  shutDownWithDrain(): Promise<void> {
    if (this.stateValue === 'shutdown') return Promise.resolve();
    this.stateValue = 'draining';
    this.clearWaiting();
    const done = new Promise<void>((resolve) => {
      const previous = this.drained;
      this.drained = () => {
        previous?.();
        resolve();
      };
    });
    this.checkDrained();
    return done;
  }

  private enqueue(key: K): void {
    const getter = this.getters.shift();
    if (getter !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter({ shutdown: false, key });
      return;
    }
    this.queue.push(key);
  }

  private take(): { value: K } | undefined {
    if (this.queue.length === 0) return undefined;
    const key = this.queue.shift() as K;
    this.dirty.delete(key);
    this.processing.add(key);
    return { value: key };
  }

  private checkDrained(): void {
    if (this.stateValue === 'draining' && this.queue.length === 0 && this.processing.size === 0) this.shutDown();
  }

  private clearWaiting(): void {
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
  }
}
