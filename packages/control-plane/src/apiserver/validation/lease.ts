/**
 * The Lease strategy (coordination.k8s.io/v1 ValidateLease): durations and transition counts.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { kindStrategy, record } from './kind-helpers.js';
import { dns1123Subdomain } from './names.js';
import type { KindStrategy } from './types.js';

function validate(obj: KubeObject): FieldError[] {
  const spec = record(obj.spec);
  const errors: FieldError[] = [];
  const duration = spec.leaseDurationSeconds;
  if (duration !== undefined && duration !== null) {
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration <= 0) {
      errors.push(fieldError.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
    }
  }
  const transitions = spec.leaseTransitions;
  if (transitions !== undefined && transitions !== null) {
    if (typeof transitions !== 'number' || !Number.isInteger(transitions) || transitions < 0) {
      errors.push(fieldError.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
    }
  }
  const holder = spec.holderIdentity;
  if (holder !== undefined && holder !== null && typeof holder !== 'string') {
    errors.push(fieldError.typeInvalid('spec.holderIdentity', holder, 'must be a string'));
  }
  return errors;
}

/** The Lease strategy: namespaced, names are DNS-1123 subdomains. */
export const leaseStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  validate,
});
