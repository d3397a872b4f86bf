/**
 * The Namespace strategy (core/v1 namespace defaults and ValidateNamespace): the `kubernetes`
 * finalizer in spec, an Active phase, and DNS-1123 label names.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { ensureObject, kindStrategy, list, record, text } from './kind-helpers.js';
import { dns1123Label, qualifiedName } from './names.js';
import type { KindStrategy } from './types.js';

/** The finalizer the namespace controller removes once the namespace is empty. */
export const KUBERNETES_FINALIZER = 'kubernetes';

function defaults(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  if (spec.finalizers === undefined) spec.finalizers = [KUBERNETES_FINALIZER];
  const status = ensureObject(obj, 'status');
  if (text(status.phase) === '') status.phase = 'Active';
}

function validate(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  for (const [i, f] of list(record(obj.spec).finalizers).entries()) {
    const path = `spec.finalizers[${i}]`;
    if (typeof f !== 'string') errors.push(fieldError.invalid(path, f, 'must be a string'));
    else for (const e of qualifiedName(f)) errors.push(fieldError.invalid(path, f, e));
  }
  const phase = record(obj.status).phase;
  if (phase !== undefined && phase !== 'Active' && phase !== 'Terminating') {
    errors.push(fieldError.notSupported('status.phase', phase, ['Active', 'Terminating']));
  }
  return errors;
}

/** The Namespace strategy: cluster-scoped, names are DNS-1123 labels. */
export const namespaceStrategy: KindStrategy = kindStrategy({
  namespaced: false,
  name: dns1123Label,
  defaults,
  validate,
});
