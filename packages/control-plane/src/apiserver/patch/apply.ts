/**
 * Server-side apply (`application/apply-patch+yaml`): sets the fields of an applied
 * configuration, removes those its manager applied before and no longer does, detects
 * conflicts with other managers and records ownership in `metadata.managedFields`.
 */
import { ApiError } from '../api/errors.js';
import type { KubeObject, ManagedFieldsEntry } from '../api/types.js';
import { isObject } from '../api/types.js';
import type { FieldSet } from './fieldset.js';
import { formatPath } from './fieldset.js';
import { cloneJson, jsonEqual } from './json.js';
import { decodeManagedFields, encodeManagedFields, isEntryOf, trackedPart } from './managed.js';
import type { ManagerFields } from './managed.js';
import { configFieldSet, keyElement, removePath, valueAt } from './paths.js';
import { fieldSchema, itemKeys, mergesList } from './schema.js';
import type { PatchSchema } from './schema.js';

/** The input of a server-side apply. */
export interface ApplyInput {
  /** The stored object, or undefined when the apply creates it. */
  readonly live: KubeObject | undefined;
  /** The applied configuration (the request body). */
  readonly applied: KubeObject;
  /** The field manager (`fieldManager` query parameter). */
  readonly manager: string;
  /** `force=true`: take ownership of conflicting fields instead of failing. */
  readonly force: boolean;
  /** The time recorded in the manager's entry (RFC 3339). */
  readonly now: string;
  /** The apiVersion the manager used (`apps/v1`). */
  readonly apiVersion: string;
  readonly schema: PatchSchema;
}

/** The result of a server-side apply. */
export interface ApplyResult {
  readonly object: KubeObject;
  /** Whether the object did not exist before. */
  readonly created: boolean;
}

/**
 * The object after server-side applying `input.applied` as `input.manager`. Throws a 409
 * Conflict ApiError naming the conflicting fields unless `force`.
 */
export function serverSideApply(input: ApplyInput): ApplyResult {
  const { live, applied, manager, schema } = input;
  const managers = decodeManagedFields(live?.metadata.managedFields);
  const config = withKeyDefaults(trackedPart(applied), schema);
  const base: Record<string, unknown> = live === undefined ? { metadata: {} } : cloneJson(live);
  const merged = mergeConfig(base, config, schema) as Record<string, unknown>;
  const appliedSet = configFieldSet(config, merged, schema);

  const others = managers.filter((m) => m.entry.manager !== manager);
  const conflicts = findConflicts(others, appliedSet, live === undefined ? {} : trackedPart(live), config);
  if (conflicts.length > 0 && !input.force) throw conflictError(conflicts);
  for (const { owner, path } of conflicts) owner.fields.removeUnder(path);

  const previous = managers.find((m) => isEntryOf(m, manager, 'Apply'));
  if (previous !== undefined) {
    for (const path of previous.fields.difference(appliedSet).paths()) {
      if (appliedSet.touches(path) || others.some((m) => m.fields.touches(path))) continue;
      removePath(merged, path);
    }
  }

  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    time: input.now,
    fieldsType: 'FieldsV1',
  };
  const next: ManagerFields[] = managers.map((m) => (m === previous ? { entry, fields: appliedSet } : m));
  if (previous === undefined) next.push({ entry, fields: appliedSet });

  const object = merged as KubeObject;
  if (applied.apiVersion !== undefined) object.apiVersion = applied.apiVersion;
  if (applied.kind !== undefined) object.kind = applied.kind;
  if (!isObject(object.metadata)) object.metadata = {};
  for (const key of ['name', 'namespace', 'generateName'] as const) {
    if (live === undefined && applied.metadata[key] !== undefined) object.metadata[key] = applied.metadata[key];
  }
  object.metadata.managedFields = encodeManagedFields(next);
  return { object, created: live === undefined };
}

/** `config` with the key defaults of its list items filled in (see PatchSchema.keyDefaults). */
function withKeyDefaults(config: unknown, schema: PatchSchema | undefined): unknown {
  if (isObject(config)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) out[key] = withKeyDefaults(value, fieldSchema(schema, key));
    return out;
  }
  if (Array.isArray(config)) {
    const defaults = schema?.keyDefaults;
    return config.map((item) => {
      const filled = withKeyDefaults(item, schema?.items);
      if (defaults === undefined || !isObject(filled)) return filled;
      return { ...defaults, ...filled };
    });
  }
  return config;
}

/** Merges an applied configuration into `base` (owned, modified): maps recurse, keyed lists merge by key, sets union. */
function mergeConfig(base: unknown, config: unknown, schema: PatchSchema | undefined): unknown {
  if (isObject(config) && schema?.atomic !== true) {
    const out: Record<string, unknown> = isObject(base) ? base : {};
    for (const [key, value] of Object.entries(config))
      out[key] = mergeConfig(out[key], value, fieldSchema(schema, key));
    return out;
  }
  if (Array.isArray(config) && mergesList(schema)) {
    const out = Array.isArray(base) ? base : [];
    const keyed = itemKeys(schema).length > 0;
    for (const item of config) {
      if (!keyed) {
        if (!out.some((v) => jsonEqual(v, item))) out.push(cloneJson(item));
        continue;
      }
      if (!isObject(item)) throw ApiError.badRequest('expected the items of an associative list to be objects');
      const pe = keyElement(item, schema);
      const index = out.findIndex((v) => valueAt([v], [pe]).present);
      if (index >= 0) out[index] = mergeConfig(out[index], item, schema?.items);
      else out.push(mergeConfig({}, item, schema?.items));
    }
    return out;
  }
  return cloneJson(config);
}

interface Conflict {
  readonly owner: ManagerFields;
  readonly path: string[];
}

/** The fields of `appliedSet` that another manager owns and the configuration sets to another value. */
function findConflicts(
  others: readonly ManagerFields[],
  appliedSet: FieldSet,
  live: unknown,
  config: unknown,
): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const path of appliedSet.paths()) {
    const last = path.at(-1) ?? '';
    if (last.startsWith('k:') || last.startsWith('v:')) continue;
    const current = valueAt(live, path);
    if (!current.present) continue;
    if (jsonEqual(current.value, valueAt(config, configPath(path, config)).value)) continue;
    for (const owner of others) if (owner.fields.has(path)) conflicts.push({ owner, path });
  }
  return conflicts;
}

/**
 * `path` with its list item elements narrowed to the key fields the configuration gave (the
 * applied set names items by the merged object's keys, which may include defaulted ones).
 */
function configPath(path: readonly string[], config: unknown): string[] {
  const out: string[] = [];
  let current = config;
  for (const pe of path) {
    let step = pe;
    if (pe.startsWith('k:') && Array.isArray(current)) {
      const keys = JSON.parse(pe.slice(2)) as Record<string, unknown>;
      const item = current.find(
        (v) => isObject(v) && Object.entries(keys).every(([k, kv]) => v[k] === undefined || jsonEqual(v[k], kv)),
      );
      if (isObject(item))
        step = `k:${JSON.stringify(Object.fromEntries(Object.entries(keys).filter(([k]) => item[k] !== undefined)))}`;
    }
    out.push(step);
    current = valueAt(current, [step]).value;
  }
  return out;
}

function conflictError(conflicts: readonly Conflict[]): ApiError {
  const byOwner = new Map<ManagerFields, string[]>();
  for (const { owner, path } of conflicts) byOwner.set(owner, [...(byOwner.get(owner) ?? []), formatPath(path)]);
  const ownerText = (owner: ManagerFields): string => {
    const using = `conflict with "${owner.entry.manager}" using ${owner.entry.apiVersion}`;
    return owner.entry.subresource === undefined ? using : `${using} (subresource ${owner.entry.subresource})`;
  };
  const parts = [...byOwner].map(([owner, paths]) =>
    paths.length === 1
      ? `${ownerText(owner)}: ${paths[0]}`
      : `${ownerText(owner).replace('conflict', 'conflicts')}:\n${paths.map((p) => `- ${p}`).join('\n')}`,
  );
  const n = conflicts.length;
  return new ApiError('Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`, {
    causes: conflicts.map(({ owner, path }) => ({
      reason: 'FieldManagerConflict',
      message: ownerText(owner),
      field: formatPath(path),
    })),
  });
}
