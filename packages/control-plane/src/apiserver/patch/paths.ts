/**
 * Field paths over objects: the path element of a list item, finding and removing the value at
 * a path, the field set an applied configuration sets, and the fields an update changed.
 */
import { ApiError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import { FieldSet } from './fieldset.js';
import { jsonEqual } from './json.js';
import { fieldSchema, itemKeys, mergesList } from './schema.js';
import type { PatchSchema } from './schema.js';

/** The `k:` path element of an associative list item: its key fields, in key order. */
export function keyElement(item: Record<string, unknown>, schema: PatchSchema | undefined): string {
  const keys: Record<string, unknown> = {};
  for (const name of [...itemKeys(schema)].sort()) if (item[name] !== undefined) keys[name] = item[name];
  if (Object.keys(keys).length === 0) {
    throw ApiError.badRequest(
      `associative list with keys ${JSON.stringify(itemKeys(schema))} has an element that omits all key fields: ${JSON.stringify(item)}`,
    );
  }
  return `k:${JSON.stringify(keys)}`;
}

/** Whether `item` has the key field values of `keyElementText` (a `k:` element). */
function matchesKey(item: unknown, keyElementText: string): boolean {
  const keys = JSON.parse(keyElementText.slice(2)) as Record<string, unknown>;
  return isObject(item) && Object.entries(keys).every(([k, v]) => jsonEqual(item[k], v));
}

/** The index in `list` of the item named by path element `pe`, or -1. */
function indexOf(list: unknown[], pe: string): number {
  if (pe.startsWith('k:')) return list.findIndex((item) => matchesKey(item, pe));
  if (pe.startsWith('v:')) {
    const value: unknown = JSON.parse(pe.slice(2));
    return list.findIndex((item) => jsonEqual(item, value));
  }
  if (pe.startsWith('i:')) {
    const index = Number(pe.slice(2));
    return index < list.length ? index : -1;
  }
  return -1;
}

/** The value at `path` in `value`, if present. */
export function valueAt(value: unknown, path: readonly string[]): { present: boolean; value?: unknown } {
  let current = value;
  for (const pe of path) {
    if (pe.startsWith('f:')) {
      const name = pe.slice(2);
      if (!isObject(current) || !Object.hasOwn(current, name)) return { present: false };
      current = current[name];
    } else {
      if (!Array.isArray(current)) return { present: false };
      const index = indexOf(current, pe);
      if (index < 0) return { present: false };
      current = current[index];
    }
  }
  return { present: true, value: current };
}

/** Removes the value at `path` from `value` (modified in place); nothing if absent. */
export function removePath(value: unknown, path: readonly string[]): void {
  const last = path.at(-1);
  if (last === undefined) return;
  const parent = valueAt(value, path.slice(0, -1));
  if (!parent.present) return;
  const container = parent.value;
  if (last.startsWith('f:')) {
    if (isObject(container)) delete container[last.slice(2)];
  } else if (Array.isArray(container)) {
    const index = indexOf(container, last);
    if (index >= 0) container.splice(index, 1);
  }
}

/**
 * The fields an applied configuration sets: its leaves, atomic lists and structs, and the items
 * of associative lists and sets. List items are named by the keys of the matching item in
 * `merged` (the object after the apply), so that defaulted keys are included.
 */
export function configFieldSet(config: unknown, merged: unknown, schema: PatchSchema | undefined): FieldSet {
  const set = new FieldSet();
  collectConfig(config, merged, schema, [], set);
  return set;
}

function collectConfig(
  config: unknown,
  merged: unknown,
  schema: PatchSchema | undefined,
  path: string[],
  set: FieldSet,
): void {
  if (isObject(config)) {
    if (schema?.atomic === true || Object.keys(config).length === 0) {
      set.insert(path);
      return;
    }
    for (const [key, value] of Object.entries(config)) {
      const mergedValue = isObject(merged) ? merged[key] : undefined;
      collectConfig(value, mergedValue, fieldSchema(schema, key), [...path, `f:${key}`], set);
    }
    return;
  }
  if (Array.isArray(config) && mergesList(schema) && config.length > 0) {
    const keyed = itemKeys(schema).length > 0;
    for (const item of config) {
      if (!keyed) {
        set.insert([...path, `v:${JSON.stringify(item)}`]);
        continue;
      }
      if (!isObject(item)) throw ApiError.badRequest(`expected the items of ${path.join('.')} to be objects`);
      const configKey = keyElement(item, schema);
      const mergedItem = Array.isArray(merged) ? merged.find((m) => matchesKey(m, configKey)) : undefined;
      const itemPath = [...path, isObject(mergedItem) ? keyElement(mergedItem, schema) : configKey];
      set.insert(itemPath);
      for (const [key, value] of Object.entries(item)) {
        const mergedValue = isObject(mergedItem) ? mergedItem[key] : undefined;
        collectConfig(value, mergedValue, fieldSchema(schema?.items, key), [...itemPath, `f:${key}`], set);
      }
    }
    return;
  }
  set.insert(path);
}

/** The fields an update changed: `changed` (added or modified) and `removed`. */
export interface FieldChanges {
  readonly changed: FieldSet;
  readonly removed: FieldSet;
}

/** The fields that differ between `before` and `after`. */
export function diffFields(before: unknown, after: unknown, schema: PatchSchema | undefined): FieldChanges {
  const changes = { changed: new FieldSet(), removed: new FieldSet() };
  collectDiff(before, after, schema, [], changes);
  return changes;
}

function collectDiff(
  before: unknown,
  after: unknown,
  schema: PatchSchema | undefined,
  path: string[],
  changes: FieldChanges,
): void {
  if (jsonEqual(before, after)) return;
  if (isObject(before) && isObject(after) && schema?.atomic !== true) {
    for (const [key, value] of Object.entries(after)) {
      const sub = fieldSchema(schema, key);
      if (Object.hasOwn(before, key)) collectDiff(before[key], value, sub, [...path, `f:${key}`], changes);
      else collectConfig(value, value, sub, [...path, `f:${key}`], changes.changed);
    }
    for (const key of Object.keys(before))
      if (!Object.hasOwn(after, key)) changes.removed.insert([...path, `f:${key}`]);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && mergesList(schema) && itemKeys(schema).length > 0) {
    const elementOf = (item: unknown): string | undefined => (isObject(item) ? keyElement(item, schema) : undefined);
    const beforeItems = new Map(before.map((item) => [elementOf(item), item]));
    const afterElements = new Set<string>();
    for (const item of after) {
      const pe = elementOf(item);
      if (pe === undefined) continue;
      afterElements.add(pe);
      const old = beforeItems.get(pe);
      if (old === undefined) collectConfig([item], [item], schema, path, changes.changed);
      else collectDiff(old, item, schema?.items, [...path, pe], changes);
    }
    for (const pe of beforeItems.keys())
      if (pe !== undefined && !afterElements.has(pe)) changes.removed.insert([...path, pe]);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && mergesList(schema)) {
    for (const item of after) {
      if (!before.some((b) => jsonEqual(b, item))) changes.changed.insert([...path, `v:${JSON.stringify(item)}`]);
    }
    for (const item of before) {
      if (!after.some((a) => jsonEqual(a, item))) changes.removed.insert([...path, `v:${JSON.stringify(item)}`]);
    }
    return;
  }
  changes.changed.insert(path);
}
