/**
 * The Pod strategy: Kubernetes' Pod defaults (including those its default admission plugins add:
 * priority, default tolerations, status on create) and Pod validation, with the narrow set of
 * spec changes an update may make.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import type { KubeObject } from '../api/types.js';
import { maps } from './container.js';
import { sameJson } from './json-equal.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { dns1123Subdomain } from './names.js';
import { defaultPodSpec, validatePodSpec } from './pod-spec.js';
import { addQuantities, compareQuantities, parseQuantity, ZERO_QUANTITY } from './quantity.js';
import type { Quantity } from './quantity.js';
import type { KindStrategy } from './types.js';

type JsonMap = Record<string, unknown>;

/** A pod's quality-of-service class (status.qosClass). */
export type PodQOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

/** How long DefaultTolerationSeconds lets a pod stay on a not-ready or unreachable node. */
export const DEFAULT_TOLERATION_SECONDS = 300;

/** The taints DefaultTolerationSeconds tolerates for a while. */
const DEFAULT_TOLERATED_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'] as const;

/** The message Kubernetes gives when an update changes a spec field it may not. */
export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Pods: defaults, validation on create and on update. */
export const podStrategy: KindStrategy = {
  defaults(obj: KubeObject): void {
    if (!isObject(obj['spec'])) obj['spec'] = {};
    const spec = obj['spec'] as JsonMap;
    for (const container of [...maps(spec['initContainers']), ...maps(spec['containers'])]) {
      defaultRequestsFromLimits(container);
    }
    if (spec['hostNetwork'] === true) defaultHostNetworkPorts(spec);
    defaultPodSpec(spec);
    if ((spec['priorityClassName'] ?? '') === '') spec['priority'] ??= 0;
    spec['preemptionPolicy'] ??= 'PreemptLowerPriority';
    spec['tolerations'] = withDefaultTolerations(spec['tolerations']);
    if (!isObject(obj['status'])) obj['status'] = {};
    const status = obj['status'] as JsonMap;
    status['phase'] ??= 'Pending';
    status['qosClass'] ??= podQOSClass(spec);
  },

  validate(obj: KubeObject): FieldError[] {
    return [
      ...validateObjectMeta(obj.metadata, { namespaced: true, name: dns1123Subdomain }),
      ...validatePodSpec(obj['spec'], 'spec'),
    ];
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return [
      ...podStrategy.validate(obj),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validatePodSpecUpdate(obj['spec'], old['spec']),
    ];
  },
};

/** A Pod's container without requests gets its limits as requests (SetDefaults_Pod). */
function defaultRequestsFromLimits(container: JsonMap): void {
  const resources = container['resources'];
  if (!isObject(resources) || !isObject(resources['limits'])) return;
  const requests = isObject(resources['requests']) ? resources['requests'] : {};
  for (const [name, limit] of Object.entries(resources['limits'])) requests[name] ??= limit;
  resources['requests'] = requests;
}

/** With the host's network, a container port is also a host port. */
function defaultHostNetworkPorts(spec: JsonMap): void {
  for (const container of [...maps(spec['initContainers']), ...maps(spec['containers'])]) {
    for (const port of maps(container['ports'])) port['hostPort'] ??= port['containerPort'];
  }
}

/** The tolerations plus DefaultTolerationSeconds' not-ready/unreachable ones, unless already tolerated. */
function withDefaultTolerations(list: unknown): unknown {
  if (list !== undefined && list !== null && !Array.isArray(list)) return list;
  const tolerations: unknown[] = Array.isArray(list) ? [...list] : [];
  for (const key of DEFAULT_TOLERATED_TAINTS) {
    const covered = maps(tolerations).some(
      (t) =>
        ((t['key'] ?? '') === '' || t['key'] === key) && ((t['effect'] ?? '') === '' || t['effect'] === 'NoExecute'),
    );
    if (!covered) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
  }
  return tolerations;
}

/** A pod's QoS class from its containers' cpu and memory requests and limits (after defaulting). */
export function podQOSClass(spec: JsonMap): PodQOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const container of [...maps(spec['initContainers']), ...maps(spec['containers'])]) {
    const resources = isObject(container['resources']) ? container['resources'] : {};
    const seenLimits = new Set<string>();
    for (const [part, sums] of [
      ['requests', requests],
      ['limits', limits],
    ] as const) {
      const values = isObject(resources[part]) ? resources[part] : {};
      for (const name of ['cpu', 'memory']) {
        const quantity = parseQuantity(values[name]);
        if (quantity === undefined || compareQuantities(quantity, ZERO_QUANTITY) === 0) continue;
        if (part === 'limits') seenLimits.add(name);
        sums.set(name, addQuantities(sums.get(name) ?? ZERO_QUANTITY, quantity));
      }
    }
    if (seenLimits.size < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed && requests.size === limits.size) {
    const equal = [...requests].every(([name, q]) => {
      const limit = limits.get(name);
      return limit !== undefined && compareQuantities(q, limit) === 0;
    });
    if (equal) return 'Guaranteed';
  }
  return 'Burstable';
}

/** The problems of changing a pod's spec from `old` to `spec`: only a few fields may change. */
export function validatePodSpecUpdate(spec: unknown, old: unknown): FieldError[] {
  if (!isObject(spec) || !isObject(old)) return [];
  const errors: FieldError[] = [];
  const deadline = spec['activeDeadlineSeconds'];
  const oldDeadline = old['activeDeadlineSeconds'];
  if (typeof oldDeadline === 'number') {
    if (deadline === undefined || deadline === null) {
      errors.push(
        fieldError.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'),
      );
    } else if (typeof deadline === 'number' && deadline > oldDeadline) {
      errors.push(
        fieldError.invalid('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value'),
      );
    }
  }
  errors.push(...validateOnlyAddedTolerations(spec['tolerations'], old['tolerations']));
  const munged = structuredClone(old);
  for (const field of ['containers', 'initContainers'] as const) {
    const now = maps(spec[field]);
    const before = maps(munged[field]);
    if (now.length !== before.length) continue;
    for (const [i, container] of before.entries()) container['image'] = now[i]?.['image'];
  }
  munged['activeDeadlineSeconds'] = spec['activeDeadlineSeconds'];
  munged['tolerations'] = spec['tolerations'];
  const grace = old['terminationGracePeriodSeconds'];
  if (typeof grace === 'number' && grace < 0 && spec['terminationGracePeriodSeconds'] === 1) {
    munged['terminationGracePeriodSeconds'] = 1;
  }
  const changed = changedFields(spec, munged);
  if (changed.length > 0) {
    errors.push(fieldError.forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n  changed: ${changed.join(', ')}`));
  }
  return errors;
}

/** Each old toleration must stay, though its tolerationSeconds may change (the new list is validated with the pod). */
function validateOnlyAddedTolerations(list: unknown, oldList: unknown): FieldError[] {
  const now = maps(list);
  for (const old of maps(oldList)) {
    const kept = now.some((t) => sameJson({ ...old, tolerationSeconds: null }, { ...t, tolerationSeconds: null }));
    if (!kept) {
      return [
        fieldError.forbidden(
          'spec.tolerations',
          'existing toleration can not be modified except its tolerationSeconds',
        ),
      ];
    }
  }
  return [];
}

/** The top-level spec fields whose values differ, as `spec.<field>`. */
function changedFields(a: JsonMap, b: JsonMap): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => !sameJson(a[k], b[k]))
    .sort()
    .map((k) => `spec.${k}`);
}
