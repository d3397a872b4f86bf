/** The Node printer: STATUS from the Ready condition, ROLES from role labels, kubelet VERSION and wide host facts. */
import type { KubeObject } from '../api/types.js';
import { ageCell } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, column, wideColumn } from './columns.js';
import { field, list, str } from './fields.js';
import type { TablePrinter } from './types.js';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** The node's STATUS cell: `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: KubeObject): string {
  const conditions = list(field(node, 'status'), 'conditions').filter((c) => str(c, 'type') === 'Ready');
  const ready = conditions[conditions.length - 1];
  const parts = [ready === undefined ? 'Unknown' : str(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
  if (field(node, 'spec')['unschedulable'] === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** The node's roles, sorted and de-duplicated, from `node-role.kubernetes.io/<role>` and `kubernetes.io/role=<role>` labels. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX)) {
      const role = key.slice(ROLE_LABEL_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (key === LEGACY_ROLE_LABEL && value !== '') {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

function address(node: KubeObject, type: string): string {
  const found = list(field(node, 'status'), 'addresses').find((a) => str(a, 'type') === type);
  return found === undefined ? '<none>' : str(found, 'address');
}

/** How `kubectl get nodes` prints a Node. */
export const nodePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Whether the node is ready, and whether scheduling is disabled.'),
    column('Roles', 'string', 'Roles taken from the node-role labels.'),
    AGE_COLUMN,
    column('Version', 'string', 'The kubelet version the node reports.'),
    wideColumn('Internal-IP', 'string', 'The first InternalIP address of the node.'),
    wideColumn('External-IP', 'string', 'The first ExternalIP address of the node.'),
    wideColumn('OS-Image', 'string', 'The operating system image the node reports.'),
    wideColumn('Kernel-Version', 'string', 'The kernel version the node reports.'),
    wideColumn('Container-Runtime', 'string', 'The container runtime and version the node reports.'),
  ],
  cells(node, now) {
    const info = field(field(node, 'status'), 'nodeInfo');
    return [
      node.metadata.name ?? '',
      nodeStatus(node),
      nodeRoles(node).join(',') || '<none>',
      ageCell(node.metadata.creationTimestamp, now),
      str(info, 'kubeletVersion'),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      str(info, 'osImage') || '<unknown>',
      str(info, 'kernelVersion') || '<unknown>',
      str(info, 'containerRuntimeVersion') || '<unknown>',
    ];
  },
};
