/**
 * LimitRanger admission, as Kubernetes' plugin does it for pods: the mutating half fills each
 * container's missing requests and limits from the namespace's LimitRange items of type Container
 * (`defaultRequest`, `default`) and records what it set in the `kubernetes.io/limit-ranger`
 * annotation; the validating half refuses a pod (403) whose containers (type Container) or whose
 * sum over containers (type Pod) break a `min`, `max` or `maxLimitRequestRatio`. Only pod creates
 * are checked: a pod's resources cannot change after it is created.
 */
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { list, record, text } from '../validation/kind-helpers.js';
import { addQuantities, compareQuantities, parseQuantity } from '../validation/quantity.js';
import type { Quantity } from '../validation/quantity.js';
import { canonicalQuantity, formatQuantity } from '../validation/resource-quota.js';
import type { AdmissionRequest, AdmissionStep } from './types.js';

/** Reads the LimitRanges of a namespace. */
export type LimitRangeLister = (namespace: string) => Promise<readonly KubeObject[]>;

/** The annotation naming the defaults LimitRanger set. */
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type ResourceList = Record<string, unknown>;

interface ContainerRef {
  readonly container: Record<string, unknown>;
  readonly init: boolean;
}

/** The pod's containers then its init containers (as objects). */
function containersOf(pod: KubeObject): ContainerRef[] {
  const spec = record(pod['spec']);
  const out: ContainerRef[] = [];
  for (const c of list(spec['containers'])) if (isObject(c)) out.push({ container: c, init: false });
  for (const c of list(spec['initContainers'])) if (isObject(c)) out.push({ container: c, init: true });
  return out;
}

/** The LimitRange items of `type`, over every LimitRange given. */
function itemsOf(limitRanges: readonly KubeObject[], type: string): Record<string, unknown>[] {
  return limitRanges.flatMap((lr) =>
    list(record(lr['spec'])['limits']).filter((i): i is Record<string, unknown> => isObject(i) && i['type'] === type),
  );
}

/** `container.resources[part]`, created when absent. */
function resourcePart(container: Record<string, unknown>, part: 'requests' | 'limits'): ResourceList {
  const resources = isObject(container['resources']) ? container['resources'] : {};
  container['resources'] = resources;
  const current = resources[part];
  if (isObject(current)) return current;
  const created: ResourceList = {};
  resources[part] = created;
  return created;
}

/**
 * Fills the pod's missing container requests and limits from the Container items' defaults
 * (the first LimitRange that has a default wins) and sets the limit-ranger annotation; returns
 * the annotation text, or undefined when nothing was set.
 */
export function applyLimitRangeDefaults(pod: KubeObject, limitRanges: readonly KubeObject[]): string | undefined {
  const items = itemsOf(limitRanges, 'Container');
  if (items.length === 0) return undefined;
  const notes: string[] = [];
  for (const { container, init } of containersOf(pod)) {
    const setRequests = new Set<string>();
    const setLimits = new Set<string>();
    for (const item of items) {
      const defaults = record(item['default']);
      const defaultRequests = record(item['defaultRequest']);
      if (Object.keys(defaults).length > 0) {
        const limits = resourcePart(container, 'limits');
        for (const [name, value] of Object.entries(defaults)) {
          if (limits[name] !== undefined) continue;
          limits[name] = value;
          setLimits.add(name);
        }
      }
      if (Object.keys(defaultRequests).length > 0) {
        const requests = resourcePart(container, 'requests');
        for (const [name, value] of Object.entries(defaultRequests)) {
          if (requests[name] !== undefined) continue;
          requests[name] = value;
          setRequests.add(name);
        }
      }
    }
    const what = `${init ? 'init container' : 'container'} ${text(container['name'])}`;
    if (setRequests.size > 0) notes.push(`${[...setRequests].sort().join(', ')} request for ${what}`);
    if (setLimits.size > 0) notes.push(`${[...setLimits].sort().join(', ')} limit for ${what}`);
  }
  if (notes.length === 0) return undefined;
  const value = `LimitRanger plugin set: ${notes.join('; ')}`;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: value };
  return value;
}

/** Observed requests and limits: their texts (for messages) and values. */
interface Observed {
  readonly requests: ReadonlyMap<string, { text: string; q: Quantity }>;
  readonly limits: ReadonlyMap<string, { text: string; q: Quantity }>;
}

function observedOf(resources: unknown): Observed {
  const read = (part: string) => {
    const out = new Map<string, { text: string; q: Quantity }>();
    for (const [name, value] of Object.entries(record(record(resources)[part]))) {
      const q = parseQuantity(value);
      if (q !== undefined) out.set(name, { text: canonicalQuantity(value), q });
    }
    return out;
  };
  return { requests: read('requests'), limits: read('limits') };
}

/** A pod's total requests and limits: the sum over containers, at least the largest init container's. */
function podObserved(pod: KubeObject): Observed {
  const sum = (part: 'requests' | 'limits') => {
    const total = new Map<string, Quantity>();
    const initMax = new Map<string, Quantity>();
    for (const { container, init } of containersOf(pod)) {
      const values =
        part === 'requests' ? observedOf(container['resources']).requests : observedOf(container['resources']).limits;
      for (const [name, { q }] of values) {
        if (!init) total.set(name, addQuantities(total.get(name) ?? { num: 0n, den: 1n }, q));
        else {
          const prev = initMax.get(name);
          if (prev === undefined || compareQuantities(q, prev) > 0) initMax.set(name, q);
        }
      }
    }
    for (const [name, q] of initMax) {
      const prev = total.get(name);
      if (prev === undefined || compareQuantities(q, prev) > 0) total.set(name, q);
    }
    const out = new Map<string, { text: string; q: Quantity }>();
    for (const [name, q] of total) out.set(name, { text: formatQuantity(q), q });
    return out;
  };
  return { requests: sum('requests'), limits: sum('limits') };
}

/** The problems of one requests/limits pair against one item (Kubernetes' min/max/ratio constraints). */
function checkItem(item: Record<string, unknown>, type: string, observed: Observed): string[] {
  const errors: string[] = [];
  const sorted = (field: string) =>
    Object.entries(record(item[field]))
      .flatMap(([name, value]) => {
        const q = parseQuantity(value);
        return q === undefined ? [] : [{ name, q, text: canonicalQuantity(value) }];
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name, q, text: enforced } of sorted('min')) {
    const req = observed.requests.get(name);
    const lim = observed.limits.get(name);
    if (req === undefined) errors.push(`minimum ${name} usage per ${type} is ${enforced}.  No request is specified`);
    else if (compareQuantities(req.q, q) < 0)
      errors.push(`minimum ${name} usage per ${type} is ${enforced}, but request is ${req.text}`);
    else if (lim !== undefined && compareQuantities(lim.q, q) < 0)
      errors.push(`minimum ${name} usage per ${type} is ${enforced}, but limit is ${lim.text}`);
  }
  for (const { name, q, text: enforced } of sorted('max')) {
    const req = observed.requests.get(name);
    const lim = observed.limits.get(name);
    if (lim === undefined) errors.push(`maximum ${name} usage per ${type} is ${enforced}.  No limit is specified`);
    else if (compareQuantities(lim.q, q) > 0)
      errors.push(`maximum ${name} usage per ${type} is ${enforced}, but limit is ${lim.text}`);
    else if (req !== undefined && compareQuantities(req.q, q) > 0)
      errors.push(`maximum ${name} usage per ${type} is ${enforced}, but request is ${req.text}`);
  }
  for (const { name, q, text: enforced } of sorted('maxLimitRequestRatio')) {
    const req = observed.requests.get(name);
    const lim = observed.limits.get(name);
    if (req === undefined || req.q.num === 0n) {
      errors.push(
        `${name} max limit to request ratio per ${type} is ${enforced}, but no request is specified or request is 0`,
      );
    } else if (lim === undefined || lim.q.num === 0n) {
      errors.push(
        `${name} max limit to request ratio per ${type} is ${enforced}, but no limit is specified or limit is 0`,
      );
    } else {
      // lim / req > q  ⇔  lim.num * req.den * q.den > q.num * lim.den * req.num (all denominators positive).
      const ratio = { num: lim.q.num * req.q.den, den: lim.q.den * req.q.num };
      if (compareQuantities(ratio, q) > 0) {
        const shown = (Number((ratio.num * 1_000_000n) / ratio.den) / 1_000_000).toFixed(6);
        errors.push(`${name} max limit to request ratio per ${type} is ${enforced}, but provided ratio is ${shown}`);
      }
    }
  }
  return errors;
}

/** The pod's LimitRange violations in Kubernetes' words (empty when it fits). */
export function limitRangeViolations(pod: KubeObject, limitRanges: readonly KubeObject[]): string[] {
  const errors: string[] = [];
  for (const item of itemsOf(limitRanges, 'Container')) {
    for (const { container } of containersOf(pod)) {
      errors.push(...checkItem(item, 'Container', observedOf(container['resources'])));
    }
  }
  const podItems = itemsOf(limitRanges, 'Pod');
  if (podItems.length > 0) {
    const observed = podObserved(pod);
    for (const item of podItems) errors.push(...checkItem(item, 'Pod', observed));
  }
  return [...new Set(errors)];
}

/** The Forbidden error for a pod's violations: one message, or several as `[a, b]` (Go's aggregate). */
export function limitRangeError(pod: KubeObject, violations: readonly string[]): ApiError {
  const name = pod.metadata.name ?? '';
  const why = violations.length === 1 ? (violations[0] ?? '') : `[${violations.join(', ')}]`;
  return new ApiError('Forbidden', `pods "${name}" is forbidden: ${why}`, { name, group: '', kind: 'pods' });
}

function isPodCreate(req: AdmissionRequest): boolean {
  return req.def.group === '' && req.def.kind === 'Pod' && req.operation === 'CREATE' && req.subresource === '';
}

/** The LimitRanger steps: `mutating` fills defaults, `validating` checks min/max/ratio. */
export function limitRanger(listLimitRanges: LimitRangeLister): {
  readonly mutating: AdmissionStep;
  readonly validating: AdmissionStep;
} {
  return {
    mutating: {
      name: 'LimitRanger',
      async admit(req) {
        if (!isPodCreate(req)) return;
        const ranges = await listLimitRanges(req.object.metadata.namespace ?? '');
        applyLimitRangeDefaults(req.object, ranges);
      },
    },
    validating: {
      name: 'LimitRanger',
      async admit(req) {
        if (!isPodCreate(req)) return;
        const ranges = await listLimitRanges(req.object.metadata.namespace ?? '');
        const violations = limitRangeViolations(req.object, ranges);
        if (violations.length > 0) throw limitRangeError(req.object, violations);
      },
    },
  };
}
