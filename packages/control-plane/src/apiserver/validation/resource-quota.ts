/**
 * The ResourceQuota strategy (ValidateResourceQuota): resource names and non-negative quantities
 * in spec.hard and status, whole numbers for the object counts. Also the canonical text of a
 * quantity (resource.Quantity.String()), which quota status, printers and admission messages show.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { kindStrategy, list, record } from './kind-helpers.js';
import { dns1123Subdomain, qualifiedName } from './names.js';
import { QUANTITY_PATTERN, ZERO_QUANTITY, compareQuantities, parseQuantity } from './quantity.js';
import type { Quantity } from './quantity.js';
import type { KindStrategy } from './types.js';

const DECIMAL_SUFFIXES: readonly [number, string][] = [
  [18, 'E'],
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
  [-3, 'm'],
  [-6, 'u'],
  [-9, 'n'],
];
const BINARY_SUFFIXES: readonly [bigint, string][] = [
  [60n, 'Ei'],
  [50n, 'Pi'],
  [40n, 'Ti'],
  [30n, 'Gi'],
  [20n, 'Mi'],
  [10n, 'Ki'],
];

/**
 * A quantity's canonical text: the largest SI suffix (multiple of 3) that keeps the mantissa
 * whole (`1500` → `1500`, `2000` → `2k`, `0.5` → `500m`), or with `binary` the largest binary
 * suffix that divides a whole value (`1073741824` → `1Gi`). Values finer than `1n` round up.
 */
export function formatQuantity(q: Quantity, binary = false): string {
  if (q.num === 0n) return '0';
  const sign = q.num < 0n ? '-' : '';
  const num = q.num < 0n ? -q.num : q.num;
  if (binary && num % q.den === 0n) {
    const whole = num / q.den;
    for (const [bits, suffix] of BINARY_SUFFIXES) {
      const unit = 1n << bits;
      if (whole % unit === 0n) return `${sign}${whole / unit}${suffix}`;
    }
    return `${sign}${whole}`;
  }
  for (const [exp, suffix] of DECIMAL_SUFFIXES) {
    const scaledNum = exp >= 0 ? num : num * 10n ** BigInt(-exp);
    const scaledDen = exp >= 0 ? q.den * 10n ** BigInt(exp) : q.den;
    if (scaledNum % scaledDen === 0n) return `${sign}${scaledNum / scaledDen}${suffix}`;
  }
  const nanos = (num * 10n ** 9n + q.den - 1n) / q.den;
  return `${sign}${nanos}n`;
}

/** Whether a quantity's text uses a binary suffix (`Ki` ... `Ei`), so it prints back that way. */
export function isBinaryText(value: unknown): boolean {
  return typeof value === 'string' && /[KMGTPE]i$/.test(value);
}

/** The canonical text of a quantity given as text (or the text itself when it does not parse). */
export function canonicalQuantity(value: unknown): string {
  const q = parseQuantity(value);
  return q === undefined ? String(value) : formatQuantity(q, isBinaryText(value));
}

/** Whether a quota resource is an object count (its quantities must be whole numbers). */
export function isCountResource(name: string): boolean {
  return (
    name.startsWith('count/') ||
    [
      'pods',
      'services',
      'services.nodeports',
      'services.loadbalancers',
      'configmaps',
      'secrets',
      'replicationcontrollers',
      'resourcequotas',
      'persistentvolumeclaims',
    ].includes(name)
  );
}

/** The problems of one resource list (`spec.hard`, `status.used`): names and non-negative quantities. */
export function validateResourceList(value: unknown, path: string, counts: boolean): FieldError[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return [fieldError.typeInvalid(path, value, 'must be a map of quantities')];
  const errors: FieldError[] = [];
  for (const [name, text] of Object.entries(value)) {
    const at = `${path}[${name}]`;
    const bare = name.startsWith('count/') ? name.slice('count/'.length) : name;
    for (const e of qualifiedName(bare)) errors.push(fieldError.invalid(at, name, e));
    const q = parseQuantity(text);
    if (q === undefined) {
      errors.push(fieldError.invalid(at, text, `quantities must match the regular expression '${QUANTITY_PATTERN}'`));
    } else if (compareQuantities(q, ZERO_QUANTITY) < 0) {
      errors.push(fieldError.invalid(at, String(text), 'must be greater than or equal to 0'));
    } else if (counts && isCountResource(name) && q.num % q.den !== 0n) {
      errors.push(fieldError.invalid(at, String(text), 'must be an integer'));
    }
  }
  return errors;
}

const SCOPES = [
  'Terminating',
  'NotTerminating',
  'BestEffort',
  'NotBestEffort',
  'PriorityClass',
  'CrossNamespacePodAffinity',
];

function validateResourceQuota(obj: KubeObject): FieldError[] {
  const spec = obj['spec'];
  if (spec !== undefined && spec !== null && !isObject(spec))
    return [fieldError.typeInvalid('spec', spec, 'must be an object')];
  const status = record(obj['status']);
  const errors = [
    ...validateResourceList(record(spec)['hard'], 'spec.hard', true),
    ...validateResourceList(status['hard'], 'status.hard', true),
    ...validateResourceList(status['used'], 'status.used', true),
  ];
  for (const [i, scope] of list(record(spec)['scopes']).entries()) {
    if (typeof scope !== 'string' || !SCOPES.includes(scope))
      errors.push(fieldError.notSupported(`spec.scopes[${i}]`, scope, SCOPES));
  }
  return errors;
}

/** The ResourceQuota strategy: namespaced, names are DNS-1123 subdomains. */
export const resourceQuotaStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  validate: validateResourceQuota,
});
