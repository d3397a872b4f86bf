/**
 * The client's watch streams: each {@link ClientWatch} is subscribed on some member's
 * connection under a fresh wire id; when the stream breaks (the connection goes, or the member
 * closes it as it shuts down) the watch is subscribed again, on any member, from the first
 * revision it has not received. A subscription that is no longer current is ignored, so a late
 * frame of an old stream can never reach the consumer.
 */
import { performance } from 'node:perf_hooks';
import type { Bytes } from '../mvcc/bytes.js';
import { isMvccError } from '../mvcc/errors.js';
import type { WatchOptions } from '../mvcc/store.js';
import { NodeError } from '../node/raft-node.js';
import type { WatchCreated, WatchFrame } from '../server/protocol.js';
import type { Connection } from './connection.js';
import { ClientError, fromWireError } from './errors.js';
import type { EndpointPool } from './pool.js';
import { nextStep, pauseBeforeAttempt } from './retry.js';
import { ClientWatch } from './watch.js';
import type { WatchControl } from './watch.js';

/** How watch streams are run. */
export interface WatchStreamOptions {
  /** The deadline of each call, and of the first subscription. */
  readonly timeoutMs: number;
  /** How long a broken stream keeps trying to resume. */
  readonly resumeTimeoutMs: number;
  /** The window of each watch (see {@link ClientWatch.window}). */
  readonly window: number;
  readonly random: () => number;
}

/** Where a watch's stream is: its connection and the wire id of the current subscription. */
interface Stream {
  readonly connection: Connection;
  readonly wireId: number;
}

/** The watches of one client. */
export class WatchStreams implements WatchControl {
  private readonly watches = new Set<ClientWatch>();
  private readonly streams = new Map<ClientWatch, Stream>();
  private readonly progressWanted = new Set<ClientWatch>();
  private nextWatchId = 1;
  private nextWireId = 1;
  private closed = false;

  constructor(
    private readonly pool: EndpointPool,
    private readonly options: WatchStreamOptions,
  ) {}

  /** Starts a watch; its first subscription runs in the background. */
  open(key: Bytes, options: WatchOptions): ClientWatch {
    const watch = new ClientWatch(this.nextWatchId++, key, options, this, this.options.window);
    this.watches.add(watch);
    void this.subscribe(watch, this.options.timeoutMs);
    return watch;
  }

  /** Ends every watch with reason `closed`. */
  close(): void {
    this.closed = true;
    for (const watch of [...this.watches]) watch.end({ reason: 'closed', resumeRevision: watch.subscribeRevision });
  }

  /** {@link WatchControl}: stops the member's side of a watch that ended here. */
  release(watch: ClientWatch): void {
    this.watches.delete(watch);
    this.progressWanted.delete(watch);
    const stream = this.detach(watch);
    if (stream?.connection.isOpen === true) this.send(stream, 'watchCancel', [stream.wireId]);
  }

  /** {@link WatchControl}: asks for a progress notification now, or once the stream is back. */
  requestProgress(watch: ClientWatch): void {
    const stream = this.streams.get(watch);
    if (stream === undefined || watch.state !== 'streaming') this.progressWanted.add(watch);
    else this.send(stream, 'watchProgress', [stream.wireId], () => this.progressWanted.add(watch));
  }

  /** {@link WatchControl}: credits the member's side with what the consumer took. */
  acknowledge(watch: ClientWatch, subscription: number, cost: number): void {
    const stream = this.streams.get(watch);
    // A stale subscription is not credited: a resumed stream starts with a fresh window.
    if (stream?.wireId === subscription && stream.connection.isOpen) {
      this.send(stream, 'watchAck', [subscription, cost]);
    }
  }

  /** Sends a control call whose answer does not matter (a lost connection resubscribes anyway). */
  private send(
    stream: Stream,
    method: 'watchCancel' | 'watchProgress' | 'watchAck',
    args: unknown[],
    onError?: () => void,
  ) {
    const deadline = performance.now() + this.options.timeoutMs;
    stream.connection.call(method, args, deadline, false).catch(() => onError?.());
  }

  /** Subscribes `watch` (again) on some member, trying until it streams, ends, or `budgetMs` passes. */
  private async subscribe(watch: ClientWatch, budgetMs: number): Promise<void> {
    const deadline = performance.now() + budgetMs;
    let last: unknown;
    // Bounded by the deadline: each turn waits a backoff, and gives up once it has passed.
    for (let attempt = 0; watch.state !== 'ended'; attempt++) {
      if (attempt > 0 && !(await pauseBeforeAttempt(Math.min(attempt, 8), deadline, this.options.random))) break;
      if (this.closed || (watch.state !== 'subscribing' && watch.state !== 'resuming')) return;
      let connection: Connection;
      try {
        connection = await this.pool.acquire(deadline);
      } catch (e) {
        last = e;
        continue;
      }
      const result = await this.attach(watch, connection, deadline);
      if (result === 'done') return;
      last = result;
      if (nextStep(result, true).kind === 'fail') return watch.fail(result);
      if (result instanceof NodeError && result.code === 'stopped') this.pool.failover(connection);
    }
    if (watch.state === 'ended') return;
    const reason = last instanceof Error ? `: ${last.message}` : '';
    watch.fail(
      new ClientError('unavailable', `the watch could not be resumed within ${budgetMs} ms${reason}`, {
        resumeRevision: watch.subscribeRevision,
        cause: last,
      }),
    );
  }

  /** Opens the watch's stream on `connection`: 'done' once it streams (or ended), else the error. */
  private async attach(watch: ClientWatch, connection: Connection, deadline: number): Promise<'done' | Error> {
    const wireId = this.nextWireId++;
    connection.addWatch(wireId, {
      frame: (frame) => this.onFrame(watch, wireId, frame),
      lost: () => this.onLost(watch, wireId),
    });
    this.streams.set(watch, { connection, wireId });
    watch.subscribing(wireId);
    const options = { ...watch.options, startRevision: watch.subscribeRevision };
    const callDeadline = Math.min(deadline, performance.now() + this.options.timeoutMs);
    try {
      const args = [wireId, watch.key, options, watch.window, true]; // grouped frames are welcome
      const created = (await connection.call('watch', args, callDeadline, false)) as WatchCreated;
      if (watch.state === 'ended') return 'done';
      if (this.streams.get(watch)?.wireId !== wireId) {
        return new ClientError('unavailable', 'the stream broke as it opened', { endpoint: connection.endpoint });
      }
      watch.started(created.startRevision);
      if (this.progressWanted.delete(watch)) this.requestProgress(watch);
      return 'done';
    } catch (e) {
      if (this.streams.get(watch)?.wireId === wireId) this.detach(watch);
      if (isMvccError(e, 'compacted')) {
        const compactRevision = e.compactRevision ?? 0;
        watch.end({ reason: 'compacted', resumeRevision: options.startRevision, compactRevision });
        return 'done';
      }
      if (e instanceof ClientError && e.code === 'timeout') {
        // The member may have opened it after all: make sure it stops.
        this.send({ connection, wireId }, 'watchCancel', [wireId]);
        return new ClientError('unavailable', e.message, { cause: e });
      }
      return e instanceof Error ? e : new Error(String(e));
    }
  }

  private onFrame(watch: ClientWatch, wireId: number, frame: WatchFrame): void {
    if (this.streams.get(watch)?.wireId !== wireId) return;
    if ('error' in frame) {
      const stream = this.detach(watch);
      watch.fail(fromWireError(frame.error, stream?.connection.endpoint ?? ''));
      return;
    }
    if (watch.receive(frame.batch)) return;
    // The member closed the stream (it is shutting down): resume elsewhere.
    const stream = this.detach(watch);
    if (stream !== undefined) this.pool.failover(stream.connection);
    this.resume(watch);
  }

  private onLost(watch: ClientWatch, wireId: number): void {
    if (this.streams.get(watch)?.wireId !== wireId) return;
    this.streams.delete(watch);
    this.resume(watch);
  }

  /** Forgets the watch's current stream; returns it. */
  private detach(watch: ClientWatch): Stream | undefined {
    const stream = this.streams.get(watch);
    if (stream === undefined) return undefined;
    this.streams.delete(watch);
    stream.connection.removeWatch(stream.wireId);
    return stream;
  }

  /** Restarts a broken stream; a watch still subscribing is retried by its own subscribe loop. */
  private resume(watch: ClientWatch): void {
    if (watch.state !== 'streaming' || this.closed) return;
    watch.state = 'resuming';
    void this.subscribe(watch, this.options.resumeTimeoutMs);
  }
}
