/**
 * Admission: the steps every write passes after defaulting and validation and before the
 * store (Kubernetes' admission chain). A step may reject the write with an ApiError, change
 * the object, or add compares and operations to the write's txn (so that an allocation and
 * the object it belongs to commit together or not at all).
 */
import type { UserInfo } from '../../auth/user.js';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { TxnExtra } from '../storage/object-store.js';

/** The write an admission step looks at. */
export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly def: ResourceDefinition;
  readonly subresource: string;
  /** The object to be stored (for DELETE, the object being deleted). */
  readonly object: KubeObject;
  /** The stored object an UPDATE or DELETE replaces. */
  readonly old?: KubeObject;
  readonly dryRun: boolean;
  /** Who asks, when the server authenticates requests. */
  readonly user?: UserInfo;
}

/** One admission step. */
export interface AdmissionStep {
  readonly name: string;
  /** Rejects (throws an ApiError), mutates `request.object`, or returns txn extras. */
  admit(request: AdmissionRequest): Promise<TxnExtra | void>;
}

/** Runs the steps in order and joins their txn extras. */
export async function runAdmission(steps: readonly AdmissionStep[], request: AdmissionRequest): Promise<TxnExtra> {
  const compare: NonNullable<TxnExtra['compare']>[number][] = [];
  const success: NonNullable<TxnExtra['success']>[number][] = [];
  for (const step of steps) {
    const extra = await step.admit(request);
    if (extra === undefined) continue;
    compare.push(...(extra.compare ?? []));
    success.push(...(extra.success ?? []));
  }
  return { compare, success };
}

/** Kubernetes' admission.NewForbidden: `<resource> "name" is forbidden: <reason>` (403). */
export function admissionForbidden(req: AdmissionRequest, reason: string): ApiError {
  const meta = req.object.metadata;
  const name =
    meta.name !== undefined && meta.name !== ''
      ? meta.name
      : meta.generateName !== undefined && meta.generateName !== ''
        ? meta.generateName
        : 'Unknown';
  const resource = req.def.group === '' ? req.def.plural : `${req.def.plural}.${req.def.group}`;
  return new ApiError('Forbidden', `${resource} "${name}" is forbidden: ${reason}`, {
    name,
    group: req.def.group,
    kind: req.def.plural,
  });
}
