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

/**
 * The TLS material of a client, as etcdctl's `--cacert`, `--cert` and `--key` give it (PEM).
 * Invariant: `cert` and `key` come together.
 */
export interface ClientTls {
  /** The CA that signed the members' certificates (the system's CAs if absent). */
  readonly ca?: string | Buffer;
  /** The client certificate, for members that require one (etcd's `--client-cert-auth`). */
  readonly cert?: string | Buffer;
  /** The client certificate's private key. */
  readonly key?: string | Buffer;
  /** The name the members' certificates are checked against (the endpoint's host by default). */
  readonly servername?: string;
}

/** How a {@link Connection} is opened. */
export interface ConnectionOptions {
  readonly token?: string;
  /** Used for wss:// endpoints. */
  readonly tls?: ClientTls;
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

  /**
   * Opens a connection to `endpoint` (a ws:// or wss:// URL), failing by `deadline`
   * (performance.now()) with `unavailable`, or with `unauthenticated` when the member refuses
   * the token or a TLS certificate check fails on either side (see {@link tlsFailure}).
   */
  static open(endpoint: string, options: ConnectionOptions, deadline: number): Promise<Connection> {
    const timeout = Math.max(1, deadline - performance.now());
    const tls = options.tls ?? {};
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(endpoint, {
        maxPayload: options.maxResponseBytes,
        handshakeTimeout: timeout,
        perMessageDeflate: false,
        ...(options.token !== undefined ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
        ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
        ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
        ...(tls.key !== undefined ? { key: tls.key } : {}),
        ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
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
      ws.once('error', (e) => fail(openFailure(endpoint, e, tls)));
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
      if ('watches' in frame) {
        for (const watch of frame.watches) this.sinks.get(watch)?.frame({ watch, batch: frame.batch });
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

/** OpenSSL's verdicts on a member's certificate that no retry changes (Node's `error.code`). */
const UNTRUSTED_CERTIFICATE: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Why a connection failed its TLS certificate checks, in words, or undefined for any other
 * failure: the member's certificate is not trusted here, or the member refused the client's
 * certificate (or its absence) with a TLS alert. Both are configuration errors that no retry
 * changes. (A member that rejects a client certificate from another CA closes the connection
 * without an alert: that one is seen as a hang-up, see {@link openFailure}.)
 */
function tlsFailure(error: Error): string | undefined {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return `the member's TLS certificate is not trusted (${oneLine(error)}); is the CA that signed it configured?`;
  }
  if (/^ERR_SSL_.*ALERT_(CERTIFICATE|BAD_CERTIFICATE|UNKNOWN_CA|UNSUPPORTED_CERTIFICATE)/.test(code)) {
    return `the member refused the TLS handshake (${oneLine(error)}); it requires a client certificate signed by its CA`;
  }
  return undefined;
}

/** An error's message on one line: of an OpenSSL error (`...:error:0A00010B:SSL routines:func:reason:file:line:`), its reason. */
function oneLine(error: Error): string {
  const reason = (error as { reason?: unknown }).reason;
  if (typeof reason === 'string') return reason;
  const openssl = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+)/.exec(error.message);
  return openssl?.[1] ?? error.message.split('\n')[0] ?? '';
}

/** The error of a connection that did not open: `unauthenticated` for a TLS refusal, else `unavailable`. */
function openFailure(endpoint: string, error: Error, tls: ClientTls): ClientError {
  const refused = tlsFailure(error);
  if (refused !== undefined) {
    return new ClientError('unauthenticated', `${endpoint}: ${refused}`, { endpoint, cause: error });
  }
  const code = (error as NodeJS.ErrnoException).code;
  const secure = endpoint.startsWith('wss:');
  let hint = '';
  if (error.message === 'socket hang up') {
    if (secure && tls.cert !== undefined) hint = ' (did the member refuse the client certificate? its CA must sign it)';
    if (!secure) hint = ' (does the member serve TLS? then use https:// or wss://)';
  } else if (secure && (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(error.message))) {
    hint = ' (does the member serve plain http? then use http:// or ws://)';
  }
  return new ClientError('unavailable', `${endpoint}: ${oneLine(error)}${hint}`, { endpoint, cause: error });
}
