/**
 * ResourceQuota admission: a create (or an update that raises usage) in a namespace with
 * ResourceQuotas is refused with 403 when it would take a quota's usage over `spec.hard`.
 * Tracked: `pods`, `services`, `services.nodeports`, `services.loadbalancers`, `configmaps`,
 * `secrets`, `count/<resource>[.<group>]`, `requests.cpu`, `requests.memory`, `limits.cpu`,
 * `limits.memory` (and `cpu`, `memory` as requests). Other names in `hard` are not enforced, and
 * quotas with scopes are skipped.
 *
 * Usage is recomputed from the store on every check (a list of the tracked kinds in the
 * namespace: fine at this scale). The check is race-free: the write's txn compares each affected
 * quota's modRevision and puts its new `status.used`, so of two concurrent creates only one
 * commits; the other gets the retryable Conflict and is checked again against the new usage.
 * Deletes do not touch the quota: `status.used` is recomputed on the next check (and on any write
 * of the quota itself), so it may overstate usage in between.
 */
import type { Compare, RequestOp } from '@bosun/raft-kv';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { ObjectStore } from '../storage/object-store.js';
import { list, record, text } from '../validation/kind-helpers.js';
import { ZERO_QUANTITY, addQuantities, compareQuantities, parseQuantity } from '../validation/quantity.js';
import type { Quantity } from '../validation/quantity.js';
import { formatQuantity, isBinaryText } from '../validation/resource-quota.js';
import type { AdmissionStep } from './types.js';

/** What the quota step reads. */
export interface ResourceQuotaDeps {
  /** The store; quotas and the objects they count are read from it, linearizably. */
  readonly store: ObjectStore;
  /** The served resource with this group and plural, or undefined (for `count/<resource>`). */
  readonly resource: (group: string, plural: string) => ResourceDefinition | undefined;
  /**
   * A fast answer to "may this namespace have quotas?" (the watch cache's view). When it says
   * no, the write is not checked: a quota created within the cache's lag (milliseconds) is not
   * yet enforced, the window kube-apiserver's quota lister has too. When it says yes, quotas are
   * read from the store and their usage joins the write's txn.
   */
  readonly mayHaveQuotas?: (namespace: string) => boolean;
}

/** Usage by quota resource name. */
export type Usage = Map<string, Quantity>;

const ONE: Quantity = { num: 1n, den: 1n };
/** Resources every container must state when a quota limits them (the podEvaluator's constraint). */
const COMPUTE = ['cpu', 'limits.cpu', 'limits.memory', 'memory', 'requests.cpu', 'requests.memory'];

/** The `count/` name of a resource: `count/pods`, `count/deployments.apps`. */
function countName(def: { group: string; plural: string }): string {
  return def.group === '' ? `count/${def.plural}` : `count/${def.plural}.${def.group}`;
}

/** The resource whose objects make up the usage of quota resource `name`, or undefined when untracked. */
export function trackedResource(name: string): { group: string; plural: string } | undefined {
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0 ? { group: '', plural: rest } : { group: rest.slice(dot + 1), plural: rest.slice(0, dot) };
  }
  if (name === 'pods' || COMPUTE.includes(name)) return { group: '', plural: 'pods' };
  if (name === 'services' || name === 'services.nodeports' || name === 'services.loadbalancers')
    return { group: '', plural: 'services' };
  if (name === 'configmaps' || name === 'secrets') return { group: '', plural: name };
  return undefined;
}

/** A pod's requests or limits: the sum over containers, at least the largest init container's. */
function podResources(pod: KubeObject, part: 'requests' | 'limits'): Usage {
  const spec = record(pod['spec']);
  const total: Usage = new Map();
  const read = (c: unknown) => {
    const out: [string, Quantity][] = [];
    for (const [name, value] of Object.entries(record(record(record(c)['resources'])[part]))) {
      const q = parseQuantity(value);
      if (q !== undefined) out.push([name, q]);
    }
    return out;
  };
  for (const c of list(spec['containers']))
    for (const [name, q] of read(c)) total.set(name, addQuantities(total.get(name) ?? ZERO_QUANTITY, q));
  for (const c of list(spec['initContainers'])) {
    for (const [name, q] of read(c)) {
      const prev = total.get(name);
      if (prev === undefined || compareQuantities(q, prev) > 0) total.set(name, q);
    }
  }
  return total;
}

/** What one object counts against a quota (Kubernetes' evaluators for pods, services and object counts). */
export function usageOf(def: { group: string; plural: string; kind: string }, obj: KubeObject): Usage {
  const usage: Usage = new Map([[countName(def), ONE]]);
  if (def.group !== '') return usage;
  switch (def.kind) {
    case 'Pod': {
      const phase = text(record(obj['status'])['phase']);
      if (phase === 'Succeeded' || phase === 'Failed') break;
      usage.set('pods', ONE);
      const requests = podResources(obj, 'requests');
      const limits = podResources(obj, 'limits');
      for (const r of ['cpu', 'memory']) {
        const request = requests.get(r);
        const limit = limits.get(r);
        if (request !== undefined) usage.set(r, request).set(`requests.${r}`, request);
        if (limit !== undefined) usage.set(`limits.${r}`, limit);
      }
      break;
    }
    case 'Service': {
      const spec = record(obj['spec']);
      const type = text(spec['type']);
      usage.set('services', ONE);
      if (type === 'NodePort' || type === 'LoadBalancer')
        usage.set('services.nodeports', { num: BigInt(list(spec['ports']).length), den: 1n });
      if (type === 'LoadBalancer') usage.set('services.loadbalancers', ONE);
      break;
    }
    case 'ConfigMap':
      usage.set('configmaps', ONE);
      break;
    case 'Secret':
      usage.set('secrets', ONE);
      break;
  }
  return usage;
}

/** A quota's hard limits that are valid quantities. */
function hardOf(quota: KubeObject): Map<string, { q: Quantity; binary: boolean }> {
  const out = new Map<string, { q: Quantity; binary: boolean }>();
  for (const [name, value] of Object.entries(record(record(quota['spec'])['hard']))) {
    const q = parseQuantity(value);
    if (q !== undefined) out.set(name, { q, binary: isBinaryText(value) });
  }
  return out;
}

/** Whether a quota has scopes (not enforced here). */
function scoped(quota: KubeObject): boolean {
  const spec = record(quota['spec']);
  return list(spec['scopes']).length > 0 || isObject(spec['scopeSelector']);
}

/** `k=v` pairs sorted by name, joined with commas (the quota error's prettyPrint). */
function pretty(names: readonly string[], values: (name: string) => string): string {
  return [...names]
    .sort()
    .map((n) => `${n}=${values(n)}`)
    .join(',');
}

/** The containers that do not state each required compute resource, as the quota error words it. */
function missingCompute(pod: KubeObject, required: readonly string[]): string | undefined {
  const spec = record(pod['spec']);
  const missing = new Map<string, Set<string>>();
  for (const c of [...list(spec['containers']), ...list(spec['initContainers'])]) {
    const resources = record(record(c)['resources']);
    const stated = new Set<string>();
    for (const r of Object.keys(record(resources['requests']))) stated.add(`requests.${r}`).add(r);
    for (const r of Object.keys(record(resources['limits']))) stated.add(`limits.${r}`);
    for (const r of required) {
      if (stated.has(r)) continue;
      const names = missing.get(r) ?? new Set<string>();
      names.add(text(record(c)['name']));
      missing.set(r, names);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...(missing.get(r) ?? [])].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

function forbidden(def: ResourceDefinition, obj: KubeObject, why: string): ApiError {
  const what = def.group === '' ? def.plural : `${def.plural}.${def.group}`;
  const name = obj.metadata.name ?? '';
  return new ApiError('Forbidden', `${what} "${name}" is forbidden: ${why}`, {
    name,
    group: def.group,
    kind: def.plural,
  });
}

/** The ResourceQuota admission step (a validating step: it runs after defaults and LimitRanger). */
export function resourceQuota(deps: ResourceQuotaDeps): AdmissionStep {
  const { store } = deps;

  /** Sums the usage of `names` over the stored objects of the namespace (one list per kind). */
  async function currentUsage(namespace: string, names: Iterable<string>): Promise<Usage> {
    const lists = new Map<string, Promise<{ def: ResourceDefinition; items: KubeObject[] } | undefined>>();
    const used: Usage = new Map();
    for (const name of names) {
      const tracked = trackedResource(name);
      if (tracked === undefined) continue;
      const key = `${tracked.group}/${tracked.plural}`;
      let pending = lists.get(key);
      if (pending === undefined) {
        const def = deps.resource(tracked.group, tracked.plural);
        pending =
          def === undefined || !def.namespaced
            ? Promise.resolve(undefined)
            : store.list(def, { namespace }).then((page) => ({ def, items: page.items }));
        lists.set(key, pending);
      }
      const found = await pending;
      if (found === undefined) continue;
      let total = ZERO_QUANTITY;
      for (const item of found.items) total = addQuantities(total, usageOf(found.def, item).get(name) ?? ZERO_QUANTITY);
      used.set(name, total);
    }
    return used;
  }

  function statusOf(quota: KubeObject, used: Usage): Record<string, unknown> {
    const hard = hardOf(quota);
    const before = record(record(quota['status'])['used']);
    const out: Record<string, string> = {};
    for (const name of Object.keys(record(record(quota['spec'])['hard']))) {
      const u = used.get(name);
      if (u !== undefined) out[name] = formatQuantity(u, hard.get(name)?.binary ?? false);
      else if (typeof before[name] === 'string') out[name] = before[name];
    }
    return { ...record(quota['status']), hard: { ...record(record(quota['spec'])['hard']) }, used: out };
  }

  return {
    name: 'ResourceQuota',
    async admit(req) {
      if (req.subresource !== '' || req.operation === 'DELETE' || !req.def.namespaced) return;
      const obj = req.object;
      const namespace = obj.metadata.namespace ?? '';
      const quotaDef = deps.resource('', 'resourcequotas');
      if (quotaDef === undefined) return;
      if (req.def.group === '' && req.def.kind === 'ResourceQuota') {
        // A quota's own write fills its status from the current usage.
        obj['status'] = statusOf(obj, await currentUsage(namespace, hardOf(obj).keys()));
        return;
      }
      if (deps.mayHaveQuotas?.(namespace) === false) return;
      const quotas = (await store.list(quotaDef, { namespace })).items.filter((q) => !scoped(q));
      if (quotas.length === 0) return;
      const next = usageOf(req.def, obj);
      const prev = req.operation === 'UPDATE' && req.old !== undefined ? usageOf(req.def, req.old) : new Map();
      const compare: Compare[] = [];
      const success: RequestOp[] = [];
      for (const quota of quotas) {
        const hard = hardOf(quota);
        const delta: Usage = new Map();
        for (const name of hard.keys()) {
          const d = addQuantities(next.get(name) ?? ZERO_QUANTITY, negate(prev.get(name) ?? ZERO_QUANTITY));
          if (compareQuantities(d, ZERO_QUANTITY) > 0) delta.set(name, d);
        }
        if (delta.size === 0) continue;
        const quotaName = quota.metadata.name ?? '';
        if (req.def.group === '' && req.def.kind === 'Pod' && req.operation === 'CREATE') {
          const required = COMPUTE.filter((r) => hard.has(r));
          const missing = missingCompute(obj, required);
          if (missing !== undefined) throw forbidden(req.def, obj, `failed quota: ${quotaName}: ${missing}`);
        }
        const used = await currentUsage(namespace, hard.keys());
        const after: Usage = new Map();
        for (const [name, u] of used) after.set(name, addQuantities(u, delta.get(name) ?? ZERO_QUANTITY));
        // On an update the stored (old) object is already in `used`; the delta is the change.
        const failed = [...delta.keys()].filter((name) => {
          const limit = hard.get(name);
          const total = after.get(name);
          return limit !== undefined && total !== undefined && compareQuantities(total, limit.q) > 0;
        });
        if (failed.length > 0) {
          const show = (u: Usage) => (name: string) =>
            formatQuantity(u.get(name) ?? ZERO_QUANTITY, hard.get(name)?.binary ?? false);
          const hardText = new Map([...hard].map(([n, h]) => [n, h.q]));
          throw forbidden(
            req.def,
            obj,
            `exceeded quota: ${quotaName}, requested: ${pretty(failed, show(delta))}, used: ${pretty(failed, show(used))}, limited: ${pretty(failed, show(hardText))}`,
          );
        }
        const key = store.key(quotaDef, namespace, quotaName);
        compare.push({ key, target: 'modRevision', result: '=', value: Number(quota.metadata.resourceVersion) });
        success.push({ type: 'put', key, value: store.encode({ ...quota, status: statusOf(quota, after) }) });
      }
      return { compare, success };
    },
  };
}

function negate(q: Quantity): Quantity {
  return { num: -q.num, den: q.den };
}
