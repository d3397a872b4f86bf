/**
 * The HTTP front of the API server: routes each request to discovery, OpenAPI, health, metrics
 * or a resource verb, negotiates the representation (JSON or Table), and turns every failure
 * into a Kubernetes Status. Resource verbs go to the REST layer; lists at a resourceVersion
 * and all watches go to the resource's watch cache.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../../auth/user.js';
import type { AuditLog } from '../../audit/index.js';
import { attributesFor } from '../../authz/attributes.js';
import { forbiddenForRequest } from '../../authz/messages.js';
import {
  evaluateLocalSubjectAccessReview,
  evaluateSelfSubjectAccessReview,
  evaluateSubjectAccessReview,
} from '../../authz/review.js';
import { ApiError } from '../api/errors.js';
import { ANONYMOUS } from '../security.js';
import type { Gate } from '../security.js';
import type { KubeObject } from '../api/types.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersion,
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from '../discovery/discovery.js';
import { openApiV3Document, openApiV3Root } from '../openapi/v3.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { groupVersion } from '../registry/definition.js';
import type { Registry } from '../registry/registry.js';
import type { Rest } from '../rest/rest.js';
import type { DeleteOptions, FieldValidation, WriteOptions, WriteResult } from '../rest/types.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { WatchCache } from '../watchcache/cache.js';
import type { Rendering } from './accept.js';
import { negotiate } from './accept.js';
import type { ProtobufDecoder } from './body.js';
import { decodeObject, decodePatch, mediaType, parseJson, patchTypeOf, readBody } from './body.js';
import { duplicateFields } from './duplicates.js';
import { runList } from './list.js';
import type { ApiMetrics } from './metrics.js';
import type { ResourceTarget } from './path.js';
import { parsePath } from './path.js';
import { buildFilter, parseListQuery } from './query.js';
import { jsonOf, sendError, sendJson, sendJsonText, warningHeaders } from './respond.js';
import { tableContentType, toTable } from './table.js';
import type { WatchServeOptions, WatchSink } from './watch.js';
import { httpSink, serveWatch } from './watch.js';

/** What the handler needs. */
export interface HandlerDeps {
  readonly registry: Registry;
  readonly rest: Rest;
  readonly store: ObjectStore;
  readonly cacheFor: (def: ResourceDefinition) => WatchCache;
  readonly metrics: ApiMetrics;
  readonly protobuf: ProtobufDecoder;
  readonly openApiV2: () => Uint8Array;
  readonly version: object;
  readonly now: () => number;
  readonly watch: Omit<WatchServeOptions, 'now' | 'onOpen' | 'onClose'>;
  /** host:port clients reach this server at (for /api's serverAddressByClientCIDRs). */
  readonly serverAddress: () => string;
  /** Whether the store answers (for /readyz). */
  readonly ready: () => Promise<boolean>;
  readonly maxInFlight: { readonly readOnly: number; readonly mutating: number };
  /** How long a request body may take to arrive (ms). */
  readonly bodyTimeoutMs: number;
  /** The audit log of mutating requests, when one is configured. */
  readonly audit?: AuditLog;
  /** Issues ServiceAccount tokens (the `token` subresource); absent without a signing key. */
  readonly issueToken?: (
    serviceAccount: KubeObject,
    request: TokenRequestSpec,
  ) => { token: string; expirationTimestamp: string };
  /** Authentication and authorization; absent on an insecure server (everyone may do everything). */
  readonly gate?: Gate;
}

/** Subresources that need a node agent, which answers them in a later release. */
const AGENT_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

/** The API server's request handler. */
export class ApiHandler {
  private inFlight = { readOnly: 0, mutating: 0 };

  constructor(private readonly deps: HandlerDeps) {}

  /** Handles one HTTP request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const receivedAt = this.deps.now();
    const url = splitUrl(req.url ?? '/');
    const method = req.method ?? 'GET';
    const target = parsePath(url.pathname);
    let verb = method.toLowerCase();
    let resource = '';
    let subresource = '';
    let longRunning = false;
    let code: number | undefined;
    const kind = method === 'GET' || method === 'HEAD' ? 'readOnly' : 'mutating';
    let counted = false;
    let user: UserInfo | undefined;
    try {
      user = await this.admit(req, method, url, target);
      if (target.type === 'resource') {
        resource = target.target.resource;
        subresource = target.target.subresource;
        verb = verbOf(method, target.target, url.searchParams);
        longRunning = verb === 'watch' || AGENT_SUBRESOURCES.has(subresource);
        if (!longRunning) {
          if (this.inFlight[kind] >= this.deps.maxInFlight[kind]) {
            this.deps.metrics.rejected.inc({ request_kind: kind });
            throw new ApiError('TooManyRequests', 'Too many requests, please try again later.', {
              retryAfterSeconds: 1,
            });
          }
          this.inFlight[kind]++;
          counted = true;
          this.deps.metrics.inFlight.set({ request_kind: kind }, this.inFlight[kind]);
        }
        code = await this.resource(req, res, { target: target.target, verb, params: url.searchParams, user });
      } else {
        code = await this.nonResource(req, res, target, url);
      }
    } catch (err) {
      code = sendError(res, err);
    } finally {
      if (counted) {
        this.inFlight[kind]--;
        this.deps.metrics.inFlight.set({ request_kind: kind }, this.inFlight[kind]);
      }
      this.deps.metrics.requests.inc({ verb: verb.toUpperCase(), resource, subresource, code: String(code ?? 0) });
      this.deps.audit?.record({
        requestURI: req.url ?? '/',
        verb,
        user,
        sourceIPs: [req.socket.remoteAddress ?? ''],
        userAgent: req.headers['user-agent'] ?? '',
        ...(target.type === 'resource' ? { target: target.target } : {}),
        code: code ?? 0,
        receivedAtMs: receivedAt,
      });
      if (!longRunning) {
        this.deps.metrics.latency.observe(
          { verb: verb.toUpperCase(), resource },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      }
    }
  }

  /** Serves a watch over an already-upgraded connection (WebSocket). */
  async watchOver(sink: () => WatchSink, req: IncomingMessage): Promise<void> {
    const url = splitUrl(req.url ?? '/');
    const path = url.pathname;
    const search = url.searchParams;
    const target = parsePath(path);
    await this.admit(req, 'GET', url, target);
    if (target.type !== 'resource' || target.target.name !== undefined)
      throw ApiError.badRequest('only collections can be watched over a WebSocket');
    const def = this.definition(target.target);
    const query = parseListQuery(search);
    const filter = buildFilter(def, target.target.namespace, query);
    await serveWatch(sink, def, query, filter, this.deps.cacheFor(def), { type: 'json' }, this.watchOptions(def));
  }

  private async nonResource(
    req: IncomingMessage,
    res: ServerResponse,
    target: ReturnType<typeof parsePath>,
    url: RequestUrl,
  ): Promise<number> {
    const { registry } = this.deps;
    const accept = req.headers.accept;
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
    switch (target.type) {
      case 'api': {
        const v = aggregatedVersion(accept);
        if (v !== undefined) sendJson(res, 200, aggregatedDiscovery(registry, v, true), aggregatedContentType(v));
        else sendJson(res, 200, apiVersions(this.deps.serverAddress()));
        return 200;
      }
      case 'apis': {
        const v = aggregatedVersion(accept);
        if (v !== undefined) sendJson(res, 200, aggregatedDiscovery(registry, v, false), aggregatedContentType(v));
        else sendJson(res, 200, apiGroupList(registry));
        return 200;
      }
      case 'group': {
        const doc = apiGroupDoc(registry, target.group);
        if (doc === undefined) throw notFoundPath();
        sendJson(res, 200, doc);
        return 200;
      }
      case 'groupVersion': {
        const doc = apiResourceList(registry, target.group, target.version);
        if (doc === undefined) throw notFoundPath();
        sendJson(res, 200, doc);
        return 200;
      }
      case 'resource':
        throw notFoundPath();
      case 'other':
        return this.other(res, target.path, url);
    }
  }

  private async other(res: ServerResponse, path: string, url: RequestUrl): Promise<number> {
    if (path === '/version' || path === '/version/') {
      sendJson(res, 200, this.deps.version);
      return 200;
    }
    if (
      path === '/healthz' ||
      path === '/livez' ||
      path === '/readyz' ||
      /^\/(healthz|livez|readyz)\/[\w-]+$/.test(path)
    ) {
      const ok = path.startsWith('/livez') ? true : await this.deps.ready();
      const code = ok ? 200 : 503;
      const text = ok ? 'ok' : 'store not ready';
      const verbose = url.searchParams.has('verbose');
      const body = verbose
        ? `[+]store ${ok ? 'ok' : 'failed'}\n${path.slice(1)} check ${ok ? 'passed' : 'failed'}\n`
        : text;
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end(body);
      return code;
    }
    if (path === '/metrics') {
      const text = await this.deps.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': this.deps.metrics.registry.contentType });
      res.end(text);
      return 200;
    }
    if (path === '/openapi/v3' || path === '/openapi/v3/') {
      sendJson(res, 200, openApiV3Root(this.deps.registry));
      return 200;
    }
    const v3 = /^\/openapi\/v3\/(?:api\/(v\d\w*)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (v3 !== null) {
      const doc =
        v3[1] !== undefined
          ? openApiV3Document(this.deps.registry, '', v3[1])
          : openApiV3Document(this.deps.registry, v3[2] ?? '', v3[3] ?? '');
      if (doc === undefined) throw notFoundPath();
      sendJson(res, 200, doc, 'application/json', { 'Cache-Control': 'public, immutable' });
      return 200;
    }
    if (path === '/openapi/v2' || path === '/swagger-2.0.0.pb-v1') {
      const body = this.deps.openApiV2();
      res.writeHead(200, {
        'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
        'Content-Length': body.length,
      });
      res.end(body);
      return 200;
    }
    throw notFoundPath();
  }

  private definition(t: ResourceTarget): ResourceDefinition {
    const def = this.deps.registry.resource(t.group, t.version, t.resource);
    if (def === undefined) throw notFoundPath();
    if (!def.namespaced && t.namespace !== undefined) throw notFoundPath();
    if (t.subresource !== '' && !def.subresources.includes(t.subresource as never)) throw notFoundPath();
    return def;
  }

  /**
   * Who the request is from, and whether they may: 401 for bad or missing credentials (except
   * on the public health and version paths), 403 in Kubernetes' words when not permitted.
   */
  private async admit(
    req: IncomingMessage,
    method: string,
    url: RequestUrl,
    target: ReturnType<typeof parsePath>,
  ): Promise<UserInfo | undefined> {
    const gate = this.deps.gate;
    if (gate === undefined) return undefined;
    const result = await gate.authenticate(req);
    const open = gate.isPublicPath(url.pathname);
    if ('error' in result) throw new ApiError('Unauthorized', 'Unauthorized');
    if ('anonymous' in result && !open) throw new ApiError('Unauthorized', 'Unauthorized');
    const user = 'user' in result ? result.user : ANONYMOUS;
    if (open) return user;
    const attrs = attributesFor({ user, method, path: url.pathname, target, query: url.searchParams });
    const decision = gate.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenForRequest(attrs, decision.reason);
    return user;
  }

  /** Answers a TokenRequest for a ServiceAccount (`kubectl create token`). */
  private async tokenRequest(
    res: ServerResponse,
    def: ResourceDefinition,
    ns: string | undefined,
    name: string,
    spec: TokenRequestSpec,
  ): Promise<number> {
    const issue = this.deps.issueToken;
    if (issue === undefined)
      throw new ApiError(
        'ServiceUnavailable',
        'this server has no ServiceAccount signing key (it runs without security)',
      );
    const serviceAccount = await this.deps.rest.get(def, ns, name);
    const { token, expirationTimestamp } = issue(serviceAccount, spec);
    const body = {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace: ns, creationTimestamp: null },
      spec: { ...spec, audiences: spec.audiences ?? [] },
      status: { token, expirationTimestamp },
    };
    sendJson(res, 201, body);
    return 201;
  }

  /** Answers an access review (authorization.k8s.io): created, never stored. */
  private review(
    res: ServerResponse,
    def: ResourceDefinition,
    t: ResourceTarget,
    body: unknown,
    user: UserInfo | undefined,
  ): number {
    const gate = this.deps.gate;
    const everything = { authorize: () => ({ allowed: true, reason: 'the server does not authorize requests' }) };
    const authorizer = gate?.authorizer ?? everything;
    const self = user ?? ANONYMOUS;
    const review =
      def.kind === 'SelfSubjectAccessReview'
        ? evaluateSelfSubjectAccessReview(body, self, authorizer)
        : def.kind === 'LocalSubjectAccessReview'
          ? evaluateLocalSubjectAccessReview(body, t.namespace ?? '', authorizer)
          : evaluateSubjectAccessReview(body, authorizer);
    sendJson(res, 201, review);
    return 201;
  }

  private async resource(
    req: IncomingMessage,
    res: ServerResponse,
    request: { target: ResourceTarget; verb: string; params: URLSearchParams; user: UserInfo | undefined },
  ): Promise<number> {
    const { target: t, verb, params, user } = request;
    const def = this.definition(t);
    const { rest } = this.deps;
    const ns = def.namespaced ? t.namespace : undefined;
    if (def.namespaced && t.name !== undefined && ns === undefined) throw notFoundPath();
    if (AGENT_SUBRESOURCES.has(t.subresource)) {
      throw new ApiError(
        'ServiceUnavailable',
        `${def.plural}/${t.subresource} is not available: no node agent serves it yet`,
      );
    }
    const rendering = negotiate(req.headers.accept);
    if (def.virtual) {
      if (verb !== 'create')
        throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
      return this.review(
        res,
        def,
        t,
        decodeObject(await readBody(req, this.deps.bodyTimeoutMs), req.headers['content-type'], this.deps.protobuf),
        user,
      );
    }
    const write = { ...writeOptions(params, req.headers['user-agent']), ...(user === undefined ? {} : { user }) };
    switch (verb) {
      case 'get': {
        if (t.subresource === '' && rendering.type === 'json') {
          // The stored text, served as it is (with its resourceVersion).
          const text = await this.deps.store.getJson(def, ns, t.name ?? '');
          if (text === undefined) throw ApiError.notFound(def, t.name ?? '');
          sendJsonText(res, 200, text);
          return 200;
        }
        const obj = await rest.get(def, ns, t.name ?? '', t.subresource);
        return this.sendObject(res, def, obj, rendering, 200, params);
      }
      case 'list':
        return this.list(res, def, ns, params, rendering);
      case 'watch': {
        const query = parseListQuery(params);
        const filter = buildFilter(def, ns, query);
        await serveWatch(
          () => httpSink(res, rendering),
          def,
          query,
          filter,
          this.deps.cacheFor(def),
          rendering,
          this.watchOptions(def),
        );
        return 200;
      }
      case 'create': {
        const body = await readBody(req, this.deps.bodyTimeoutMs);
        if (t.subresource === 'binding') {
          await rest.bind(
            def,
            ns,
            t.name ?? '',
            decodeObject(body, req.headers['content-type'], this.deps.protobuf),
            write,
          );
          sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
          return 201;
        }
        if (t.subresource === 'token') {
          const request = decodeObject(body, req.headers['content-type'], this.deps.protobuf) as {
            spec?: TokenRequestSpec;
          };
          return this.tokenRequest(res, def, ns, t.name ?? '', request.spec ?? {});
        }
        if (t.subresource === 'eviction') {
          const eviction = decodeObject(body, req.headers['content-type'], this.deps.protobuf) as {
            deleteOptions?: DeleteOptions;
          };
          await rest.delete(def, ns, t.name ?? '', eviction.deleteOptions ?? {}, write);
          sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
          return 201;
        }
        if (t.name !== undefined)
          throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const duplicates = checkDuplicates(body, req.headers['content-type'], write);
        const result = await rest.create(
          def,
          ns,
          decodeObject(body, req.headers['content-type'], this.deps.protobuf),
          write,
        );
        return this.sendResult(
          res,
          def,
          { ...result, warnings: [...duplicates, ...result.warnings] },
          rendering,
          params,
        );
      }
      case 'update': {
        const body = await readBody(req, this.deps.bodyTimeoutMs);
        const duplicates = checkDuplicates(body, req.headers['content-type'], write);
        const result = await rest.update(
          def,
          ns,
          t.name ?? '',
          decodeObject(body, req.headers['content-type'], this.deps.protobuf),
          write,
          t.subresource,
        );
        return this.sendResult(
          res,
          def,
          { ...result, warnings: [...duplicates, ...result.warnings] },
          rendering,
          params,
          t.subresource,
        );
      }
      case 'patch': {
        const type = patchTypeOf(req.headers['content-type']);
        const body = decodePatch(await readBody(req, this.deps.bodyTimeoutMs), type);
        const force = params.get('force') === 'true';
        if (type === 'apply' && (params.get('fieldManager') ?? '') === '') {
          throw ApiError.badRequest(
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          );
        }
        const result = await rest.patch(def, ns, t.name ?? '', type, body, { ...write, force }, t.subresource);
        return this.sendResult(res, def, result, rendering, params, t.subresource);
      }
      case 'delete': {
        const options = await deleteOptions(req, params, this.deps.bodyTimeoutMs);
        const result = await rest.delete(def, ns, t.name ?? '', options, write);
        return this.sendResult(res, def, result, rendering, params);
      }
      case 'deletecollection': {
        const options = await deleteOptions(req, params, this.deps.bodyTimeoutMs);
        const query = parseListQuery(params);
        const filter = buildFilter(def, ns, query);
        const listed = await runList(def, ns, { ...query, limit: 0, continueToken: '', resourceVersion: '' }, filter, {
          store: this.deps.store,
          cache: this.deps.cacheFor(def),
        });
        const items: KubeObject[] = [];
        for (const obj of listed.items) {
          try {
            items.push(
              (await rest.delete(def, obj.metadata.namespace, obj.metadata.name ?? '', options, write)).object,
            );
          } catch (err) {
            if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
          }
        }
        sendJson(res, 200, {
          apiVersion: groupVersion(def),
          kind: `${def.kind}List`,
          metadata: { resourceVersion: listed.resourceVersion },
          items,
        });
        return 200;
      }
      default:
        throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  private async list(
    res: ServerResponse,
    def: ResourceDefinition,
    ns: string | undefined,
    params: URLSearchParams,
    rendering: Rendering,
  ): Promise<number> {
    const query = parseListQuery(params);
    const filter = buildFilter(def, ns, query);
    const result = await runList(def, ns, query, filter, { store: this.deps.store, cache: this.deps.cacheFor(def) });
    if (rendering.type === 'table') {
      const table = toTable(def, result.items, {
        version: rendering.version,
        include: query.includeObject,
        now: this.deps.now(),
        resourceVersion: result.resourceVersion,
        ...(result.continueToken === undefined ? {} : { continue: result.continueToken }),
        ...(result.remainingItemCount === undefined ? {} : { remainingItemCount: result.remainingItemCount }),
      });
      sendJson(res, 200, table, tableContentType(rendering.version));
      return 200;
    }
    const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continueToken !== undefined) metadata.continue = result.continueToken;
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    // Items are stored or cached objects, never changed after reading: their JSON is reused.
    const head = JSON.stringify({ kind: `${def.kind}List`, apiVersion: groupVersion(def), metadata });
    sendJsonText(res, 200, `${head.slice(0, -1)},"items":[${result.items.map(jsonOf).join(',')}]}`);
    return 200;
  }

  private sendResult(
    res: ServerResponse,
    def: ResourceDefinition,
    result: WriteResult,
    rendering: Rendering,
    params: URLSearchParams,
    subresource = '',
  ): number {
    const code = result.created ? 201 : 200;
    return this.sendObject(
      res,
      def,
      result.object,
      subresource === 'scale' ? { type: 'json' } : rendering,
      code,
      params,
      warningHeaders(result.warnings),
    );
  }

  private sendObject(
    res: ServerResponse,
    def: ResourceDefinition,
    obj: KubeObject,
    rendering: Rendering,
    code: number,
    params: URLSearchParams,
    headers: Record<string, string[]> = {},
  ): number {
    if (rendering.type === 'table' && obj.kind === def.kind) {
      const include = (params.get('includeObject') ?? 'Metadata') as 'None' | 'Metadata' | 'Object';
      const table = toTable(def, [obj], {
        version: rendering.version,
        include,
        now: this.deps.now(),
        ...(obj.metadata.resourceVersion === undefined ? {} : { resourceVersion: obj.metadata.resourceVersion }),
      });
      sendJson(res, code, table, tableContentType(rendering.version), headers);
    } else {
      sendJson(res, code, obj, 'application/json', headers);
    }
    return code;
  }

  private watchOptions(def: ResourceDefinition): WatchServeOptions {
    const gauge = this.deps.metrics.watches;
    return {
      ...this.deps.watch,
      now: this.deps.now,
      onOpen: () => gauge.inc({ resource: def.plural }),
      onClose: () => gauge.dec({ resource: def.plural }),
    };
  }
}

/** A request URL's path and query. */
interface RequestUrl {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

/** The path and query of a request URL (cheaper than `new URL` on every request). */
function splitUrl(raw: string): RequestUrl {
  const q = raw.indexOf('?');
  return q < 0
    ? { pathname: raw, searchParams: new URLSearchParams() }
    : { pathname: raw.slice(0, q), searchParams: new URLSearchParams(raw.slice(q + 1)) };
}

/** Duplicate fields of a JSON body: 400 under Strict validation, warnings under Warn. */
function checkDuplicates(body: Buffer, contentType: string | undefined, write: WriteOptions): string[] {
  if (write.fieldValidation === 'Ignore') return [];
  const type = mediaType(contentType);
  if (type !== '' && type !== 'application/json') return [];
  const duplicates = duplicateFields(body.toString('utf8')).map((f) => `duplicate field "${f}"`);
  if (duplicates.length > 0 && write.fieldValidation === 'Strict')
    throw ApiError.badRequest(`strict decoding error: ${duplicates.join(', ')}`);
  return duplicates;
}

/** What a TokenRequest asks for (authentication.k8s.io/v1 TokenRequestSpec). */
export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
}

/** The Kubernetes verb of a resource request. */
function verbOf(method: string, t: ResourceTarget, params: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (t.name === undefined) return params.get('watch') === 'true' || params.get('watch') === '1' ? 'watch' : 'list';
      return 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return t.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

function notFoundPath(): ApiError {
  return new ApiError('NotFound', 'the server could not find the requested resource');
}

/** The write options of a request's query. */
export function writeOptions(params: URLSearchParams, userAgent: string | undefined): WriteOptions {
  const dryRun = params.getAll('dryRun');
  for (const d of dryRun)
    if (d !== 'All')
      throw ApiError.badRequest(`dryRun: Unsupported value: ${JSON.stringify(d)}: supported values: "All"`);
  const validation = params.get('fieldValidation') ?? 'Warn';
  if (validation !== 'Strict' && validation !== 'Warn' && validation !== 'Ignore') {
    throw ApiError.badRequest(
      `fieldValidation: Unsupported value: ${JSON.stringify(validation)}: supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  const manager = params.get('fieldManager') ?? (userAgent ?? 'unknown').split('/')[0] ?? 'unknown';
  if (manager.length > 128) throw ApiError.badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return { dryRun: dryRun.includes('All'), fieldManager: manager, fieldValidation: validation as FieldValidation };
}

/** DeleteOptions from the body (where kubectl puts them) and the query. */
async function deleteOptions(
  req: IncomingMessage,
  params: URLSearchParams,
  bodyTimeoutMs: number,
): Promise<DeleteOptions> {
  const body = await readBody(req, bodyTimeoutMs);
  let options: DeleteOptions = {};
  if (body.length > 0) {
    const parsed = parseJson(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw ApiError.badRequest('DeleteOptions must be a JSON object');
    options = parsed as DeleteOptions;
  }
  const grace = params.get('gracePeriodSeconds');
  if (grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw ApiError.badRequest(`invalid gracePeriodSeconds: ${JSON.stringify(grace)}`);
    options.gracePeriodSeconds = n;
  }
  const policy = params.get('propagationPolicy');
  if (policy !== null) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (
    options.propagationPolicy !== undefined &&
    !['Background', 'Foreground', 'Orphan'].includes(options.propagationPolicy)
  ) {
    throw ApiError.badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(options.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  if (params.getAll('dryRun').includes('All')) options.dryRun = ['All'];
  return options;
}
