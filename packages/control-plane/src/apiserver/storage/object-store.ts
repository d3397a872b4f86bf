/**
 * Objects in the store: one key per object under `/registry/<group>/<resource>/[<namespace>/]<name>`
 * (group `core` for the core group), JSON values, and every write a compare-and-swap txn so that
 * concurrent writers never lose each other's changes. An object's resourceVersion is its key's
 * modRevision; it is not stored in the value but set on every read.
 */
import type { Compare, KV, KeyValue, RequestOp } from '@bosun/raft-kv';
import { MvccError, NodeError } from '@bosun/raft-kv';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { ValueTransformer } from './encryption.js';
import { EncryptionError, isEncryptedValue } from './encryption.js';

/** Extra compares and operations to run in the same txn as an object write (allocations). */
export interface TxnExtra {
  readonly compare?: readonly Compare[];
  readonly success?: readonly RequestOp[];
}

/** Where a list continues: the revision it reads at and the first key still to read. */
export interface ListCursor {
  readonly revision: number;
  readonly startKey: string;
}

/** A page of a list. */
export interface ListPage {
  readonly items: KubeObject[];
  /** The revision the page was read at. */
  readonly revision: number;
  /** Where the next page starts, when there are more keys. */
  readonly next?: ListCursor;
  /** Keys left after this page (approximate when filtering). */
  readonly remaining?: number;
}

/** What `list` reads. */
export interface ListOptions {
  readonly namespace?: string;
  /** Read at this revision (0 or absent: the current one). */
  readonly revision?: number;
  /** The most keys to read; 0 or absent for all. */
  readonly limit?: number;
  /** Start at this key (from a continue token). */
  readonly startKey?: string;
}

/** How an ObjectStore is configured. */
export interface ObjectStoreOptions {
  /**
   * The transformer of each resource's stored values (encryption at rest), or undefined to store
   * it as plain JSON. Called once per resource; the answer is kept.
   */
  readonly transformers?: (def: ResourceDefinition) => ValueTransformer | undefined;
}

const encoder = new TextEncoder();
/** How every stored object's text begins (see encode). */
const METADATA_FIRST = '{"metadata":{';
const decoder = new TextDecoder();

/** The store's view of objects. */
export class ObjectStore {
  private readonly transformers: ((def: ResourceDefinition) => ValueTransformer | undefined) | undefined;
  /** Each resource's transformer by its key prefix (`/registry/<group>/<resource>/`), once asked. */
  private readonly transformerByPrefix = new Map<string, ValueTransformer | undefined>();

  constructor(
    readonly kv: KV,
    options: ObjectStoreOptions = {},
  ) {
    this.transformers = options.transformers;
  }

  /** The key of one object. */
  key(def: ResourceDefinition, namespace: string | undefined, name: string): string {
    return def.namespaced ? `${this.prefix(def)}${namespace ?? ''}/${name}` : `${this.prefix(def)}${name}`;
  }

  /** The prefix of every object of a resource (in one namespace, when given). */
  prefix(def: ResourceDefinition, namespace?: string): string {
    const base = `/registry/${def.group === '' ? 'core' : def.group}/${def.plural}/`;
    return def.namespaced && namespace !== undefined && namespace !== '' ? `${base}${namespace}/` : base;
  }

  /**
   * An object as read from the store, with resourceVersion set. `def` chooses the transformer;
   * without it, the transformer of the resource the key belongs to, if this store has used it.
   * A value that cannot be decrypted throws InternalError.
   */
  decode(kv: KeyValue, def?: ResourceDefinition): KubeObject {
    let value = kv.value;
    const transformer = def !== undefined ? this.transformerFor(def) : this.transformerForKey(kv.key);
    if (transformer !== undefined) {
      const key = decoder.decode(kv.key);
      try {
        value = transformer.fromStorage(value, { key });
      } catch (err) {
        if (err instanceof EncryptionError) throw new ApiError('InternalError', err.message);
        throw err;
      }
    } else if (isEncryptedValue(value)) {
      throw new ApiError('InternalError', 'unable to decrypt: encryption at rest is not configured for this resource');
    }
    const obj = JSON.parse(decoder.decode(value)) as KubeObject;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  /**
   * The bytes stored for an object (resourceVersion is not stored); with `def`, transformed
   * (encrypted) for the object's key when the resource has a transformer.
   */
  encode(obj: KubeObject, def?: ResourceDefinition): Uint8Array {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    const { metadata: _m, ...rest } = obj;
    // metadata first: a read can then serve the stored text with the resourceVersion spliced
    // in (see getJson) instead of parsing and printing the object again.
    const plain = encoder.encode(JSON.stringify({ metadata, ...rest }));
    const transformer = def === undefined ? undefined : this.transformerFor(def);
    if (transformer === undefined || def === undefined) return plain;
    const key = this.key(def, obj.metadata.namespace, obj.metadata.name ?? '');
    return transformer.toStorage(plain, { key });
  }

  /** One object, or undefined; linearizable. */
  async get(def: ResourceDefinition, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const res = await storeCall(() => this.kv.range(this.key(def, namespace, name)));
    const kv = res.kvs[0];
    return kv === undefined ? undefined : this.decode(kv, def);
  }

  /**
   * One object as JSON text, or undefined; linearizable. The stored text with its
   * resourceVersion spliced in, so a GET costs no parse and no print.
   */
  async getJson(def: ResourceDefinition, namespace: string | undefined, name: string): Promise<string | undefined> {
    const res = await storeCall(() => this.kv.range(this.key(def, namespace, name)));
    const kv = res.kvs[0];
    if (kv === undefined) return undefined;
    const transformer = this.transformerFor(def);
    if (transformer === undefined && !isEncryptedValue(kv.value)) {
      const text = decoder.decode(kv.value);
      if (text.startsWith(METADATA_FIRST)) {
        const rest = text.slice(METADATA_FIRST.length);
        return `${METADATA_FIRST}"resourceVersion":${JSON.stringify(String(kv.modRevision))}${rest.startsWith('}') ? '' : ','}${rest}`;
      }
    }
    return JSON.stringify(this.decode(kv, def));
  }

  /** Creates an object that must not exist yet; resolves with it as stored. */
  async create(def: ResourceDefinition, obj: KubeObject, extra: TxnExtra = {}): Promise<KubeObject> {
    const key = this.key(def, obj.metadata.namespace, obj.metadata.name ?? '');
    const res = await storeCall(() =>
      this.kv.txn({
        compare: [{ key, target: 'createRevision', result: '=', value: 0 }, ...(extra.compare ?? [])],
        success: [{ type: 'put', key, value: this.encode(obj, def) }, ...(extra.success ?? [])],
        failure: [{ type: 'range', key, keysOnly: true }],
      }),
    );
    if (!res.succeeded) {
      const existing = res.responses[0];
      if (existing?.type === 'range' && existing.kvs.length > 0)
        throw ApiError.alreadyExists(def, obj.metadata.name ?? '');
      throw new ApiError('Conflict', 'a concurrent write took a resource this object needs; retry');
    }
    return withVersion(obj, res.header.revision);
  }

  /**
   * Replaces an object whose key is still at `expectedRevision`; resolves with it as stored.
   * Throws NotFound when it is gone and Conflict when it changed.
   */
  async update(
    def: ResourceDefinition,
    obj: KubeObject,
    expectedRevision: number,
    extra: TxnExtra = {},
  ): Promise<KubeObject> {
    const name = obj.metadata.name ?? '';
    const key = this.key(def, obj.metadata.namespace, name);
    const res = await storeCall(() =>
      this.kv.txn({
        compare: [{ key, target: 'modRevision', result: '=', value: expectedRevision }, ...(extra.compare ?? [])],
        success: [{ type: 'put', key, value: this.encode(obj, def) }, ...(extra.success ?? [])],
        failure: [{ type: 'range', key, keysOnly: true }],
      }),
    );
    if (!res.succeeded) throw this.writeFailure(def, name, res.responses[0], expectedRevision);
    return withVersion(obj, res.header.revision);
  }

  /** Deletes an object whose key is still at `expectedRevision`; resolves with the delete's revision. */
  async delete(
    def: ResourceDefinition,
    obj: KubeObject,
    expectedRevision: number,
    extra: TxnExtra = {},
  ): Promise<number> {
    const name = obj.metadata.name ?? '';
    const key = this.key(def, obj.metadata.namespace, name);
    const res = await storeCall(() =>
      this.kv.txn({
        compare: [{ key, target: 'modRevision', result: '=', value: expectedRevision }, ...(extra.compare ?? [])],
        success: [{ type: 'deleteRange', key }, ...(extra.success ?? [])],
        failure: [{ type: 'range', key, keysOnly: true }],
      }),
    );
    if (!res.succeeded) throw this.writeFailure(def, name, res.responses[0], expectedRevision);
    return res.header.revision;
  }

  /** A page of objects in key order, at one revision. */
  async list(def: ResourceDefinition, options: ListOptions = {}): Promise<ListPage> {
    const prefix = this.prefix(def, options.namespace);
    const end = prefixEnd(prefix);
    const limit = options.limit ?? 0;
    const res = await storeCall(() =>
      this.kv.range(options.startKey ?? prefix, {
        rangeEnd: end,
        revision: options.revision ?? 0,
        limit: limit > 0 ? limit + 1 : 0,
      }),
    );
    const kvs = limit > 0 ? res.kvs.slice(0, limit) : res.kvs;
    const items = kvs.map((kv) => this.decode(kv, def));
    const revision = res.header.revision;
    const extra = res.kvs[limit];
    if (limit > 0 && extra !== undefined) {
      return { items, revision, next: { revision, startKey: decoder.decode(extra.key) }, remaining: res.count - limit };
    }
    return { items, revision };
  }

  /** The current store revision. */
  async revision(): Promise<number> {
    const res = await storeCall(() => this.kv.range('/registry/', { rangeEnd: '/registry0', countOnly: true }));
    return res.header.revision;
  }

  /** The transformer of a resource's values (memoized by the resource's key prefix). */
  private transformerFor(def: ResourceDefinition): ValueTransformer | undefined {
    if (this.transformers === undefined) return undefined;
    const prefix = this.prefix(def);
    if (!this.transformerByPrefix.has(prefix)) this.transformerByPrefix.set(prefix, this.transformers(def));
    return this.transformerByPrefix.get(prefix);
  }

  /** The transformer of the resource a raw key belongs to, if it has been asked for. */
  private transformerForKey(rawKey: Uint8Array): ValueTransformer | undefined {
    if (this.transformerByPrefix.size === 0) return undefined;
    const key = decoder.decode(rawKey);
    // `/registry/<group>/<resource>/...`: the prefix ends at the fourth slash.
    let end = -1;
    for (let i = 0; i < 4; i++) {
      end = key.indexOf('/', end + 1);
      if (end < 0) return undefined;
    }
    return this.transformerByPrefix.get(key.slice(0, end + 1));
  }

  private writeFailure(def: ResourceDefinition, name: string, current: unknown, expected: number): ApiError {
    const range = current as { type?: string; kvs?: KeyValue[] } | undefined;
    const kv = range?.type === 'range' ? range.kvs?.[0] : undefined;
    if (kv === undefined) return ApiError.notFound(def, name);
    if (kv.modRevision !== expected) {
      return ApiError.conflict(
        def,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    return new ApiError('Conflict', 'a concurrent write took a resource this object needs; retry');
  }
}

/** The exclusive end of every key starting with `prefix` (ASCII prefixes only). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function withVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/** Runs a store call, turning the store's operational errors into API errors. */
export async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw storeError(err);
  }
}

/** An API error for a store failure. */
export function storeError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof MvccError) {
    switch (err.code) {
      case 'compacted':
        return new ApiError('Expired', `The resourceVersion for the provided list is too old: ${err.message}`);
      case 'futureRevision':
        return new ApiError('Timeout', `Too large resource version: ${err.message}`, { retryAfterSeconds: 1 });
      case 'noSpace':
        return new ApiError('InternalError', `the store is out of space: ${err.message}`);
      case 'requestTooLarge':
        return new ApiError('RequestEntityTooLarge', `the object is too large for the store: ${err.message}`);
      default:
        return new ApiError('InternalError', `store: ${err.message}`);
    }
  }
  if (err instanceof NodeError) {
    if (err.code === 'timeout')
      return new ApiError('Timeout', `the store did not answer in time: ${err.message}`, { retryAfterSeconds: 1 });
    return new ApiError('ServiceUnavailable', `the store is unavailable: ${err.message}`, { retryAfterSeconds: 1 });
  }
  return err;
}
