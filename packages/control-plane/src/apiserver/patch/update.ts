/**
 * Field ownership of non-apply writes (create, update, patch): the writer's `Update` entry in
 * `metadata.managedFields` gains the fields it changed, and other managers lose them.
 */
import type { KubeObject } from '../api/types.js';
import { kindKey } from '../api/types.js';
import { jsonEqual } from './json.js';
import { patchSchemaFor } from './kinds.js';
import { decodeManagedFields, encodeManagedFields, isEntryOf, trackedView } from './managed.js';
import type { ManagerFields } from './managed.js';
import { diffFields } from './paths.js';

/** The input of recordUpdate. */
export interface UpdateInput {
  /** The stored object before the write, or undefined for a create. */
  readonly before: KubeObject | undefined;
  /** The object to store. */
  readonly after: KubeObject;
  /** The field manager. */
  readonly manager: string;
  /** The time recorded in the manager's entry (RFC 3339). */
  readonly now: string;
  /** The apiVersion the manager used. */
  readonly apiVersion: string;
  /** `status` or `scale` for writes to a subresource. */
  readonly subresource?: string;
}

/**
 * `input.after` with its managedFields updated for a non-apply write by `input.manager`.
 * When the write itself changed managedFields (a client rewriting them), they are kept as sent.
 */
export function recordUpdate(input: UpdateInput): KubeObject {
  const { before, after, manager, subresource } = input;
  const sentFields = after.metadata.managedFields;
  const storedFields = before?.metadata.managedFields;
  if (sentFields !== undefined && !jsonEqual(sentFields, storedFields ?? [])) return after;

  const schema = patchSchemaFor(schemaKey(after));
  // Views, not copies: the diff only reads.
  const { changed, removed } = diffFields(
    before === undefined ? {} : trackedView(before, subresource),
    trackedView(after, subresource),
    schema,
  );
  const managers = decodeManagedFields(storedFields);
  for (const m of managers) {
    for (const path of removed.paths()) m.fields.removeUnder(path);
    if (m.entry.manager !== manager || m.entry.operation !== 'Update' || m.entry.subresource !== subresource) {
      for (const path of changed.paths()) m.fields.removeUnder(path);
    }
  }
  const own = managers.find((m) => isEntryOf(m, manager, 'Update', subresource));
  const entry = {
    manager,
    operation: 'Update' as const,
    apiVersion: input.apiVersion,
    time: input.now,
    fieldsType: 'FieldsV1' as const,
    ...(subresource === undefined ? {} : { subresource }),
  };
  let next: ManagerFields[];
  if (own !== undefined) {
    const fields = own.fields.union(changed);
    next = managers.map((m) => (m === own ? { entry: changed.isEmpty() ? m.entry : entry, fields } : m));
  } else {
    next = [...managers, { entry, fields: changed }];
  }
  const managedFields = encodeManagedFields(next);
  const metadata = { ...after.metadata };
  if (managedFields.length > 0) metadata.managedFields = managedFields;
  else delete metadata.managedFields;
  return { ...after, metadata };
}

/** The kind key of `obj` from its apiVersion and kind (`apps/v1` Deployment → `Deployment.apps`). */
function schemaKey(obj: KubeObject): string {
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return kindKey(group, obj.kind ?? '');
}
