/**
 * The Node strategy (ValidateNode, ValidateNodeUpdate): pod CIDRs, taints, and allocatable
 * defaulting to capacity.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { isCIDR, kindStrategy, list, record, text } from './kind-helpers.js';
import { dns1123Subdomain, labelValue, qualifiedName } from './names.js';
import type { KindStrategy } from './types.js';

const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function defaults(obj: KubeObject): void {
  const status = obj.status;
  if (isObject(status) && status.allocatable === undefined && isObject(status.capacity)) {
    status.allocatable = { ...status.capacity };
  }
}

function validateTaints(taints: unknown[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of taints.entries()) {
    const path = `spec.taints[${i}]`;
    const taint = record(raw);
    const key = text(taint.key);
    for (const e of qualifiedName(key)) errors.push(fieldError.invalid(`${path}.key`, key, e));
    const value = text(taint.value);
    for (const e of labelValue(value)) errors.push(fieldError.invalid(`${path}.value`, value, e));
    const effect = text(taint.effect);
    if (effect === '') errors.push(fieldError.required(`${path}.effect`));
    else if (!TAINT_EFFECTS.includes(effect))
      errors.push(fieldError.notSupported(`${path}.effect`, effect, TAINT_EFFECTS));
    const unique = `${key}:${effect}`;
    if (seen.has(unique)) errors.push(fieldError.duplicate(path, 'taints must be unique by key and effect pair'));
    seen.add(unique);
  }
  return errors;
}

function validate(obj: KubeObject): FieldError[] {
  const spec = record(obj.spec);
  const errors: FieldError[] = [];
  const podCIDR = text(spec.podCIDR);
  if (podCIDR !== '' && !isCIDR(podCIDR)) {
    errors.push(
      fieldError.invalid('spec.podCIDR', podCIDR, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'),
    );
  }
  const podCIDRs = list(spec.podCIDRs);
  for (const [i, cidr] of podCIDRs.entries()) {
    if (typeof cidr !== 'string' || !isCIDR(cidr)) {
      errors.push(
        fieldError.invalid(
          `spec.podCIDRs[${i}]`,
          cidr,
          'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
        ),
      );
    }
  }
  if (podCIDR !== '' && podCIDRs.length > 0 && podCIDRs[0] !== podCIDR) {
    errors.push(fieldError.invalid('spec.podCIDRs', podCIDRs, 'must match `podCIDR` as its first element'));
  }
  errors.push(...validateTaints(list(spec.taints)));
  return errors;
}

/** A node's pod CIDRs and provider ID may be set once, from empty, and never changed after. */
function validateChange(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = record(obj.spec);
  const before = record(old.spec);
  const errors: FieldError[] = [];
  const was = list(before.podCIDRs);
  const now = list(spec.podCIDRs);
  if (was.length > 0 && JSON.stringify(was) !== JSON.stringify(now)) {
    errors.push(fieldError.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  } else if (text(before.podCIDR) !== '' && text(before.podCIDR) !== text(spec.podCIDR)) {
    errors.push(fieldError.forbidden('spec.podCIDR', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (text(before.providerID) !== '' && text(before.providerID) !== text(spec.providerID)) {
    errors.push(
      fieldError.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'),
    );
  }
  return errors;
}

/** The Node strategy: cluster-scoped, names are DNS-1123 subdomains. */
export const nodeStrategy: KindStrategy = kindStrategy({
  namespaced: false,
  name: dns1123Subdomain,
  defaults,
  validate,
  validateChange,
});
