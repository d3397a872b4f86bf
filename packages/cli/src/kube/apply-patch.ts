/**
 * Client-side apply's 3-way strategic merge patch, computed like kubectl's
 * CreateThreeWayMergePatch: fields the last applied configuration had and the new manifest
 * dropped become null (list items keyed by a merge key get `$patch: delete`); fields the
 * manifest sets that differ from the live object are set; everything else the live object has
 * (status, defaults, other writers' fields) is left alone. No `$setElementOrder` directives.
 */
import { sortKeys } from './output.js';

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** The annotation where client-side apply keeps the manifest it last applied. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Lists merged item by item (strategic merge), by field name, with their merge key. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  conditions: 'type',
  ownerReferences: 'uid',
};

/** Whether `v` is a plain JSON object. */
export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The merge key of the list under `field`, or undefined when the list is replaced whole. */
export function mergeKeyFor(field: string, items: readonly unknown[]): string | undefined {
  if (!items.every(isObject)) return undefined;
  if (field === 'ports') return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

/**
 * The patch that takes `current` to `modified`, deleting what `original` (the last applied
 * configuration, if any) had and `modified` no longer has. `{}` means nothing to do.
 */
export function threeWayMergePatch(
  original: JsonObject | undefined,
  modified: JsonObject,
  current: JsonObject,
): JsonObject {
  return diffMaps(original, modified, current);
}

function diffMaps(original: JsonObject | undefined, modified: JsonObject, current: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const [key, m] of Object.entries(modified)) {
    const c = current[key];
    const o = original?.[key];
    if (isObject(m) && isObject(c)) {
      const sub = diffMaps(isObject(o) ? o : undefined, m, c);
      if (Object.keys(sub).length > 0) patch[key] = sub;
      continue;
    }
    if (Array.isArray(m) && Array.isArray(c)) {
      const mergeKey = mergeKeyFor(key, [...m, ...c]);
      if (mergeKey !== undefined) {
        const sub = diffKeyedList(
          mergeKey,
          Array.isArray(o) ? (o as JsonObject[]) : [],
          m as JsonObject[],
          c as JsonObject[],
        );
        if (sub.length > 0) patch[key] = sub;
        continue;
      }
    }
    if (!jsonEqual(m, c)) patch[key] = m;
  }
  if (original !== undefined) {
    for (const key of Object.keys(original)) {
      if (!(key in modified) && key in current) patch[key] = null;
    }
  }
  return patch;
}

function diffKeyedList(
  mergeKey: string,
  original: JsonObject[],
  modified: JsonObject[],
  current: JsonObject[],
): JsonObject[] {
  const find = (list: JsonObject[], key: unknown) => list.find((i) => jsonEqual(i[mergeKey], key));
  const patch: JsonObject[] = [];
  for (const m of modified) {
    const key = m[mergeKey];
    const c = find(current, key);
    if (c === undefined) {
      patch.push(m);
      continue;
    }
    const o = find(original, key);
    const sub = diffMaps(o, m, c);
    if (Object.keys(sub).length > 0) patch.push({ [mergeKey]: key, ...sub });
  }
  for (const o of original) {
    const key = o[mergeKey];
    if (find(modified, key) === undefined && find(current, key) !== undefined) {
      patch.push({ [mergeKey]: key, $patch: 'delete' });
    }
  }
  return patch;
}

/** The manifest with its last-applied annotation set (what apply sends and diffs against). */
export function withLastApplied(manifest: JsonObject): JsonObject {
  const copy = structuredClone(manifest);
  const metadata = isObject(copy.metadata) ? copy.metadata : (copy.metadata = {});
  const annotations = isObject(metadata.annotations) ? { ...metadata.annotations } : {};
  delete annotations[LAST_APPLIED];
  const forAnnotation = structuredClone(manifest);
  const m = forAnnotation.metadata;
  if (isObject(m) && isObject(m.annotations)) {
    delete m.annotations[LAST_APPLIED];
    if (Object.keys(m.annotations).length === 0) delete m.annotations;
  }
  annotations[LAST_APPLIED] = `${JSON.stringify(sortKeys(forAnnotation))}\n`;
  metadata.annotations = annotations;
  return copy;
}

/** The last applied configuration stored on a live object, if any. */
export function lastApplied(current: JsonObject): JsonObject | undefined {
  const metadata = current.metadata;
  const text = isObject(metadata) && isObject(metadata.annotations) ? metadata.annotations[LAST_APPLIED] : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
