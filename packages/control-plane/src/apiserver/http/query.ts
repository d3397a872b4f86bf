/**
 * The query parameters of list and watch requests, parsed and checked (400 on nonsense), and
 * the filter they describe: label selector, field selector (only the resource's selectable
 * fields; 400 for others) and namespace.
 */
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import {
  exactMatch,
  fieldSelectorRequirements,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../selectors/index.js';
import type { WatcherFilter } from '../watchcache/watcher.js';

/** What a list or watch asks for. */
export interface ListQuery {
  readonly labelSelector: string;
  readonly fieldSelector: string;
  readonly limit: number;
  readonly continueToken: string;
  readonly resourceVersion: string;
  readonly resourceVersionMatch: '' | 'NotOlderThan' | 'Exact';
  readonly watch: boolean;
  readonly allowWatchBookmarks: boolean;
  /** Seconds until the server ends a watch (0: its default). */
  readonly timeoutSeconds: number;
  readonly sendInitialEvents: boolean | undefined;
  readonly includeObject: 'None' | 'Metadata' | 'Object';
}

function bool(value: string | null): boolean {
  return value === 'true' || value === '1';
}

function nonNegativeInt(params: URLSearchParams, name: string): number {
  const text = params.get(name);
  if (text === null || text === '') return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw ApiError.badRequest(`invalid ${name}: ${JSON.stringify(text)}: must be a non-negative integer`);
  return n;
}

/** The list/watch parameters of a query string. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const rvMatch = params.get('resourceVersionMatch') ?? '';
  if (rvMatch !== '' && rvMatch !== 'NotOlderThan' && rvMatch !== 'Exact') {
    throw ApiError.badRequest(
      `invalid resourceVersionMatch: ${JSON.stringify(rvMatch)}: must be NotOlderThan or Exact`,
    );
  }
  const resourceVersion = params.get('resourceVersion') ?? '';
  if (resourceVersion !== '' && !/^\d+$/.test(resourceVersion)) {
    throw new ApiError(
      'BadRequest',
      `Invalid value: ${JSON.stringify(resourceVersion)}: resourceVersion must be a non-negative integer`,
    );
  }
  if (rvMatch !== '' && resourceVersion === '') {
    throw ApiError.badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  const include = params.get('includeObject') ?? 'Metadata';
  if (include !== 'None' && include !== 'Metadata' && include !== 'Object') {
    throw ApiError.badRequest(`invalid includeObject: ${JSON.stringify(include)}`);
  }
  const initial = params.get('sendInitialEvents');
  return {
    labelSelector: params.get('labelSelector') ?? '',
    fieldSelector: params.get('fieldSelector') ?? '',
    limit: nonNegativeInt(params, 'limit'),
    continueToken: params.get('continue') ?? '',
    resourceVersion,
    resourceVersionMatch: rvMatch,
    watch: bool(params.get('watch')),
    allowWatchBookmarks: bool(params.get('allowWatchBookmarks')),
    timeoutSeconds: nonNegativeInt(params, 'timeoutSeconds'),
    sendInitialEvents: initial === null ? undefined : bool(initial),
    includeObject: include,
  };
}

/** The filter of a list or watch on `def` in `namespace` (undefined: every namespace). */
export function buildFilter(def: ResourceDefinition, namespace: string | undefined, query: ListQuery): WatcherFilter {
  const labels = parseLabelSelector(query.labelSelector);
  const fields = parseFieldSelector(query.fieldSelector);
  const getters = def.selectableFields;
  for (const req of fieldSelectorRequirements(fields)) {
    if (!(req.field in getters)) {
      throw ApiError.badRequest(`field label not supported: ${req.field}`);
    }
  }
  let index: WatcherFilter['index'];
  for (const field of def.indexedFields) {
    const value = exactMatch(fields, field);
    if (value !== undefined) {
      index = { field, value };
      break;
    }
  }
  const everything = query.labelSelector.trim() === '' && query.fieldSelector.trim() === '';
  const matches = everything
    ? () => true
    : (obj: KubeObject) =>
        matchesLabels(labels, obj.metadata.labels) &&
        matchesFields(fields, (field) => {
          const get = getters[field];
          return get === undefined ? undefined : get(obj);
        });
  return { ...(namespace === undefined ? {} : { namespace }), matches, ...(index === undefined ? {} : { index }) };
}
