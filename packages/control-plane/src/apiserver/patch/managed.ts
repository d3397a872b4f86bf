/**
 * managedFields bookkeeping shared by server-side apply and updates: the tracked part of an
 * object, and the managers' entries as field sets.
 */
import type { KubeObject, ManagedFieldsEntry } from '../api/types.js';
import { isObject } from '../api/types.js';
import { FieldSet } from './fieldset.js';
import { cloneJson } from './json.js';

/** metadata fields that identify or describe the stored object and are never owned. */
const UNTRACKED_METADATA = [
  'name',
  'namespace',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

/**
 * The part of `obj` whose fields are tracked: without apiVersion, kind, the untracked metadata
 * and (for the main resource) status; for the status subresource, only status.
 */
export function trackedPart(obj: KubeObject | Record<string, unknown>, subresource?: string): Record<string, unknown> {
  if (subresource === 'status') return obj['status'] === undefined ? {} : { status: cloneJson(obj['status']) };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status') continue;
    if (key === 'metadata' && isObject(value)) {
      const metadata = Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => !UNTRACKED_METADATA.includes(k))
          .map(([k, v]) => [k, cloneJson(v)]),
      );
      if (Object.keys(metadata).length > 0) out[key] = metadata;
      continue;
    }
    out[key] = cloneJson(value);
  }
  return out;
}

/**
 * The tracked part of an object as a read-only view: like {@link trackedPart} but sharing the
 * object's values instead of copying them (for diffs, which never write).
 */
export function trackedView(obj: KubeObject | Record<string, unknown>, subresource?: string): Record<string, unknown> {
  if (subresource === 'status') return obj['status'] === undefined ? {} : { status: obj['status'] };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status') continue;
    if (key === 'metadata' && isObject(value)) {
      const metadata: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!UNTRACKED_METADATA.includes(k)) metadata[k] = v;
      if (Object.keys(metadata).length > 0) out[key] = metadata;
      continue;
    }
    out[key] = value;
  }
  return out;
}

/** A managedFields entry with its fields as a set. */
export interface ManagerFields {
  readonly entry: ManagedFieldsEntry;
  fields: FieldSet;
}

/** The entries of `managedFields`, each with its field set. */
export function decodeManagedFields(managedFields: readonly ManagedFieldsEntry[] | undefined): ManagerFields[] {
  return (managedFields ?? []).map((entry) => ({ entry, fields: FieldSet.fromFieldsV1(entry.fieldsV1) }));
}

/** The managedFields list of `managers`, without those that own nothing. */
export function encodeManagedFields(managers: readonly ManagerFields[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => !m.fields.isEmpty())
    .map((m) => ({ ...m.entry, fieldsType: 'FieldsV1' as const, fieldsV1: m.fields.toFieldsV1() }));
}

/** Whether `m` is the entry of `manager` for `operation` (and `subresource`). */
export function isEntryOf(
  m: ManagerFields,
  manager: string,
  operation: 'Apply' | 'Update',
  subresource?: string,
): boolean {
  return m.entry.manager === manager && m.entry.operation === operation && m.entry.subresource === subresource;
}
