/** The table of printers by kind key. */
import { endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './event.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { limitRangePrinter, resourceQuotaPrinter } from './quota.js';
import { roleBindingPrinter, rolePrinter } from './rbac.js';
import { servicePrinter } from './service.js';
import {
  configMapPrinter,
  defaultPrinter,
  leasePrinter,
  namespacePrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './simple.js';
import type { TablePrinter } from './types.js';
import { deploymentPrinter, replicaSetPrinter } from './workloads.js';

const PRINTERS: ReadonlyMap<string, TablePrinter> = new Map([
  ['Pod', podPrinter],
  ['Node', nodePrinter],
  ['Service', servicePrinter],
  ['Endpoints', endpointsPrinter],
  ['Deployment.apps', deploymentPrinter],
  ['ReplicaSet.apps', replicaSetPrinter],
  ['Namespace', namespacePrinter],
  ['Event', eventPrinter],
  ['ConfigMap', configMapPrinter],
  ['Secret', secretPrinter],
  ['ServiceAccount', serviceAccountPrinter],
  ['ResourceQuota', resourceQuotaPrinter],
  ['LimitRange', limitRangePrinter],
  ['Lease.coordination.k8s.io', leasePrinter],
  ['Role.rbac.authorization.k8s.io', rolePrinter],
  ['ClusterRole.rbac.authorization.k8s.io', rolePrinter],
  ['RoleBinding.rbac.authorization.k8s.io', roleBindingPrinter],
  ['ClusterRoleBinding.rbac.authorization.k8s.io', roleBindingPrinter],
]);

/** The printer for a kind key (`Pod`, `Deployment.apps`, ...); the Name/Age printer for any other kind. */
export function printerFor(kindKey: string): TablePrinter {
  return PRINTERS.get(kindKey) ?? defaultPrinter;
}
