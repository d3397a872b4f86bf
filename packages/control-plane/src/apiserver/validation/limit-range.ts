/**
 * The LimitRange strategy (SetDefaults_LimitRangeItem and ValidateLimitRange): Container items
 * get their default limit from max and their default request from the default limit or min; each
 * item's min, max, default, defaultRequest and maxLimitRequestRatio must be consistent.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { kindStrategy, list, record, text } from './kind-helpers.js';
import { dns1123Subdomain } from './names.js';
import { compareQuantities, parseQuantity } from './quantity.js';
import type { Quantity } from './quantity.js';
import { canonicalQuantity, validateResourceList } from './resource-quota.js';
import type { KindStrategy } from './types.js';

/** The item types a LimitRange may constrain. */
export const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'] as const;

/** The resource lists of a LimitRange item. */
export const LIMIT_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

/** Fills the defaults of each Container item, as SetDefaults_LimitRangeItem does. */
function defaultLimitRange(obj: KubeObject): void {
  const spec = obj['spec'];
  if (!isObject(spec)) return;
  for (const item of list(spec['limits'])) {
    if (!isObject(item) || item['type'] !== 'Container') continue;
    const defaults = isObject(item['default']) ? item['default'] : {};
    const requests = isObject(item['defaultRequest']) ? item['defaultRequest'] : {};
    for (const [name, value] of Object.entries(record(item['max']))) defaults[name] ??= value;
    for (const [name, value] of Object.entries(defaults)) requests[name] ??= value;
    for (const [name, value] of Object.entries(record(item['min']))) requests[name] ??= value;
    if (Object.keys(defaults).length > 0) item['default'] = defaults;
    if (Object.keys(requests).length > 0) item['defaultRequest'] = requests;
  }
}

function quantities(value: unknown): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(record(value))) {
    const q = parseQuantity(v);
    if (q !== undefined) out.set(name, q);
  }
  return out;
}

const ONE: Quantity = { num: 1n, den: 1n };

function validateItem(item: unknown, path: string): FieldError[] {
  if (!isObject(item)) return [fieldError.typeInvalid(path, item, 'must be an object')];
  const errors: FieldError[] = [];
  const type = text(item['type']);
  if (type === '') errors.push(fieldError.required(`${path}.type`));
  else if (!(LIMIT_TYPES as readonly string[]).includes(type))
    errors.push(fieldError.notSupported(`${path}.type`, type, LIMIT_TYPES));
  for (const f of LIMIT_FIELDS) errors.push(...validateResourceList(item[f], `${path}.${f}`, false));
  if (type === 'Pod') {
    for (const f of ['default', 'defaultRequest'] as const) {
      if (Object.keys(record(item[f])).length > 0)
        errors.push(fieldError.forbidden(`${path}.${f}`, "may not be specified when `type` is 'Pod'"));
    }
  }
  const [max, min, def, req, ratio] = LIMIT_FIELDS.map((f) => quantities(item[f])) as [
    Map<string, Quantity>,
    Map<string, Quantity>,
    Map<string, Quantity>,
    Map<string, Quantity>,
    Map<string, Quantity>,
  ];
  const show = (f: (typeof LIMIT_FIELDS)[number], name: string): string => canonicalQuantity(record(item[f])[name]);
  const names = new Set([...max.keys(), ...min.keys(), ...def.keys(), ...req.keys(), ...ratio.keys()]);
  for (const name of [...names].sort()) {
    const lo = min.get(name);
    const hi = max.get(name);
    const d = def.get(name);
    const r = req.get(name);
    const x = ratio.get(name);
    if (lo && hi && compareQuantities(lo, hi) > 0)
      errors.push(
        fieldError.invalid(
          `${path}.min[${name}]`,
          show('min', name),
          `min value ${show('min', name)} is greater than max value ${show('max', name)}`,
        ),
      );
    if (r && lo && compareQuantities(lo, r) > 0)
      errors.push(
        fieldError.invalid(
          `${path}.defaultRequest[${name}]`,
          show('defaultRequest', name),
          `min value ${show('min', name)} is greater than default request value ${show('defaultRequest', name)}`,
        ),
      );
    if (r && hi && compareQuantities(r, hi) > 0)
      errors.push(
        fieldError.invalid(
          `${path}.defaultRequest[${name}]`,
          show('defaultRequest', name),
          `default request value ${show('defaultRequest', name)} is greater than max value ${show('max', name)}`,
        ),
      );
    if (r && d && compareQuantities(r, d) > 0)
      errors.push(
        fieldError.invalid(
          `${path}.defaultRequest[${name}]`,
          show('defaultRequest', name),
          `default request value ${show('defaultRequest', name)} is greater than default limit value ${show('default', name)}`,
        ),
      );
    if (d && lo && compareQuantities(lo, d) > 0)
      errors.push(
        fieldError.invalid(
          `${path}.default[${name}]`,
          show('min', name),
          `min value ${show('min', name)} is greater than default value ${show('default', name)}`,
        ),
      );
    if (d && hi && compareQuantities(d, hi) > 0)
      errors.push(
        fieldError.invalid(
          `${path}.default[${name}]`,
          show('max', name),
          `default value ${show('default', name)} is greater than max value ${show('max', name)}`,
        ),
      );
    if (x && compareQuantities(x, ONE) < 0)
      errors.push(
        fieldError.invalid(
          `${path}.maxLimitRequestRatio[${name}]`,
          show('maxLimitRequestRatio', name),
          `ratio ${show('maxLimitRequestRatio', name)} is less than 1`,
        ),
      );
  }
  return errors;
}

function validateLimitRange(obj: KubeObject): FieldError[] {
  const spec = obj['spec'];
  if (!isObject(spec)) return [fieldError.required('spec')];
  const limits = spec['limits'];
  if (limits !== undefined && limits !== null && !Array.isArray(limits))
    return [fieldError.typeInvalid('spec.limits', limits, 'must be a list')];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, item] of list(limits).entries()) {
    errors.push(...validateItem(item, `spec.limits[${i}]`));
    const type = text(record(item)['type']);
    if (type === '') continue;
    if (seen.has(type)) errors.push(fieldError.duplicate(`spec.limits[${i}].type`, type));
    seen.add(type);
  }
  return errors;
}

/** The LimitRange strategy: namespaced, names are DNS-1123 subdomains, Container items defaulted. */
export const limitRangeStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  defaults: defaultLimitRange,
  validate: validateLimitRange,
});
