/**
 * Each kind's strategy (defaults and validation) by its kind key, for the REST layer.
 */
import { configMapStrategy, secretStrategy } from './config.js';
import { deploymentStrategy } from './deployment.js';
import { endpointsStrategy } from './endpoints.js';
import { eventStrategy } from './event.js';
import { leaseStrategy } from './lease.js';
import { limitRangeStrategy } from './limit-range.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { podStrategy } from './pod.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.js';
import { replicaSetStrategy } from './replicaset.js';
import { resourceQuotaStrategy } from './resource-quota.js';
import { serviceAccountStrategy } from './service-account.js';
import { serviceStrategy } from './service.js';
import type { KindStrategy } from './types.js';

/** The strategies by kind key (`Pod`, `Deployment.apps`, `Role.rbac.authorization.k8s.io`). */
const STRATEGIES: ReadonlyMap<string, KindStrategy> = new Map<string, KindStrategy>([
  ['Pod', podStrategy],
  ['Service', serviceStrategy],
  ['Namespace', namespaceStrategy],
  ['Node', nodeStrategy],
  ['ConfigMap', configMapStrategy],
  ['Secret', secretStrategy],
  ['ServiceAccount', serviceAccountStrategy],
  ['Endpoints', endpointsStrategy],
  ['Event', eventStrategy],
  ['ResourceQuota', resourceQuotaStrategy],
  ['LimitRange', limitRangeStrategy],
  ['Deployment.apps', deploymentStrategy],
  ['ReplicaSet.apps', replicaSetStrategy],
  ['Lease.coordination.k8s.io', leaseStrategy],
  ['Role.rbac.authorization.k8s.io', roleStrategy],
  ['ClusterRole.rbac.authorization.k8s.io', clusterRoleStrategy],
  ['RoleBinding.rbac.authorization.k8s.io', roleBindingStrategy],
  ['ClusterRoleBinding.rbac.authorization.k8s.io', clusterRoleBindingStrategy],
]);

/** The strategy of the kind with key `kindKey` (see api/types.ts kindKey), or undefined when it has none. */
export function strategyFor(kindKey: string): KindStrategy | undefined {
  return STRATEGIES.get(kindKey);
}

/** The kind keys that have a strategy. */
export function strategyKinds(): string[] {
  return [...STRATEGIES.keys()];
}

export type { KindStrategy } from './types.js';
export { configMapStrategy, secretStrategy } from './config.js';
export { endpointsStrategy } from './endpoints.js';
export { eventStrategy } from './event.js';
export { leaseStrategy } from './lease.js';
export { limitRangeStrategy } from './limit-range.js';
export { namespaceStrategy } from './namespace.js';
export { nodeStrategy } from './node.js';
export { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.js';
export { resourceQuotaStrategy } from './resource-quota.js';
export { serviceAccountStrategy } from './service-account.js';
export { serviceStrategy } from './service.js';
