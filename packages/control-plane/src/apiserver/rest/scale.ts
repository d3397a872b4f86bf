/**
 * The `scale` subresource: an autoscaling/v1 Scale view of a Deployment or ReplicaSet, and the
 * way a changed Scale writes back into the object (only spec.replicas).
 */
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';

/** A label selector's canonical text (injected: the selectors module formats it). */
export type SelectorFormatter = (selector: unknown) => string;

/** The Scale of `obj`. */
export function toScale(obj: KubeObject, formatSelector: SelectorFormatter): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (obj.status ?? {}) as { replicas?: number };
  const meta = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: formatSelector(spec.selector) },
  };
}

/** `obj` with the replicas of `scale`; checks the Scale's shape. */
export function fromScale(obj: KubeObject, scale: unknown): KubeObject {
  if (!isObject(scale) || !isObject(scale.spec)) throw ApiError.badRequest('the body is not a Scale object');
  const replicas = scale.spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw ApiError.invalid({ group: 'autoscaling', kind: 'Scale' }, obj.metadata.name ?? '', [
      {
        type: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be an integer`,
      },
    ]);
  }
  if (replicas < 0) {
    throw ApiError.invalid({ group: 'autoscaling', kind: 'Scale' }, obj.metadata.name ?? '', [
      {
        type: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
      },
    ]);
  }
  const next = structuredClone(obj);
  next.spec = { ...(next.spec as object), replicas };
  const meta = isObject(scale.metadata) ? scale.metadata : {};
  if (typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '')
    next.metadata.resourceVersion = meta.resourceVersion;
  return next;
}
