/**
 * What the registry does to every object before validation (Kubernetes' BeforeCreate and
 * BeforeUpdate): system fields on create (uid, creationTimestamp, generation), the ones an
 * update may not touch, the status a main-resource write may not change, and generation bumps.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, ObjectMeta } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';

/** Injected sources of time and identity. */
export interface Sources {
  /** The wall clock, ms since the epoch. */
  readonly now: () => number;
  /** A fresh uid. */
  readonly uid: () => string;
  /** A random number in [0, 1) (generated name suffixes). */
  readonly random: () => number;
}

/** RFC 3339 with seconds, as Kubernetes writes metav1.Time. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A generated name: the prefix plus five characters from Kubernetes' alphabet. */
export function generateName(prefix: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** Kinds whose create keeps the status the client sent. */
const KEEPS_STATUS_ON_CREATE = new Set(['Node', 'Event', 'Endpoints']);

/** Sets the system fields of a new object and drops what a client may not set. */
export function prepareForCreate(def: ResourceDefinition, obj: KubeObject, sources: Sources): void {
  const meta = obj.metadata;
  meta.uid = sources.uid();
  meta.creationTimestamp = rfc3339(sources.now());
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (def.hasGeneration) meta.generation = 1;
  else delete meta.generation;
  if (def.subresources.includes('status') && !KEEPS_STATUS_ON_CREATE.has(def.kind)) obj.status = {};
  obj.apiVersion = def.group === '' ? def.version : `${def.group}/${def.version}`;
  obj.kind = def.kind;
}

/** The metadata fields only the server sets, kept from the stored object on every update. */
const SYSTEM_FIELDS: readonly (keyof ObjectMeta)[] = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'selfLink',
];

/**
 * Prepares `obj` to replace `old`: system fields from `old`; for the main resource, the old
 * status (when the kind has a status subresource); for the status subresource, everything but
 * the status from `old`; generation + 1 when anything but metadata and status changed.
 */
export function prepareForUpdate(
  def: ResourceDefinition,
  obj: KubeObject,
  old: KubeObject,
  subresource: string,
): KubeObject {
  let next: KubeObject;
  if (subresource === 'status') {
    next = { ...structuredClone(old), status: obj.status };
    next.metadata.managedFields = obj.metadata.managedFields ?? old.metadata.managedFields;
  } else {
    next = obj;
    if (def.subresources.includes('status')) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
  }
  for (const field of SYSTEM_FIELDS) {
    if (old.metadata[field] === undefined) delete next.metadata[field];
    else next.metadata[field] = old.metadata[field];
  }
  if ((next.metadata.uid ?? '') === '') next.metadata.uid = old.metadata.uid;
  next.apiVersion = old.apiVersion;
  next.kind = old.kind;
  if (def.hasGeneration && subresource !== 'status' && specChanged(next, old)) {
    next.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  return next;
}

/** Whether anything but metadata and status differs. */
function specChanged(a: KubeObject, b: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: KubeObject) => rest;
  return !isDeepStrictEqual(strip(a), strip(b));
}

/** Whether an update changes nothing that is stored (then it is not written). */
export function unchanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined },
  });
  return isDeepStrictEqual(JSON.parse(JSON.stringify(strip(a))), JSON.parse(JSON.stringify(strip(b))));
}
