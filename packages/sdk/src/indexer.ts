/**
 * The informer's cache: objects keyed by `namespace/name` (or `name` for cluster-scoped
 * objects), with a namespace index and custom index functions, as client-go's
 * `cache.Indexer`. Single-threaded, so every operation is atomic by construction.
 */
import type { KubeObject } from './types.js';

/** Computes the index values of an object (for example `[obj.spec.nodeName]`). */
export type IndexFunc<T extends KubeObject> = (obj: T) => readonly string[];

/** The name of the index every {@link Indexer} has: objects by `metadata.namespace`. */
export const NAMESPACE_INDEX = 'namespace';

/** The cache key of an object: `namespace/name`, or `name` when it has no namespace. */
export function objectKey(obj: KubeObject): string {
  const name = obj.metadata.name;
  if (name === undefined || name === '') throw new Error('object has no metadata.name');
  const ns = obj.metadata.namespace;
  return ns === undefined || ns === '' ? name : `${ns}/${name}`;
}

/** An indexed store of objects. */
export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** Invariant: indices[name][value] is the set of keys k with value ∈ indexFuncs[name](items[k]). */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  /** An empty store with the namespace index and `indexers`. */
  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: (obj) => [obj.metadata.namespace ?? ''], ...indexers });
  }

  /** Adds index functions (names must be new) and indexes the objects already stored. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexFuncs.has(name)) throw new Error(`indexer ${name} already exists`);
      this.indexFuncs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) addToIndex(index, fn(obj), key);
    }
  }

  /** Stores `obj` under its key (adding or replacing). */
  upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) addToIndex(this.indexOf(name), fn(obj), key);
  }

  /** Removes the object stored under `key`; returns it, if there was one. */
  deleteKey(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** Replaces the whole content with `objs`. */
  replace(objs: readonly T[]): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
    for (const obj of objs) this.upsert(obj);
  }

  /** The object stored under `key`. */
  get(key: string): T | undefined {
    return this.items.get(key);
  }

  /** Every stored object. */
  list(): T[] {
    return [...this.items.values()];
  }

  /** Every stored key. */
  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /** How many objects are stored. */
  get size(): number {
    return this.items.size;
  }

  /** The objects whose index `indexName` contains `value`. */
  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((key) => this.items.get(key) as T);
  }

  /** The keys of the objects whose index `indexName` contains `value`. */
  indexKeys(indexName: string, value: string): string[] {
    return [...(this.indexOf(indexName).get(value) ?? [])];
  }

  /** The values index `indexName` currently has objects for. */
  listIndexValues(indexName: string): string[] {
    return [...this.indexOf(indexName).keys()];
  }

  private indexOf(name: string): Map<string, Set<string>> {
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`no indexer named ${name}`);
    return index;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indexOf(name);
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

function addToIndex(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (keys === undefined) index.set(value, (keys = new Set()));
    keys.add(key);
  }
}
