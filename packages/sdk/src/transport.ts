/**
 * The HTTP(S) transport to one or several API servers (an HA control plane), with keep-alive
 * agents, failover and retries of what is safe to retry.
 *
 * Retry rules: connection errors (refused, reset, timeouts) and 5xx/429 answers move to the next
 * server after a back-off, for GET/HEAD (and so watches) always; for POST/PUT/PATCH/DELETE only
 * when the connection was refused before anything was sent, or when the caller marks the request
 * idempotent. Retry-After is honoured. Retries stop at an overall deadline. The last server that
 * answered is tried first by the next request.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ApiStatusError, TransportError } from './errors.js';

/** How to reach the API servers. */
export interface TransportOptions {
  /** Base URLs of the API servers (`https://10.0.0.1:6443`); at least one. */
  servers: readonly string[];
  /** PEM of the certificate authority that signs the servers' certificates. */
  ca?: string | Buffer;
  /** PEM of the client certificate and key. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** A bearer token. */
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** Per attempt: how long to wait for an answer (ms, default 30 s; for streams, for the headers). */
  timeoutMs?: number;
  /** Overall: how long to keep retrying one request (ms, default 30 s). */
  deadlineMs?: number;
  /** Back-off between rounds over the servers (ms): initial, doubling up to max. Default 100 and 5000. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Injected for tests: waits `ms` (rejecting when `signal` aborts). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected for tests: the clock (ms). */
  now?: () => number;
  userAgent?: string;
}

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** One request. */
export interface RequestOptions {
  method: string;
  /** The path below the server's base URL: `/api/v1/pods`. */
  path: string;
  query?: Query;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  /** Default `application/json`. */
  accept?: string;
  signal?: AbortSignal;
  /** Overrides {@link TransportOptions.timeoutMs} for this request. */
  timeoutMs?: number;
  /** The caller knows this request is safe to repeat (retried like a GET). */
  idempotent?: boolean;
  /** Retry 5xx/429 answers where the method allows (default true). */
  retryOnStatus?: boolean;
}

/** A complete answer. */
export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The server that answered. */
  server: string;
}

/** The default sleep: a timer that rejects when `signal` aborts. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why one attempt failed before an answer. */
interface AttemptError {
  error: Error;
  /** Whether any byte of the request may have reached the server. */
  sent: boolean;
  /** Whether another attempt may succeed (a connection error, not a TLS or protocol error). */
  transient: boolean;
}

/** Node error codes that mean "could not reach this server". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** An HTTP(S) client for a set of API servers, with failover. */
export class Transport {
  /** The servers, in configured order. */
  readonly servers: readonly string[];
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  /** Invariant: 0 <= preferred < servers.length. */
  private preferred = 0;

  constructor(private readonly options: TransportOptions) {
    if (options.servers.length === 0) throw new Error('Transport: at least one server is required');
    this.servers = options.servers.map((s) => s.replace(/\/+$/, ''));
    for (const s of this.servers) new URL(s); // throws on a malformed URL
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.cert === undefined ? {} : { cert: options.cert }),
      ...(options.key === undefined ? {} : { key: options.key }),
      rejectUnauthorized: options.insecureSkipTLSVerify !== true,
    });
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  /** The server the next request goes to first (the last one that answered). */
  get currentServer(): string {
    return this.servers[this.preferred] as string;
  }

  /** Sends a request and reads the whole answer; error statuses are returned, not thrown. */
  async request(options: RequestOptions): Promise<TransportResponse> {
    return this.withRetries(options, async (server, attemptOptions) => {
      const res = await this.attempt(server, attemptOptions, false);
      const body = await readAll(res, attemptOptions);
      return { status: res.statusCode ?? 0, headers: res.headers, body, server };
    });
  }

  /**
   * Sends a request and returns the answer's body as a stream once a 2xx status arrives (for
   * watches and logs). An error status after retries throws {@link ApiStatusError}.
   */
  async stream(options: RequestOptions): Promise<IncomingMessage> {
    const res = await this.withRetries<TransportResponse & { msg?: IncomingMessage }>(
      options,
      async (server, attemptOptions) => {
        const msg = await this.attempt(server, attemptOptions, true);
        const status = msg.statusCode ?? 0;
        if (status < 300) return { status, headers: msg.headers, msg, body: Buffer.alloc(0), server };
        const body = await readAll(msg, attemptOptions);
        return { status, headers: msg.headers, body, server };
      },
    );
    if (res.msg !== undefined) return res.msg;
    throw ApiStatusError.fromResponse(res.status, res.body);
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async withRetries<R extends { status: number; headers: IncomingHttpHeaders; server: string }>(
    options: RequestOptions,
    once: (server: string, options: RequestOptions) => Promise<R>,
  ): Promise<R> {
    const method = options.method.toUpperCase();
    const safe = method === 'GET' || method === 'HEAD' || options.idempotent === true;
    const deadline = this.now() + (this.options.deadlineMs ?? 30_000);
    const n = this.servers.length;
    const start = this.preferred;
    let lastError: Error | undefined;
    for (let attempt = 0; ; attempt++) {
      const index = (start + attempt) % n;
      const server = this.servers[index] as string;
      let retryAfterMs = 0;
      try {
        const r = await once(server, options);
        const retriableStatus = r.status >= 500 || r.status === 429;
        if (!retriableStatus || !safe || options.retryOnStatus === false) {
          if (!retriableStatus) this.preferred = index;
          return r;
        }
        retryAfterMs = parseRetryAfter(r.headers['retry-after'], this.now());
        const delay = this.delayBefore(attempt + 1, retryAfterMs);
        if (this.now() + delay > deadline) return r;
        lastError = new Error(`${server} answered ${r.status}`);
      } catch (err) {
        const failure = err as AttemptError | Error;
        if (!('sent' in failure)) throw failure;
        if (options.signal?.aborted === true) {
          throw new TransportError('Aborted', `request ${method} ${options.path} aborted`, {
            server,
            cause: failure.error,
          });
        }
        if (failure.sent && !safe) {
          throw new TransportError(
            'NotRetried',
            `${method} ${options.path} to ${server} failed after it was sent (${failure.error.message}); not retried`,
            { server, cause: failure.error },
          );
        }
        lastError = failure.error;
        if (!failure.transient) {
          throw new TransportError(
            'Unavailable',
            `${method} ${options.path} to ${server} failed: ${failure.error.message}`,
            {
              server,
              cause: failure.error,
            },
          );
        }
        if (this.now() + this.delayBefore(attempt + 1, 0) > deadline) {
          throw new TransportError(
            'Unavailable',
            `no API server answered ${method} ${options.path} (tried ${this.servers.join(', ')}): ${failure.error.message}`,
            { server, cause: failure.error },
          );
        }
      }
      const delay = this.delayBefore(attempt + 1, retryAfterMs);
      try {
        if (delay > 0) await this.sleep(delay, options.signal);
      } catch (err) {
        throw new TransportError('Aborted', `request ${method} ${options.path} aborted`, { server, cause: err });
      }
      if (this.now() > deadline) {
        throw new TransportError('DeadlineExceeded', `${method} ${options.path}: deadline passed`, {
          server,
          ...(lastError === undefined ? {} : { cause: lastError }),
        });
      }
    }
  }

  /** The wait before attempt `attempt` (1-based retry count): a back-off at the start of each round over the servers. */
  private delayBefore(attempt: number, retryAfterMs: number): number {
    const n = this.servers.length;
    const initial = this.options.backoff?.initialMs ?? 100;
    const max = this.options.backoff?.maxMs ?? 5_000;
    const round = Math.floor(attempt / n);
    const backoff = attempt % n === 0 ? Math.min(max, initial * 2 ** Math.max(0, round - 1)) : 0;
    return Math.max(backoff, retryAfterMs);
  }

  /** One attempt against one server: resolves with the answer's headers, rejects with an {@link AttemptError}. */
  private attempt(server: string, options: RequestOptions, streaming: boolean): Promise<IncomingMessage> {
    const base = new URL(server);
    const url = new URL(base.pathname.replace(/\/+$/, '') + options.path, base);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload =
        typeof options.body === 'string'
          ? Buffer.from(options.body)
          : Buffer.isBuffer(options.body)
            ? options.body
            : Buffer.from(JSON.stringify(options.body));
    }
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    if (this.options.token !== undefined) headers.Authorization = `Bearer ${this.options.token}`;
    headers['User-Agent'] = this.options.userAgent ?? 'bosun-sdk';
    const isHttps = url.protocol === 'https:';
    const lib = isHttps ? https : http;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    return new Promise<IncomingMessage>((resolve, reject) => {
      let connected = false;
      let settled = false;
      const req = lib.request(url, {
        method: options.method.toUpperCase(),
        headers,
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const code = (error as NodeJS.ErrnoException).code ?? '';
        // A pooled keep-alive connection the server had already closed (it restarted, or its
        // idle timeout passed) fails at once with a reset and no answer: the server never read
        // the request, so it counts as not sent (Go's transport retries errServerClosedIdle
        // alike). Anything that got an answer, or a fresh connection, counts as sent.
        const staleIdle = req.reusedSocket && (code === 'ECONNRESET' || error.message === 'socket hang up');
        const sent = connected && code !== 'ECONNREFUSED' && !staleIdle;
        reject({ error, sent, transient: CONNECTION_CODES.has(code) } satisfies AttemptError);
      };
      const timer = setTimeout(() => {
        const e = new Error(`no answer from ${server} within ${timeoutMs} ms`) as NodeJS.ErrnoException;
        e.code = 'ETIMEDOUT';
        fail(e);
        req.destroy(e); // also cuts short a body still arriving
      }, timeoutMs);
      req.on('socket', (socket) => {
        if (req.reusedSocket || !socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      req.on('error', (err: NodeJS.ErrnoException) => fail(err));
      req.on('response', (res) => {
        if (settled) {
          res.resume();
          return;
        }
        settled = true;
        if (streaming) clearTimeout(timer);
        else {
          res.once('end', () => clearTimeout(timer));
          res.once('close', () => clearTimeout(timer));
        }
        resolve(res);
      });
      req.end(payload);
    });
  }
}

function readAll(res: IncomingMessage, options: RequestOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', (error) => reject({ error, sent: true, transient: true } satisfies AttemptError));
    res.once('aborted', () =>
      reject({ error: new Error(`${options.method} ${options.path}: answer cut short`), sent: true, transient: true }),
    );
  });
}

/** Retry-After in ms (seconds or an HTTP date); 0 when absent. */
function parseRetryAfter(value: string | string[] | undefined, now: number): number {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '') return 0;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? 0 : Math.max(0, at - now);
}
