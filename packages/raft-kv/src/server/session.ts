/**
 * One client connection on the server: requests served concurrently, watch streams pumped onto
 * the same socket, and flow control. The session's outbox counts the bytes queued for the
 * socket and not yet written out; past `highWaterBytes` (or `maxInFlight` requests) it stops
 * reading the socket, and watch pumps stop taking batches from the store. A pump also stops
 * when its watch has a window's worth of batches unacknowledged by the client (see protocol.ts).
 * A watch whose client cannot keep up then fills its buffer in the store's watch hub, which
 * ends it with `slowConsumer` and the revision to resume from; that end batch is delivered
 * like any other, so nothing is ever dropped silently.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket, RawData } from 'ws';
import type { WatchOptions } from '../mvcc/store.js';
import type { WatchBatch } from '../mvcc/watch.js';
import type { KV } from '../store/kv.js';
import type { ClusterAdmin } from '../store/admin.js';
import { bytesArg, invokeUnary, numberArg, optionsArg } from './dispatch.js';
import type { KvMetrics } from './metrics.js';
import { Outbox, framesOf } from './outbox.js';
import {
  DEFAULT_WATCH_WINDOW,
  ServerError,
  batchCost,
  decodeFrame,
  encodeFrame,
  parseRequestFrame,
  toWireError,
} from './protocol.js';
import type { RequestFrame, ServerFrame, WatchCreated } from './protocol.js';

/** The bounds of one connection. */
export interface SessionLimits {
  /** Requests served at once; past it the session stops reading the socket. */
  readonly maxInFlight: number;
  /** Bytes queued on the socket and not yet flushed; past it reading and watch streaming pause. */
  readonly highWaterBytes: number;
  /** Watches open at once. */
  readonly maxWatches: number;
  /** Frames sent in one turn leave as one message of at most this many bytes (unless one frame is larger). */
  readonly maxMessageBytes: number;
}

/** Where a session stands. */
export type SessionState = 'open' | 'draining' | 'closed';

/** A watch streaming to the client. Invariant: the pump takes a batch only while outstanding < window. */
interface StreamedWatch {
  readonly iterator: AsyncIterator<WatchBatch, unknown>;
  readonly requestProgress: () => void;
  canceled: boolean;
  /** The cost the client lets the server send ahead of its acknowledgements. */
  readonly window: number;
  /** The cost sent and not yet acknowledged. */
  outstanding: number;
  /** The pump waiting for an acknowledgement, if it is. */
  wake: (() => void) | undefined;
  /** The client takes grouped frames: this watch's event batches may share one with others. */
  readonly grouped: boolean;
}

type EventsBatch = Extract<WatchBatch, { type: 'events' }>;

/** The server side of one client connection. */
export class Session {
  private state: SessionState = 'open';
  private inFlight = 0;
  private readonly outbox: Outbox;
  private readPaused = false;
  private readonly watches = new Map<number, StreamedWatch>();
  private drainWaiters: (() => void)[] = [];
  /** Event batches of grouped watches sent this turn, in order; they leave at the flush. */
  private grouped: { watchId: number; batch: EventsBatch }[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly kv: KV,
    private readonly limits: SessionLimits,
    private readonly metrics: KvMetrics,
    private readonly admin?: ClusterAdmin,
  ) {
    metrics.connection(1);
    this.outbox = new Outbox(
      (data, written) => ws.send(data, { binary: true }, written),
      limits.maxMessageBytes,
      () => this.updateFlow(),
      () => this.flushGrouped(),
    );
    ws.on('message', (data: RawData) => this.onMessage(data));
    ws.on('close', () => this.onClose());
    ws.on('error', () => {
      // 'close' follows; the session ends there.
    });
  }

  /** Stops reading, waits (at most `graceMs`) for the requests in flight, then closes the socket. */
  async drain(graceMs: number): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'draining';
    this.ws.pause();
    for (const w of this.watches.values()) this.cancelWatch(w);
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    // Read again (new requests are ignored now) so that the closing handshake can complete.
    this.outbox.flush();
    this.ws.resume();
    this.ws.close(1001, 'server shutting down');
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.ws.terminate();
  }

  private onMessage(data: RawData): void {
    if (this.state !== 'open') return;
    let frames: readonly unknown[];
    try {
      frames = framesOf(decodeFrame(Buffer.isBuffer(data) ? data : Buffer.concat(toBuffers(data))));
    } catch {
      frames = [undefined];
    }
    for (const value of frames) {
      const frame = parseRequestFrame(value);
      if (frame === undefined) {
        this.ws.close(1002, 'malformed frame');
        return;
      }
      if ('error' in frame) {
        this.send({ id: frame.id, error: toWireError(frame.error) });
        this.metrics.request('unknown', frame.error.code, 0);
      } else void this.serve(frame);
    }
  }

  private async serve(frame: RequestFrame): Promise<void> {
    const started = performance.now();
    this.inFlight += 1;
    this.updateFlow();
    let outcome = 'ok';
    let startStream: (() => void) | undefined;
    try {
      let result: unknown;
      if (frame.method === 'watch') [result, startStream] = await this.openWatch(frame.args);
      else if (frame.method === 'watchCancel') result = this.withWatch(frame.args, (w) => this.cancelWatch(w));
      else if (frame.method === 'watchProgress') result = this.withWatch(frame.args, (w) => w.requestProgress());
      else if (frame.method === 'watchAck') result = this.withWatch(frame.args, (w) => acknowledge(w, frame.args));
      else result = await invokeUnary(this.kv, frame.method, frame.args, this.admin);
      this.send({ id: frame.id, result: result ?? null });
    } catch (e) {
      const error = toWireError(e);
      outcome = error.code;
      this.send({ id: frame.id, error });
    } finally {
      this.inFlight -= 1;
      this.metrics.request(frame.method, outcome, (performance.now() - started) / 1000);
      this.updateFlow();
    }
    // The answer is queued first: a client sees no batch of a watch before it knows the watch.
    startStream?.();
  }

  /** Opens a store watch for `[watchId, key, options, window]`; the stream starts once the answer is sent. */
  private async openWatch(args: readonly unknown[]): Promise<[WatchCreated, () => void]> {
    const watchId = numberArg(args, 0);
    const key = bytesArg(args, 1);
    const options = optionsArg<WatchOptions>(args, 2) ?? {};
    const window = args[3] === undefined || args[3] === null ? DEFAULT_WATCH_WINDOW : numberArg(args, 3);
    if (!Number.isSafeInteger(window) || window < 1) throw new ServerError('badRequest', 'window must be >= 1');
    if (this.watches.has(watchId)) throw new ServerError('badRequest', `watch ${watchId} is already open`);
    if (this.watches.size >= this.limits.maxWatches) throw new ServerError('tooManyWatches');
    // "From now" is pinned to a revision, so that the client can resume from it elsewhere.
    let startRevision = options.startRevision ?? 0;
    if (startRevision === 0) startRevision = (await this.kv.status()).revision + 1;
    if (this.state !== 'open') throw new ServerError('internal', 'the connection is closing');
    if (this.watches.has(watchId)) throw new ServerError('badRequest', `watch ${watchId} is already open`);
    const watch = this.kv.watch(key, { ...options, startRevision });
    const streamed: StreamedWatch = {
      iterator: watch[Symbol.asyncIterator](),
      requestProgress: () => watch.requestProgress(),
      canceled: false,
      window,
      outstanding: 0,
      wake: undefined,
      grouped: args[4] === true,
    };
    this.watches.set(watchId, streamed);
    this.metrics.watcher(1);
    return [{ startRevision }, () => void this.pump(watchId, streamed)];
  }

  /** Sends a watch's batches as the client acknowledges them and the socket drains, until the watch ends. */
  private async pump(watchId: number, w: StreamedWatch): Promise<void> {
    try {
      // Bounded by the watch: each turn takes one batch, and the store ends the watch when asked.
      for (;;) {
        if (w.outstanding >= w.window) await new Promise<void>((resolve) => (w.wake = resolve));
        await this.writable();
        if (w.canceled || this.isClosed()) break;
        const next = await w.iterator.next();
        if (next.done === true || w.canceled || this.isClosed()) break;
        w.outstanding += batchCost(next.value);
        this.sendBatch(watchId, w, next.value);
        if (next.value.type === 'end') {
          if (next.value.reason === 'slowConsumer') this.metrics.slowWatcherEnded();
          break;
        }
      }
    } catch (e) {
      this.flushGrouped();
      this.send({ watch: watchId, error: toWireError(e) });
    } finally {
      if (!w.canceled) this.cancelWatch(w);
      this.watches.delete(watchId);
      this.metrics.watcher(-1);
    }
  }

  /** Sends a batch of a watch; a grouped watch's events wait for the flush to share a frame. */
  private sendBatch(watchId: number, w: StreamedWatch, batch: WatchBatch): void {
    if (w.grouped && batch.type === 'events') {
      this.grouped.push({ watchId, batch });
      this.outbox.requestFlush();
      return;
    }
    if (w.grouped) this.flushGrouped(); // what the watch sent before goes first
    this.send({ watch: watchId, batch });
  }

  /**
   * Sends the event batches gathered this turn, one frame per distinct batch (same revision,
   * same event objects) for all the watches it goes to: with a thousand watches on one prefix, a
   * put is encoded, sent and decoded once per connection rather than a thousand times. Groups go
   * in revision order, so each watch still sees its batches in order.
   */
  private flushGrouped(): void {
    if (this.grouped.length === 0) return;
    const pending = this.grouped;
    this.grouped = [];
    const groups: { batch: EventsBatch; watches: number[] }[] = [];
    const byRevision = new Map<number, { batch: EventsBatch; watches: number[] }[]>();
    for (const { watchId, batch } of pending) {
      const candidates = byRevision.get(batch.revision);
      let group = candidates?.find((g) => sameEvents(g.batch.events, batch.events));
      if (group === undefined) {
        group = { batch, watches: [] };
        groups.push(group);
        if (candidates === undefined) byRevision.set(batch.revision, [group]);
        else candidates.push(group);
      }
      group.watches.push(watchId);
    }
    groups.sort((a, b) => a.batch.revision - b.batch.revision);
    for (const { batch, watches } of groups) {
      const [only] = watches;
      this.send(watches.length === 1 && only !== undefined ? { watch: only, batch } : { watches, batch });
    }
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private withWatch(args: readonly unknown[], action: (w: StreamedWatch) => void): null {
    const w = this.watches.get(numberArg(args, 0));
    // A watch that already ended is not an error: its end batch is on its way or delivered.
    if (w !== undefined) action(w);
    return null;
  }

  private cancelWatch(w: StreamedWatch): void {
    if (w.canceled) return;
    w.canceled = true;
    void w.iterator.return?.();
    const wake = w.wake;
    w.wake = undefined;
    wake?.();
  }

  /** Encodes and queues a frame for the socket; the outbox counts its bytes until they are written. */
  private send(frame: ServerFrame): void {
    if (this.state === 'closed') return;
    this.outbox.write(encodeFrame(frame));
    this.updateFlow();
  }

  /** Resolves once the socket's unflushed bytes are below the high-water mark (or the session closed). */
  private writable(): Promise<void> | undefined {
    if (this.outbox.unflushed <= this.limits.highWaterBytes || this.state === 'closed') return undefined;
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Pauses reading past the bounds and resumes below half of them; wakes pumps once drained. */
  private updateFlow(): void {
    const { maxInFlight, highWaterBytes } = this.limits;
    const unflushed = this.outbox.unflushed;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) this.wakeAll('idle');
    if (unflushed <= highWaterBytes / 2 && this.drainWaiters.length > 0) this.wakeAll('drain');
    if (this.state !== 'open') return;
    if (!this.readPaused && (this.inFlight >= maxInFlight || unflushed > highWaterBytes)) {
      this.readPaused = true;
      this.ws.pause();
    } else if (this.readPaused && this.inFlight <= maxInFlight / 2 && unflushed <= highWaterBytes / 2) {
      this.readPaused = false;
      this.ws.resume();
    }
  }

  private wakeAll(which: 'idle' | 'drain'): void {
    const waiters = which === 'idle' ? this.idleWaiters : this.drainWaiters;
    if (which === 'idle') this.idleWaiters = [];
    else this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.grouped = [];
    this.outbox.close();
    for (const w of this.watches.values()) this.cancelWatch(w);
    this.wakeAll('drain');
    this.wakeAll('idle');
    this.metrics.connection(-1);
  }
}

/** Credits a watch with the cost its client acknowledged (`[watchId, cost]`), waking its pump. */
function acknowledge(w: StreamedWatch, args: readonly unknown[]): void {
  const cost = numberArg(args, 1);
  if (!Number.isSafeInteger(cost) || cost < 1) throw new ServerError('badRequest', 'cost must be >= 1');
  w.outstanding = Math.max(0, w.outstanding - cost);
  if (w.outstanding < w.window) {
    const wake = w.wake;
    w.wake = undefined;
    wake?.();
  }
}

function toBuffers(data: RawData): Buffer[] {
  if (Array.isArray(data)) return data;
  return [Buffer.from(data as ArrayBuffer)];
}

/** Whether two batches of one revision carry the very same events (the hub shares them). */
function sameEvents(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}
