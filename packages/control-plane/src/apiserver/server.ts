/**
 * The API server: composes the registry, the REST layer, admission, watch caches and the HTTP
 * front over a raft-kv store, listens, keeps the store compacted, and stops cleanly.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KV } from '@bosun/raft-kv';
import { WebSocketServer } from 'ws';
import { ApiError } from './api/errors.js';
import { namespaceLifecycle } from './admission/namespace-lifecycle.js';
import { parseCidr } from './allocators/ipv4.js';
import { apiServerServiceIP, serviceAllocator } from './allocators/service-allocator.js';
import type { ServiceRanges } from './allocators/service-allocator.js';
import { bootstrapCluster, ensureDefaultServiceAccount } from './bootstrap.js';
import { rbacEscalation } from './admission/rbac-escalation.js';
import { limitRanger } from './admission/limit-ranger.js';
import { nodeRestriction } from './admission/node-restriction.js';
import { podSecurity } from './admission/pod-security.js';
import { serviceAccountAdmission } from './admission/service-account.js';
import { resourceQuota } from './admission/resource-quota.js';
import { buildGate, tokenIssuer } from './security.js';
import { AuditLog } from '../audit/index.js';
import { aesGcmTransformer } from './storage/encryption.js';
import type { EncryptionConfig } from './storage/encryption.js';
import type { SecurityOptions } from './security.js';
import { ApiHandler } from './http/handler.js';
import { ApiMetrics } from './http/metrics.js';
import { webSocketSink } from './http/watch.js';
import type { ResourceDefinition } from './registry/definition.js';
import { Registry } from './registry/registry.js';
import { buildResources } from './registry/resources.js';
import { kindBehaviour, patchEngine, decodeProtobuf, openApiV2Document, selectorText } from './wiring.js';
import { Rest } from './rest/rest.js';
import { ObjectStore } from './storage/object-store.js';
import { timedKv } from './storage/timed-kv.js';
import { WatchCache } from './watchcache/cache.js';

/** The Kubernetes version the server reports (kubectl's dispatcher picks its client by the minor). */
export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0' };

/** How to run an API server. */
export interface ApiServerOptions {
  /** The store (embedded or a cluster client). */
  readonly kv: KV;
  /** Where to listen; port 0 picks a free one. Default 127.0.0.1:6443. */
  readonly host?: string;
  readonly port?: number;
  /** The address the `kubernetes` Service's Endpoints point at (default: the listen host). */
  readonly advertiseAddress?: string;
  /** The service CIDR cluster IPs come from (default 10.96.0.0/12). */
  readonly serviceCidr?: string;
  /** The node port range, `30000-32767` by default. */
  readonly nodePortRange?: string;
  /** Requests served at once before 429 (watches excluded). */
  readonly maxInFlight?: { readonly readOnly: number; readonly mutating: number };
  readonly watch?: {
    readonly bookmarkIntervalMs?: number;
    readonly defaultTimeoutMs?: number;
    readonly historySize?: number;
  };
  /** How often the store is compacted to the revision of the previous round (ms; 0: never). Default 5 minutes. */
  readonly compactionIntervalMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly uid?: () => string;
  /** The server's version (git) string. */
  readonly version?: string;
  /**
   * TLS, authentication and authorization. Without it the server speaks plain HTTP and lets
   * every request do everything (`bosun server --insecure-http`, and in-process tests).
   */
  readonly security?: SecurityOptions;
  /**
   * Bounds on slow clients (ms): the request line and headers must arrive within `headers`
   * (checked every second), a body within `body`. Watches and long-running requests are not
   * bounded once their headers are in. Defaults: 60 s each.
   */
  readonly timeouts?: { readonly headers?: number; readonly body?: number };
  /** Where the audit log of mutating requests goes (JSON lines); none when absent. */
  readonly auditLogPath?: string;
  /** Encrypts Secrets at rest with these keys (the first encrypts, all decrypt). */
  readonly encryption?: EncryptionConfig;
}

/** A node port range from `min-max`. */
export function parsePortRange(text: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (m === null || min < 1 || max > 65535 || min > max)
    throw new Error(`invalid port range ${JSON.stringify(text)}: expected min-max within 1-65535`);
  return { min, max };
}

/** A running API server. */
export class ApiServer {
  private readonly caches = new Map<string, WatchCache>();
  private compactTimer: NodeJS.Timeout | undefined;
  private readonly sockets = new Set<Socket>();
  private audit: AuditLog | undefined;

  private constructor(
    private readonly http: Server,
    readonly registry: Registry,
    readonly metrics: ApiMetrics,
    private readonly options: ApiServerOptions,
  ) {}

  /** The base URL clients use: `http://127.0.0.1:6443`. */
  get url(): string {
    const addr = this.http.address() as AddressInfo;
    const scheme = this.options.security === undefined ? 'http' : 'https';
    return `${scheme}://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  /** Starts a server: builds everything, bootstraps the cluster objects and listens. */
  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const now = options.now ?? Date.now;
    const random = options.random ?? Math.random;
    const metrics = new ApiMetrics();
    const kv = timedKv(options.kv, (op, seconds) => metrics.storeLatency.observe({ operation: op }, seconds));
    const secretsTransformer = options.encryption === undefined ? undefined : aesGcmTransformer(options.encryption);
    const store = new ObjectStore(kv, {
      transformers: (def) => (def.group === '' && def.plural === 'secrets' ? secretsTransformer : undefined),
    });
    const audit = options.auditLogPath === undefined ? undefined : await AuditLog.open(options.auditLogPath);
    const registry = new Registry(buildResources(kindBehaviour));
    const ranges: ServiceRanges = {
      serviceCidr: parseCidr(options.serviceCidr ?? '10.96.0.0/12'),
      nodePorts: parsePortRange(options.nodePortRange ?? '30000-32767'),
    };
    const namespaces = registry.kind('Namespace') as ResourceDefinition;
    const lifecycle = namespaceLifecycle(
      async (name) =>
        server.cacheFor(namespaces, store).get(undefined, name) ?? (await store.get(namespaces, undefined, name)),
    );
    const limitRanges = registry.kind('LimitRange') as ResourceDefinition;
    const quotas = registry.kind('ResourceQuota') as ResourceDefinition;
    const serviceAccounts = registry.kind('ServiceAccount') as ResourceDefinition;
    const nodes = registry.kind('Node') as ResourceDefinition;
    // LimitRanges from the watch cache: they change rarely and every pod create reads them.
    const limits = limitRanger((namespace) =>
      Promise.resolve(server.cacheFor(limitRanges, store).list({ namespace, matches: () => true }).items),
    );
    const sources = { now, random, uid: options.uid ?? randomUUID };
    const rest = new Rest({
      store,
      sources,
      patch: patchEngine,
      // As in Kubernetes, namespace lifecycle comes first: a write into a missing namespace is a 404
      // before any other step looks at it. Namespaces come from the watch cache; a miss (one
      // created a moment ago) reads the store.
      mutating: [
        lifecycle,
        serviceAllocator(kv, ranges, random),
        serviceAccountAdmission({
          getServiceAccount: async (namespace, name) =>
            server.cacheFor(serviceAccounts, store).get(namespace, name) ??
            (await store.get(serviceAccounts, namespace, name)),
          random,
        }),
        limits.mutating,
      ],
      validating: [
        podSecurity({
          getNamespace: async (name) =>
            server.cacheFor(namespaces, store).get(undefined, name) ?? (await store.get(namespaces, undefined, name)),
        }),
        nodeRestriction({ getNode: (name) => store.get(nodes, undefined, name) }),
        rbacEscalation(() => (gate === undefined ? undefined : { authorizer: gate.authorizer, rbac: gate.rbac })),
        limits.validating,
        // Last: it joins the write's txn with the quotas' new usage.
        resourceQuota({
          store,
          mayHaveQuotas: (namespace) =>
            server.cacheFor(quotas, store).list({ namespace, matches: () => true }).items.length > 0,
          resource: (group, plural) => registry.resources.find((d) => d.group === group && d.plural === plural),
        }),
      ],
      formatSelector: selectorText,
      // Until the ServiceAccount controller exists, a new namespace gets its `default`
      // ServiceAccount here, before the client hears back (pods in it need one).
      afterCreate: async (def, obj) => {
        if (def.group !== '' || def.kind !== 'Namespace') return;
        await ensureDefaultServiceAccount(rest, registry, obj.metadata.name ?? '');
      },
    });
    // Request lines and headers above 64 KiB get 431 (huge label selectors included).
    const serverOptions = {
      requestTimeout: 0,
      headersTimeout: options.timeouts?.headers ?? 60_000,
      connectionsCheckingInterval: 1_000,
      keepAliveTimeout: 65_000,
      maxHeaderSize: 64 * 1024,
    };
    const tls = options.security?.tls;
    // Client certificates are asked for, not required: tokens and anonymous requests (401 but
    // for the public paths) use the same port; the gate decides.
    const http =
      tls === undefined
        ? createServer(serverOptions)
        : createHttpsServer({
            ...serverOptions,
            cert: tls.cert,
            key: tls.key,
            ca: tls.clientCa,
            requestCert: true,
            rejectUnauthorized: false,
          });
    const server = new ApiServer(http, registry, metrics, options);
    server.audit = audit;
    const gate =
      options.security === undefined
        ? undefined
        : buildGate({
            options: options.security,
            registry,
            store,
            cacheFor: (def) => server.cacheFor(def, store),
            now,
          });
    const handler = new ApiHandler({
      registry,
      rest,
      store,
      cacheFor: (def) => server.cacheFor(def, store),
      metrics,
      protobuf: decodeProtobuf,
      openApiV2: () => openApiV2Document(registry),
      version: {
        ...KUBERNETES_VERSION,
        gitVersion: options.version ?? KUBERNETES_VERSION.gitVersion,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: `node${process.versions.node}`,
        compiler: 'tsc',
        platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
      },
      now,
      watch: {
        bookmarkIntervalMs: options.watch?.bookmarkIntervalMs ?? 60_000,
        defaultTimeoutMs: options.watch?.defaultTimeoutMs ?? 30 * 60_000,
      },
      serverAddress: () => new URL(server.url).host,
      ready: async () => {
        try {
          await store.revision();
          return true;
        } catch {
          return false;
        }
      },
      maxInFlight: options.maxInFlight ?? { readOnly: 800, mutating: 400 },
      bodyTimeoutMs: options.timeouts?.body ?? 60_000,
      ...(audit === undefined ? {} : { audit }),
      ...(options.security?.serviceAccountSigningKey === undefined
        ? {}
        : { issueToken: tokenIssuer(options.security.serviceAccountSigningKey, now) }),
      ...(gate === undefined ? {} : { gate }),
    });
    http.on('request', (req, res) => void handler.handle(req, res));
    http.on('connection', (socket) => {
      server.sockets.add(socket);
      socket.on('close', () => server.sockets.delete(socket));
    });
    const wss = new WebSocketServer({ noServer: true });
    http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.searchParams.get('watch') !== 'true' && url.searchParams.get('watch') !== '1') {
        socket.end(
          'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nonly watches are served over WebSocket\n',
        );
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        handler
          .watchOver(() => webSocketSink(ws), req)
          .catch((err: unknown) => {
            const status = (err instanceof ApiError ? err : new ApiError('InternalError', String(err))).toStatus();
            ws.send(JSON.stringify({ type: 'ERROR', object: status }));
            ws.close(1000);
          });
      });
    });
    http.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // Node's own answers, with the right codes: headers too large, too slow, or malformed.
      const status =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 6443, options.host ?? '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    try {
      const port = (http.address() as AddressInfo).port;
      await bootstrapCluster(
        { rest, registry, store, sources },
        {
          serviceIP: apiServerServiceIP(ranges),
          address: options.advertiseAddress ?? options.host ?? '127.0.0.1',
          port,
        },
      );
      // Every cache starts now, so that its history covers every resourceVersion a client can
      // have seen from this server (an older one gets 410 and relists, as with kube-apiserver).
      await Promise.all(
        registry.resources.filter((def) => !def.virtual).map((def) => server.cacheFor(def, store).start()),
      );
    } catch (err) {
      await server.stop();
      throw err;
    }
    server.startCompaction(store);
    return server;
  }

  /** Stops listening, ends every watch and open connection. */
  async stop(): Promise<void> {
    if (this.compactTimer !== undefined) clearInterval(this.compactTimer);
    for (const cache of this.caches.values()) cache.stop();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    await this.audit?.close();
  }

  private cacheFor(def: ResourceDefinition, store: ObjectStore): WatchCache {
    let cache = this.caches.get(def.key);
    if (cache === undefined) {
      cache = new WatchCache(def, store, { historySize: this.options.watch?.historySize ?? 10_000 });
      this.caches.set(def.key, cache);
      cache.start().catch(() => {
        // The cache retries on its own; requests that need it wait.
      });
    }
    return cache;
  }

  /** Every interval, compacts the store to the revision seen one interval earlier (as kube-apiserver does). */
  private startCompaction(store: ObjectStore): void {
    const interval = this.options.compactionIntervalMs ?? 5 * 60_000;
    if (interval <= 0) return;
    let previous = 0;
    this.compactTimer = setInterval(() => {
      void (async () => {
        try {
          const current = await store.revision();
          if (previous > 0) await store.kv.compact(previous);
          previous = current;
        } catch {
          // A failed round is retried at the next interval.
        }
      })();
    }, interval);
    this.compactTimer.unref();
  }
}
