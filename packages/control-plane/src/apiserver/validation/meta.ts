/**
 * ObjectMeta validation shared by every kind (Kubernetes' ValidateObjectMeta and
 * ValidateObjectMetaUpdate): the name or generateName, the namespace's presence, labels,
 * annotations, owner references and finalizers; on update, the fields that never change.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { ObjectMeta } from '../api/types.js';
import { dns1123Label, labelValue, qualifiedName } from './names.js';

/** The total size annotations may take (keys plus values), as Kubernetes limits it. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** How a kind's metadata is validated. */
export interface MetaRules {
  /** Whether objects of the kind live in a namespace. */
  readonly namespaced: boolean;
  /** The kind's name rule (e.g. {@link dns1123Subdomain}); returns the problems. */
  readonly name: (value: string) => string[];
}

/** The problems of a new object's metadata; paths start with `metadata.`. */
export function validateObjectMeta(meta: ObjectMeta, rules: MetaRules): FieldError[] {
  const errors: FieldError[] = [];
  const name = meta.name ?? '';
  if (name === '') {
    if ((meta.generateName ?? '') === '')
      errors.push(fieldError.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const e of rules.name(name)) errors.push(fieldError.invalid('metadata.name', name, e));
  }
  if (meta.generateName !== undefined && meta.generateName !== '') {
    // A generated name appends five characters; the prefix must make a valid name with them.
    for (const e of rules.name(`${meta.generateName}abcde`.replace(/^-/, 'a'))) {
      errors.push(fieldError.invalid('metadata.generateName', meta.generateName, e));
    }
  }
  const namespace = meta.namespace ?? '';
  if (rules.namespaced) {
    if (namespace === '') errors.push(fieldError.required('metadata.namespace'));
    else for (const e of dns1123Label(namespace)) errors.push(fieldError.invalid('metadata.namespace', namespace, e));
  } else if (namespace !== '') {
    errors.push(fieldError.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errors.push(...validateLabels(meta.labels, 'metadata.labels'));
  errors.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errors.push(...validateOwnerReferences(meta));
  for (const [i, f] of (meta.finalizers ?? []).entries()) {
    if (typeof f !== 'string') errors.push(fieldError.invalid(`metadata.finalizers[${i}]`, f, 'must be a string'));
    else for (const e of qualifiedName(f)) errors.push(fieldError.invalid(`metadata.finalizers[${i}]`, f, e));
  }
  return errors;
}

/** The problems of changing `old`'s metadata into `meta` (plus those of `meta` itself, checked by the caller). */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errors: FieldError[] = [];
  const immutable = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;
  for (const field of immutable) {
    const now = meta[field] ?? undefined;
    const before = old[field] ?? undefined;
    if (now !== before) errors.push(fieldError.invalid(`metadata.${field}`, now ?? '', 'field is immutable'));
  }
  if (old.deletionTimestamp !== undefined && meta.deletionTimestamp !== old.deletionTimestamp) {
    errors.push(
      fieldError.invalid(
        'metadata.deletionTimestamp',
        meta.deletionTimestamp ?? '',
        'field is immutable; may only be changed via deletion',
      ),
    );
  }
  if (old.deletionTimestamp !== undefined) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length > 0) {
      errors.push(
        fieldError.forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        ),
      );
    }
  }
  return errors;
}

/** The problems of a label map at `path`. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels))
    return [fieldError.typeInvalid(path, labels, 'must be a map of strings')];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    for (const e of qualifiedName(key)) errors.push(fieldError.invalid(path, key, e));
    if (typeof value !== 'string') errors.push(fieldError.typeInvalid(`${path}.${key}`, value, 'must be a string'));
    else for (const e of labelValue(value)) errors.push(fieldError.invalid(path, value, e));
  }
  return errors;
}

/** The problems of an annotation map at `path`: qualified keys, string values, 256 KiB in total. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations)) {
    return [fieldError.typeInvalid(path, annotations, 'must be a map of strings')];
  }
  const errors: FieldError[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
    for (const e of qualifiedName(key.toLowerCase())) errors.push(fieldError.invalid(path, key, e));
    if (typeof value !== 'string') errors.push(fieldError.typeInvalid(`${path}.${key}`, value, 'must be a string'));
    else size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (size > MAX_ANNOTATIONS_BYTES) errors.push(fieldError.tooLong(path, MAX_ANNOTATIONS_BYTES));
  return errors;
}

function validateOwnerReferences(meta: ObjectMeta): FieldError[] {
  const refs = meta.ownerReferences;
  if (refs === undefined) return [];
  const errors: FieldError[] = [];
  let controllers = 0;
  for (const [i, ref] of refs.entries()) {
    const path = `metadata.ownerReferences[${i}]`;
    if (!ref.apiVersion)
      errors.push(fieldError.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errors.push(fieldError.invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errors.push(fieldError.invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errors.push(fieldError.invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller === true) controllers += 1;
  }
  if (controllers > 1) {
    errors.push(
      fieldError.invalid('metadata.ownerReferences', refs, 'Only one reference can have Controller set to true'),
    );
  }
  return errors;
}
