/**
 * A typed client for one resource in one namespace (or across all namespaces, or at cluster
 * scope): list, get, create, update, patch, delete, watch and the status, scale, binding and log
 * subresources, over a {@link Transport}.
 */
import type { IncomingMessage } from 'node:http';
import { ApiStatusError } from './errors.js';
import type { Binding, Scale, Table } from './kinds.js';
import { apiVersionOf, collectionPath } from './resources.js';
import type { ResourceDescriptor } from './resources.js';
import type { Query, RequestOptions, Transport } from './transport.js';
import type { KubeObject, ListOptions, ListWatch, ObjectList, WatchEvent, WatchOptions } from './types.js';
import { parseWatchStream, ResumableWatch } from './watch.js';
import type { ResumableWatchOptions } from './watch.js';

/** Options every write takes. */
export interface WriteOptions {
  /** Validate and default without persisting (`dryRun=All`). */
  dryRun?: boolean;
  fieldManager?: string;
  signal?: AbortSignal;
}

/** Options of create and update. */
export interface CreateOptions extends WriteOptions {
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

/** The patch formats: JSON merge patch, JSON patch, strategic merge patch, server-side apply. */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

/** Options of a patch. */
export interface PatchOptions extends WriteOptions {
  type: PatchType;
  /** Apply only: take fields other managers own. */
  force?: boolean;
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
}

/** Delete options (metav1.DeleteOptions, sent in the body as kubectl does). */
export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** Options of a deleteCollection: what to select and how to delete. */
export interface DeleteCollectionOptions extends DeleteOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** Options of a log read. */
export interface LogOptions {
  container?: string;
  follow?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  signal?: AbortSignal;
}

/** Options of a table read. */
export interface TableOptions extends ListOptions {
  /** One object's row instead of the list. */
  name?: string;
  /** What the rows carry: `Metadata` (default on the server), `Object` or `None`. */
  includeObject?: 'None' | 'Metadata' | 'Object';
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** The Accept header that asks for server-side printing. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** A typed client for one resource; `namespace` undefined means all namespaces (or cluster scope). */
export class ResourceClient<T extends KubeObject> implements ListWatch<T> {
  constructor(
    readonly transport: Transport,
    readonly descriptor: ResourceDescriptor,
    /** The namespace this client works in; undefined: all namespaces, or a cluster-scoped resource. */
    readonly namespace?: string,
  ) {}

  /** The same resource in another namespace (undefined: all namespaces). */
  inNamespace(namespace: string | undefined): ResourceClient<T> {
    return new ResourceClient<T>(this.transport, this.descriptor, namespace);
  }

  /** One page of objects (all when no limit is given). */
  async list(options: ListOptions = {}): Promise<ObjectList<T>> {
    return this.json<ObjectList<T>>({
      method: 'GET',
      path: collectionPath(this.descriptor, this.namespace),
      query: listQuery(options),
      ...signalAndTimeout(options),
    });
  }

  /** Every object, page by page (`limit` per page, default 500), following `continue`. */
  async *listAll(options: ListOptions = {}): AsyncGenerator<T, void, undefined> {
    let token = options.continue;
    for (let page = 0; ; page++) {
      const list = await this.list({
        ...options,
        limit: options.limit ?? 500,
        ...(token === undefined ? {} : { continue: token }),
        ...(page > 0 ? { resourceVersion: undefined, resourceVersionMatch: undefined } : {}),
      });
      for (const item of list.items) yield item;
      token = list.metadata.continue;
      if (token === undefined || token === '') return;
    }
  }

  /** One object by name. */
  async get(name: string, options: { signal?: AbortSignal } = {}): Promise<T> {
    return this.json<T>({ method: 'GET', path: this.itemPath(name), ...signalAndTimeout(options) });
  }

  /** Creates `obj` (in this client's namespace, else the object's). */
  async create(obj: T, options: CreateOptions = {}): Promise<T> {
    return this.json<T>({
      method: 'POST',
      path: collectionPath(this.descriptor, this.namespaceFor(obj)),
      query: writeQuery(options),
      body: this.withTypeMeta(obj),
      ...signalAndTimeout(options),
    });
  }

  /** Replaces `obj` (PUT); a stale `metadata.resourceVersion` fails with 409 Conflict. */
  async update(obj: T, options: CreateOptions = {}): Promise<T> {
    return this.json<T>({
      method: 'PUT',
      path: this.itemPath(nameOf(obj), this.namespaceFor(obj)),
      query: writeQuery(options),
      body: this.withTypeMeta(obj),
      ...signalAndTimeout(options),
    });
  }

  /** Replaces the status of `obj` (PUT on the status subresource). */
  async updateStatus(obj: T, options: CreateOptions = {}): Promise<T> {
    return this.json<T>({
      method: 'PUT',
      path: `${this.itemPath(nameOf(obj), this.namespaceFor(obj))}/status`,
      query: writeQuery(options),
      body: this.withTypeMeta(obj),
      ...signalAndTimeout(options),
    });
  }

  /**
   * Patches an object: `merge` (RFC 7386), `json` (RFC 6902, an array of operations),
   * `strategic`, or `apply` (server-side apply; needs `fieldManager`, creates when absent).
   */
  async patch(name: string, patch: unknown, options: PatchOptions): Promise<T> {
    return this.patchPath(this.itemPath(name), patch, options);
  }

  /** Patches the status subresource. */
  async patchStatus(name: string, patch: unknown, options: PatchOptions): Promise<T> {
    return this.patchPath(`${this.itemPath(name)}/status`, patch, options);
  }

  /** Deletes an object; answers what the server returns (the object, or a Status). */
  async delete(name: string, options: DeleteOptions = {}): Promise<T | KubeObject> {
    return this.json<T>({
      method: 'DELETE',
      path: this.itemPath(name),
      body: deleteBody(options),
      ...(options.dryRun === true ? { query: { dryRun: 'All' } } : {}),
      ...signalAndTimeout(options),
    });
  }

  /** Deletes every selected object in this namespace. */
  async deleteCollection(options: DeleteCollectionOptions = {}): Promise<ObjectList<T> | KubeObject> {
    return this.json<ObjectList<T>>({
      method: 'DELETE',
      path: collectionPath(this.descriptor, this.namespace),
      query: {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        dryRun: options.dryRun === true ? 'All' : undefined,
      },
      body: deleteBody(options),
      ...signalAndTimeout(options),
    });
  }

  /**
   * A raw watch from `options.resourceVersion` (bookmarks asked for unless set false): yields
   * events until the server ends the stream, the connection drops or `signal` aborts (then the
   * iteration ends quietly). An ERROR event throws {@link ApiStatusError} (code 410 when the
   * version is too old).
   */
  async *watchOnce(options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    let res: IncomingMessage;
    try {
      res = await this.transport.stream({
        method: 'GET',
        path: collectionPath(this.descriptor, this.namespace),
        query: {
          watch: 'true',
          resourceVersion: options.resourceVersion,
          resourceVersionMatch: options.resourceVersionMatch,
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          allowWatchBookmarks: options.allowWatchBookmarks ?? true,
          timeoutSeconds: options.timeoutSeconds,
        },
        ...signalAndTimeout(options),
      });
    } catch (err) {
      if (options.signal?.aborted === true) return;
      throw err;
    }
    yield* parseWatchStream<T>(res, options.signal);
  }

  /** A resumable watch (see {@link ResumableWatch}): survives dropped connections, restarts and 410 Gone. */
  watch(options: ResumableWatchOptions = {}): ResumableWatch<T> {
    return new ResumableWatch<T>(this, options);
  }

  /** The scale subresource of a deployment or replica set. */
  async getScale(name: string, options: { signal?: AbortSignal } = {}): Promise<Scale> {
    return this.json<Scale>({ method: 'GET', path: `${this.itemPath(name)}/scale`, ...signalAndTimeout(options) });
  }

  /** Replaces the scale subresource. */
  async updateScale(name: string, scale: Scale, options: CreateOptions = {}): Promise<Scale> {
    return this.json<Scale>({
      method: 'PUT',
      path: `${this.itemPath(name)}/scale`,
      query: writeQuery(options),
      body: { apiVersion: 'autoscaling/v1', kind: 'Scale', ...scale },
      ...signalAndTimeout(options),
    });
  }

  /** Patches the scale subresource (`{ spec: { replicas: 3 } }` as a merge patch, say). */
  async patchScale(name: string, patch: unknown, options: PatchOptions = { type: 'merge' }): Promise<Scale> {
    return this.patchPath(`${this.itemPath(name)}/scale`, patch, options) as Promise<unknown> as Promise<Scale>;
  }

  /** Binds a pod to a node (the pods/binding subresource, what a scheduler does). */
  async bind(name: string, nodeName: string, options: WriteOptions = {}): Promise<KubeObject> {
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, ...(this.namespace === undefined ? {} : { namespace: this.namespace }) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    return this.json<KubeObject>({
      method: 'POST',
      path: `${this.itemPath(name)}/binding`,
      query: writeQuery(options),
      body: binding,
      ...signalAndTimeout(options),
    });
  }

  /** A pod's log as text chunks (a stream with `follow`); a server error throws {@link ApiStatusError}. */
  async *log(name: string, options: LogOptions = {}): AsyncGenerator<string, void, undefined> {
    const res = await this.transport.stream({
      method: 'GET',
      path: `${this.itemPath(name)}/log`,
      accept: '*/*',
      retryOnStatus: false,
      query: {
        container: options.container,
        follow: options.follow === true ? 'true' : undefined,
        tailLines: options.tailLines,
        timestamps: options.timestamps === true ? 'true' : undefined,
        previous: options.previous === true ? 'true' : undefined,
        sinceSeconds: options.sinceSeconds,
      },
      ...signalAndTimeout(options),
    });
    res.setEncoding('utf8');
    try {
      for await (const chunk of res) yield chunk as string;
    } catch (err) {
      if (options.signal?.aborted !== true) throw err;
    } finally {
      res.destroy();
    }
  }

  /** Server-side printing: the Table of a list (or of one object with `name`), as kubectl prints it. */
  async table(options: TableOptions = {}): Promise<Table> {
    const path =
      options.name === undefined ? collectionPath(this.descriptor, this.namespace) : this.itemPath(options.name);
    return this.json<Table>({
      method: 'GET',
      path,
      accept: TABLE_ACCEPT,
      query: { ...(options.name === undefined ? listQuery(options) : {}), includeObject: options.includeObject },
      ...signalAndTimeout(options),
    });
  }

  private async patchPath(path: string, patch: unknown, options: PatchOptions): Promise<T> {
    if (options.type === 'apply' && options.fieldManager === undefined) {
      throw new Error('patch: an apply patch needs a fieldManager');
    }
    let body = patch;
    if (options.type === 'apply' && typeof patch === 'object' && patch !== null && !Array.isArray(patch)) {
      body = this.withTypeMeta(patch as T);
    }
    return this.json<T>({
      method: 'PATCH',
      path,
      contentType: PATCH_CONTENT_TYPES[options.type],
      query: {
        ...writeQuery(options),
        force: options.type === 'apply' && options.force === true ? 'true' : undefined,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...signalAndTimeout(options),
    });
  }

  private async json<R>(request: RequestOptions): Promise<R> {
    const res = await this.transport.request(request);
    if (res.status >= 400) throw ApiStatusError.fromResponse(res.status, res.body);
    return JSON.parse(res.body.toString('utf8')) as R;
  }

  private namespaceFor(obj: KubeObject): string | undefined {
    const namespace = this.namespace ?? obj.metadata.namespace;
    if (this.descriptor.namespaced && namespace === undefined) {
      throw new Error(`${this.descriptor.kind}: a namespace is required (use inNamespace or metadata.namespace)`);
    }
    return namespace;
  }

  private itemPath(name: string, namespace: string | undefined = this.namespace): string {
    if (name === '') throw new Error(`${this.descriptor.kind}: a name is required`);
    if (this.descriptor.namespaced && namespace === undefined) {
      throw new Error(`${this.descriptor.kind} "${name}": a namespace is required (use inNamespace)`);
    }
    return `${collectionPath(this.descriptor, namespace)}/${encodeURIComponent(name)}`;
  }

  private withTypeMeta(obj: T): T {
    return { apiVersion: apiVersionOf(this.descriptor), kind: this.descriptor.kind, ...obj };
  }
}

function nameOf(obj: KubeObject): string {
  const name = obj.metadata.name;
  if (name === undefined || name === '') throw new Error('the object has no metadata.name');
  return name;
}

function listQuery(options: ListOptions): Query {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit,
    continue: options.continue,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
  };
}

function writeQuery(options: CreateOptions | PatchOptions | WriteOptions): Query {
  return {
    dryRun: options.dryRun === true ? 'All' : undefined,
    fieldManager: options.fieldManager,
    fieldValidation: 'fieldValidation' in options ? options.fieldValidation : undefined,
  };
}

function deleteBody(options: DeleteOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    ...(options.propagationPolicy === undefined ? {} : { propagationPolicy: options.propagationPolicy }),
    ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }),
    ...(options.preconditions === undefined ? {} : { preconditions: options.preconditions }),
    ...(options.dryRun === true ? { dryRun: ['All'] } : {}),
  };
}

function signalAndTimeout(options: {
  signal?: AbortSignal;
  timeoutMs?: number;
}): Pick<RequestOptions, 'signal' | 'timeoutMs'> {
  return {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}
