/**
 * One WebSocket to one member: calls multiplexed by id, watch frames routed to their sinks by
 * watch id. It never retries or reconnects; when the socket goes, every call in flight fails
 * with `unavailable` (outcome unknown for writes) and every watch sink is told.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { RawData } from 'ws';
import { MvccError } from '../mvcc/errors.js';
import { Outbox, framesOf } from '../server/outbox.js';
import { decodeFrame, encodeFrame, parseServerFrame } from '../server/protocol.js';
import type { KvMethod, WatchFrame } from '../server/protocol.js';
import { ClientError, fromWireError } from './errors.js';

/** How a {@link Connection} is opened. */
export interface ConnectionOptions {
  readonly token?: string;
  /** The largest frame the client sends; larger requests fail with MVCC `requestTooLarge`. */
  readonly maxRequestBytes: number;
  /** The largest frame the client accepts. */
  readonly maxResponseBytes: number;
  /** How often the member is pinged; a connection whose last ping went unanswered is dropped. */
  readonly pingIntervalMs: number;
}

/** Requests sent in one turn leave as one message of at most this many bytes (unless one is larger). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Receives the frames of one watch, and the loss of the connection. */
export interface WatchSink {
  frame(frame: WatchFrame): void;
  lost(connection: Connection): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
  /** Whether losing the answer leaves the outcome unknown (a write). */
  readonly mayWrite: boolean;
}

/** Where a connection stands. */
export type ConnectionState = 'open' | 'closed';

/** A connection to one endpoint. */
export class Connection {
  private state: ConnectionState = 'open';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly sinks = new Map<number, WatchSink>();
  private readonly closeListeners: ((c: Connection) => void)[] = [];
  private readonly pinger: NodeJS.Timeout;
  private answeredPing = true;
  private readonly outbox: Outbox;

  private constructor(
    readonly endpoint: string,
    private readonly ws: WebSocket,
    private readonly options: ConnectionOptions,
  ) {
    ws.on('message', (data: RawData) => this.onMessage(data));
    ws.on('close', () => this.onClose());
    ws.on('error', () => {
      // 'close' follows.
    });
    ws.on('pong', () => (this.answeredPing = true));
    this.outbox = new Outbox((data, written) => ws.send(data, { binary: true }, written), MAX_MESSAGE_BYTES);
    this.pinger = setInterval(() => this.ping(), options.pingIntervalMs);
    this.pinger.unref();
  }

  /** Opens a connection to `endpoint` (a ws:// URL), failing with `unavailable` by `deadline` (performance.now()). */
  static open(endpoint: string, options: ConnectionOptions, deadline: number): Promise<Connection> {
    const timeout = Math.max(1, deadline - performance.now());
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(endpoint, {
        maxPayload: options.maxResponseBytes,
        handshakeTimeout: timeout,
        perMessageDeflate: false,
        ...(options.token !== undefined ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
      });
      const fail = (error: Error) => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(error);
      };
      ws.once('unexpected-response', (_req, res) => {
        const code = res.statusCode === 401 ? 'unauthenticated' : 'unavailable';
        fail(new ClientError(code, `${endpoint} answered HTTP ${res.statusCode ?? '?'}`, { endpoint }));
      });
      ws.once('error', (e) =>
        fail(new ClientError('unavailable', `${endpoint}: ${e.message}`, { endpoint, cause: e })),
      );
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve(new Connection(endpoint, ws, options));
      });
    });
  }

  /** Whether the socket is still open. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Whether calls or watches use this connection. */
  get inUse(): boolean {
    return this.pending.size > 0 || this.sinks.size > 0;
  }

  /**
   * Calls `method`; rejects with the member's typed error, or with `timeout` at `deadline`
   * (performance.now()), or `unavailable` if the connection goes. `mayWrite` marks a request
   * whose loss leaves its outcome unknown.
   */
  call(method: KvMethod, args: readonly unknown[], deadline: number, mayWrite: boolean): Promise<unknown> {
    if (this.state !== 'open') {
      return Promise.reject(new ClientError('unavailable', `${this.endpoint} is closed`, { endpoint: this.endpoint }));
    }
    const id = this.nextId++;
    const data = encodeFrame({ id, method, args });
    if (data.length > this.options.maxRequestBytes) {
      return Promise.reject(
        new MvccError('requestTooLarge', `${data.length} bytes > ${this.options.maxRequestBytes} (frame limit)`),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(id);
          reject(
            new ClientError('timeout', `${method} to ${this.endpoint}`, {
              endpoint: this.endpoint,
              outcomeUnknown: mayWrite,
            }),
          );
        },
        Math.max(0, deadline - performance.now()),
      );
      this.pending.set(id, { resolve, reject, timer, mayWrite });
      this.outbox.write(data);
    });
  }

  /** Routes the frames of watch `watchId` to `sink` until {@link removeWatch}. */
  addWatch(watchId: number, sink: WatchSink): void {
    this.sinks.set(watchId, sink);
  }

  /** Stops routing frames of watch `watchId`. */
  removeWatch(watchId: number): void {
    this.sinks.delete(watchId);
  }

  /** Listens for the connection going away. */
  onClosed(listener: (c: Connection) => void): void {
    if (this.state === 'closed') listener(this);
    else this.closeListeners.push(listener);
  }

  /** Closes the socket; calls in flight fail as if the connection were lost. */
  close(): void {
    if (this.state === 'closed') return;
    this.ws.close(1000);
    // Without waiting for the closing handshake: what is in flight fails now.
    this.onClose();
    this.ws.terminate();
  }

  private ping(): void {
    if (!this.answeredPing) {
      this.ws.terminate();
      return;
    }
    this.answeredPing = false;
    this.ws.ping();
  }

  private onMessage(data: RawData): void {
    let frames: readonly unknown[];
    try {
      frames = framesOf(decodeFrame(data as Buffer));
    } catch {
      frames = [undefined];
    }
    for (const value of frames) {
      const frame = parseServerFrame(value);
      if (frame === undefined) {
        this.ws.terminate();
        return;
      }
      if ('watch' in frame) {
        this.sinks.get(frame.watch)?.frame(frame);
        continue;
      }
      const call = this.pending.get(frame.id);
      if (call === undefined) continue; // timed out already
      this.pending.delete(frame.id);
      clearTimeout(call.timer);
      if ('error' in frame) call.reject(fromWireError(frame.error, this.endpoint));
      else call.resolve(frame.result);
    }
  }

  private onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.outbox.close();
    clearInterval(this.pinger);
    for (const call of this.pending.values()) {
      clearTimeout(call.timer);
      call.reject(
        new ClientError('unavailable', `connection to ${this.endpoint} lost`, {
          endpoint: this.endpoint,
          outcomeUnknown: call.mayWrite,
        }),
      );
    }
    this.pending.clear();
    const sinks = [...this.sinks.values()];
    this.sinks.clear();
    for (const sink of sinks) sink.lost(this);
    for (const listener of this.closeListeners.splice(0)) listener(this);
  }
}
