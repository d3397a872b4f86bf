/**
 * Kubernetes strategic merge patch (`application/strategic-merge-patch+json`): a JSON merge
 * patch whose lists merge item by item where the schema says so, plus the `$patch`,
 * `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` directives.
 */
import { ApiError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import { cloneJson, jsonEqual } from './json.js';
import { fieldSchema, mergesList } from './schema.js';
import type { PatchSchema } from './schema.js';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** Marks a map that a `$patch: delete` removed. */
const DELETED = Symbol('deleted');

type JsonMap = Record<string, unknown>;

/**
 * The result of applying a strategic merge patch to `original` with the kind's `schema`.
 * Directive keys never appear in the result; a malformed patch is a 400 BadRequest.
 * Neither input is mutated.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: PatchSchema): unknown {
  if (!isObject(patch)) throw ApiError.badRequest('strategic merge patch: the patch must be a JSON object');
  const base: JsonMap = isObject(original) ? cloneJson(original) : {};
  const merged = mergeMap(base, patch, schema);
  return merged === DELETED ? {} : merged;
}

function isDirectiveKey(key: string): boolean {
  return (
    key === PATCH ||
    key === RETAIN_KEYS ||
    key.startsWith(SET_ELEMENT_ORDER) ||
    key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
  );
}

/** Merges `patch` into `original` (owned by the caller, modified in place). */
function mergeMap(original: JsonMap, patch: JsonMap, schema: PatchSchema | undefined): JsonMap | typeof DELETED {
  const directive = patch[PATCH];
  if (directive === 'delete') return DELETED;
  if (directive === 'replace') {
    const rest = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== PATCH));
    return mergeMap({}, rest, schema);
  }
  if (directive !== undefined && directive !== 'merge') {
    throw ApiError.badRequest(`strategic merge patch: unknown $patch directive ${JSON.stringify(directive)}`);
  }

  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
    if (!Array.isArray(value)) throw ApiError.badRequest(`strategic merge patch: ${key} must be a list`);
    const current = original[field];
    if (Array.isArray(current)) original[field] = current.filter((v) => !value.some((d) => jsonEqual(d, v)));
  }

  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      delete original[key];
      continue;
    }
    const sub = fieldSchema(schema, key);
    const current = original[key];
    if (sub?.strategy === 'replace') {
      original[key] = cloneJson(value);
    } else if (isObject(value)) {
      const merged = mergeMap(isObject(current) ? current : {}, value, sub);
      if (merged === DELETED) delete original[key];
      else original[key] = merged;
    } else if (Array.isArray(value)) {
      original[key] = mergeList(Array.isArray(current) ? current : [], value, sub, key);
    } else {
      original[key] = value;
    }
  }

  const retainKeys = patch[RETAIN_KEYS];
  if (retainKeys !== undefined) {
    if (!Array.isArray(retainKeys) || !retainKeys.every((k) => typeof k === 'string')) {
      throw ApiError.badRequest('strategic merge patch: $retainKeys must be a list of field names');
    }
    for (const key of Object.keys(original)) if (!retainKeys.includes(key)) delete original[key];
  }

  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (!Array.isArray(order)) throw ApiError.badRequest(`strategic merge patch: ${key} must be a list`);
    const list = original[field];
    if (Array.isArray(list)) original[field] = orderList(list, order, fieldSchema(schema, field)?.mergeKey);
  }
  return original;
}

/** Merges a patch list into `original` (owned by the caller) as `schema` says. */
function mergeList(original: unknown[], patch: unknown[], schema: PatchSchema | undefined, field: string): unknown[] {
  if (!mergesList(schema)) return cloneJson(patch);
  if (patch.some((item) => isObject(item) && item[PATCH] === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item[PATCH] !== undefined)).map((item) => cloneJson(item));
  }
  const mergeKey = schema?.mergeKey;
  if (mergeKey === undefined) {
    const result = [...original];
    for (const item of patch) {
      if (isObject(item)) throw ApiError.badRequest(`strategic merge patch: ${field} is a list of primitives`);
      if (!result.some((v) => jsonEqual(v, item))) result.push(item);
    }
    return result;
  }
  let result = original;
  for (const item of patch) {
    if (!isObject(item)) {
      throw ApiError.badRequest(
        `strategic merge patch: items of ${field} must be objects with merge key "${mergeKey}"`,
      );
    }
    const key = item[mergeKey];
    if (key === undefined) {
      throw ApiError.badRequest(
        `strategic merge patch: map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`,
      );
    }
    const matches = (v: unknown): boolean => isObject(v) && jsonEqual(v[mergeKey], key);
    const directive = item[PATCH];
    if (directive === 'delete') {
      result = result.filter((v) => !matches(v));
      continue;
    }
    if (directive !== undefined && directive !== 'merge') {
      throw ApiError.badRequest(`strategic merge patch: unknown $patch directive ${JSON.stringify(directive)}`);
    }
    const index = result.findIndex(matches);
    const existing = index >= 0 ? result[index] : undefined;
    const merged = mergeMap(isObject(existing) ? existing : {}, item, schema?.items);
    if (merged === DELETED) continue;
    if (index >= 0) result[index] = merged;
    else result.push(merged);
  }
  return result;
}

/**
 * `list` ordered as `$setElementOrder` says: the items it names first, in its order, then the
 * others in their relative order.
 */
function orderList(list: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (v: unknown): unknown => (mergeKey !== undefined && isObject(v) ? v[mergeKey] : v);
  const orderKeys = order.map(keyOf);
  const rank = (v: unknown): number => orderKeys.findIndex((k) => jsonEqual(k, keyOf(v)));
  const named = list.filter((v) => rank(v) >= 0).sort((a, b) => rank(a) - rank(b));
  const others = list.filter((v) => rank(v) < 0);
  return [...named, ...others];
}
