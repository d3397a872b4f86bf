/**
 * A member's client-facing HTTP server: the KV protocol over WebSocket on one path
 * (`/kv` by default), `GET /health` and `GET /metrics` beside it. It wraps any {@link KV}
 * (normally the member's local {@link Store}). With {@link KvServerTls} all of it is served
 * over TLS (wss:// and https://), optionally only to clients with a certificate from a CA.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer, ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ClusterAdmin } from '../store/admin.js';
import type { KV } from '../store/kv.js';
import { runHealthCheck, statusHealthCheck } from './health.js';
import type { HealthCheck } from './health.js';
import { KvMetrics } from './metrics.js';
import type { MemberGaugeSource, MemberGauges } from './metrics.js';
import { DEFAULT_KV_PATH } from './protocol.js';
import { Session } from './session.js';
import type { SessionLimits } from './session.js';

/**
 * The TLS material of a client server, as etcd's `--cert-file`, `--key-file`,
 * `--trusted-ca-file` and `--client-cert-auth` give it (PEM).
 * Invariant: `clientCertAuth` only with a `ca`.
 */
export interface KvServerTls {
  /** The server's certificate (with its chain, if any). */
  readonly cert: string | Buffer;
  /** The server's private key. */
  readonly key: string | Buffer;
  /** The CA that signs client certificates (needed by `clientCertAuth`). */
  readonly ca?: string | Buffer;
  /** Refuse, in the TLS handshake, every client without a certificate signed by `ca`. */
  readonly clientCertAuth?: boolean;
}

/** How to start a {@link KvServer}. */
export interface KvServerOptions {
  /** The store to serve. Close the server before the store: it ends the watches it streams. */
  readonly kv: KV;
  /** Cluster administration (member list/add/remove/promote, move-leader, snapshot), if a member. */
  readonly admin?: ClusterAdmin;
  /** The address to listen on (127.0.0.1 by default). */
  readonly host?: string;
  /** The port to listen on (0, any free port, by default). */
  readonly port?: number;
  /** Where the protocol is served ({@link DEFAULT_KV_PATH} by default). */
  readonly path?: string;
  /** Decides `GET /health`; by default, from `kv.status()` (see {@link statusHealthCheck}). */
  readonly health?: HealthCheck;
  /** How long `GET /health` waits for a verdict before answering unhealthy (ms; 2 000 by default). */
  readonly healthTimeoutMs?: number;
  /** The member gauges of `GET /metrics`; by default the Raft indexes and term from `kv.status()`. */
  readonly member?: MemberGaugeSource;
  /** Accepts a connection's bearer token (from `Authorization: Bearer ...`); every one if absent. */
  readonly authorize?: (token: string | undefined) => boolean;
  /** The largest frame a client may send (8 MiB by default: above the store's request limit). */
  readonly maxPayloadBytes?: number;
  /** The bounds of each connection (in flight, unflushed bytes, watches, message size). */
  readonly limits?: Partial<SessionLimits>;
  /** How long `close()` waits for requests in flight and sockets to close (2 s by default). */
  readonly closeGraceMs?: number;
  /** How often idle clients are pinged; one that missed the last ping is dropped (30 s by default). */
  readonly pingIntervalMs?: number;
  /** Serve over TLS (wss://, https://) instead of plain WebSocket and HTTP. */
  readonly tls?: KvServerTls;
}

const DEFAULT_LIMITS: SessionLimits = {
  maxInFlight: 1024,
  highWaterBytes: 4 * 1024 * 1024,
  maxWatches: 1024,
  maxMessageBytes: 1024 * 1024,
};

/** A running KV server. */
export class KvServer {
  private readonly sessions = new Set<Session>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly http: HttpServer | HttpsServer,
    private readonly wss: WebSocketServer,
    /** The server's metrics; the owner reports fsync and apply durations here. */
    readonly metrics: KvMetrics,
    private readonly options: KvServerOptions,
    private readonly pinger: NodeJS.Timeout,
  ) {}

  /** Starts a server and resolves once it listens. */
  static async start(options: KvServerOptions): Promise<KvServer> {
    const metrics = new KvMetrics(options.member ?? statusGauges(options.kv));
    const health = options.health ?? statusHealthCheck(options.kv);
    const healthTimeoutMs = options.healthTimeoutMs ?? 2_000;
    const answer = (req: IncomingMessage, res: ServerResponse) =>
      void answerHttp(req, res, { metrics, health, healthTimeoutMs });
    const http =
      options.tls === undefined ? createServer(answer) : createHttpsServer(httpsOptions(options.tls), answer);
    const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 8 * 1024 * 1024 });
    const alive = new WeakSet<object>();
    const pinger = setInterval(() => {
      for (const ws of wss.clients) {
        if (!alive.has(ws)) ws.terminate();
        else {
          alive.delete(ws);
          ws.ping();
        }
      }
    }, options.pingIntervalMs ?? 30_000);
    pinger.unref();
    const server = new KvServer(http, wss, metrics, options, pinger);
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      if (pathOf(req) !== (options.path ?? DEFAULT_KV_PATH)) return refuse(socket, 404, 'Not Found');
      if (server.closing !== undefined) return refuse(socket, 503, 'Service Unavailable');
      if (options.authorize !== undefined && !options.authorize(bearerToken(req))) {
        return refuse(socket, 401, 'Unauthorized');
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
        const session = new Session(ws, options.kv, limits, metrics, options.admin);
        server.sessions.add(session);
        ws.once('close', () => server.sessions.delete(session));
      });
    });
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          http.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      clearInterval(pinger);
      wss.close();
      throw e;
    }
    return server;
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The endpoint clients connect to (`ws://host:port/kv`, or `wss://` with TLS). */
  get url(): string {
    const { address, family } = this.http.address() as AddressInfo;
    const host = family === 'IPv6' ? `[${address}]` : address;
    return `${this.options.tls === undefined ? 'ws' : 'wss'}://${host}:${this.port}${this.options.path ?? DEFAULT_KV_PATH}`;
  }

  /** Stops accepting, lets requests in flight finish (within the grace), ends watches, closes every socket. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.pinger);
    const listening = new Promise<void>((resolve) => this.http.close(() => resolve()));
    const grace = this.options.closeGraceMs ?? 2_000;
    await Promise.all([...this.sessions].map((s) => s.drain(grace)));
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await listening;
  }
}

/** Starts a KV server (see {@link KvServerOptions}). */
export function startKvServer(options: KvServerOptions): Promise<KvServer> {
  return KvServer.start(options);
}

/** The options of the https server: with `clientCertAuth`, a handshake without a certificate from `ca` fails. */
function httpsOptions(tls: KvServerTls): HttpsServerOptions {
  const clientCertAuth = tls.clientCertAuth === true;
  if (clientCertAuth && tls.ca === undefined)
    throw new Error('TLS clientCertAuth needs the CA that signs client certificates');
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    requestCert: clientCertAuth,
    rejectUnauthorized: clientCertAuth,
  };
}

/** The default member gauges: what the store's status tells. */
function statusGauges(kv: KV): MemberGaugeSource {
  return async (): Promise<MemberGauges> => {
    const s = await kv.status();
    return { appliedIndex: s.raftAppliedIndex, commitIndex: s.raftIndex, term: s.raftTerm };
  };
}

/** Answers the plain HTTP endpoints. */
async function answerHttp(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { metrics: KvMetrics; health: HealthCheck; healthTimeoutMs: number },
): Promise<void> {
  const path = pathOf(req);
  try {
    if (req.method === 'GET' && path === '/health') {
      const report = await runHealthCheck(ctx.health, ctx.healthTimeoutMs);
      const body = report.healthy ? { health: 'true' } : { health: 'false', reason: report.reason ?? 'unhealthy' };
      res.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    } else if (req.method === 'GET' && path === '/metrics') {
      const text = await ctx.metrics.text();
      res.writeHead(200, { 'content-type': ctx.metrics.contentType });
      res.end(text);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  } catch (e) {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`${e instanceof Error ? e.message : String(e)}\n`);
  }
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m?.[1];
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
