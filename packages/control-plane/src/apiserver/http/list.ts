/**
 * Lists with Kubernetes' resourceVersion semantics: unset reads the store (linearizable),
 * paged with limit and continue; "0" is served from the watch cache; "N" (NotOlderThan) from
 * the cache once it has caught up with N; Exact reads the store at revision N. Selectors
 * filter pages as kube-apiserver does: a page holds at most `limit` matches and its continue
 * token resumes after the last key read.
 */
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { WatchCache } from '../watchcache/cache.js';
import type { WatcherFilter } from '../watchcache/watcher.js';
import type { ListQuery } from './query.js';

/** A list's items and list metadata. */
export interface ListResult {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

interface ContinueToken {
  readonly v: 'bosun.io/v1';
  readonly rv: number;
  readonly start: string;
}

/** An opaque continue token. */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'bosun.io/v1', rv, start } satisfies ContinueToken)).toString('base64url');
}

/** The contents of a continue token; 400 when it is not one of ours or not for this list. */
export function decodeContinue(token: string, prefix: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw ApiError.badRequest('continue key is not valid: illegal base64 data');
  }
  const t = parsed as Partial<ContinueToken>;
  if (t.v !== 'bosun.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || !t.start.startsWith(prefix)) {
    throw ApiError.badRequest('continue key is not valid: the token does not belong to this list');
  }
  return t as ContinueToken;
}

/** Runs a list. */
export async function runList(
  def: ResourceDefinition,
  namespace: string | undefined,
  query: ListQuery,
  filter: WatcherFilter,
  deps: { store: ObjectStore; cache: WatchCache },
): Promise<ListResult> {
  const { store, cache } = deps;
  const fromCache =
    query.continueToken === '' && query.resourceVersion !== '' && query.resourceVersionMatch !== 'Exact';
  if (fromCache) {
    const rv = Number(query.resourceVersion);
    if (rv > 0) await cache.waitFresh(rv);
    else await cache.start();
    const { items, revision } = cache.list(filter);
    return { items, resourceVersion: String(revision) };
  }
  const prefix = store.prefix(def, namespace);
  let revision = 0;
  let startKey: string | undefined;
  if (query.continueToken !== '') {
    if (query.resourceVersion !== '' && query.resourceVersion !== '0') {
      throw ApiError.badRequest('specifying resource version is not allowed when using continue');
    }
    const token = decodeContinue(query.continueToken, prefix);
    revision = token.rv;
    startKey = token.start;
  } else if (query.resourceVersionMatch === 'Exact') {
    revision = Number(query.resourceVersion);
  }
  const limit = query.limit;
  const items: KubeObject[] = [];
  for (;;) {
    let page;
    try {
      page = await store.list(def, {
        ...(namespace === undefined ? {} : { namespace }),
        revision,
        limit: limit > 0 ? Math.max(limit - items.length, Math.min(limit * 2, 1000)) : 0,
        ...(startKey === undefined ? {} : { startKey }),
      });
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'Expired' && query.continueToken !== '') {
        throw new ApiError(
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the response.',
        );
      }
      throw err;
    }
    // A range at an older revision answers with the current one: keep reading at ours.
    if (revision === 0) revision = page.revision;
    for (const [i, obj] of page.items.entries()) {
      if (namespace !== undefined && def.namespaced && obj.metadata.namespace !== namespace) continue;
      if (!filter.matches(obj)) continue;
      items.push(obj);
      if (limit > 0 && items.length === limit) {
        const rest = page.items[i + 1];
        const next =
          rest !== undefined ? store.key(def, rest.metadata.namespace, rest.metadata.name ?? '') : page.next?.startKey;
        if (next === undefined) return { items, resourceVersion: String(revision) };
        const remaining = (page.remaining ?? 0) + (page.items.length - i - 1);
        return {
          items,
          resourceVersion: String(revision),
          continueToken: encodeContinue(revision, next),
          ...(query.labelSelector === '' && query.fieldSelector === '' ? { remainingItemCount: remaining } : {}),
        };
      }
    }
    if (page.next === undefined) return { items, resourceVersion: String(revision) };
    startKey = page.next.startKey;
  }
}
