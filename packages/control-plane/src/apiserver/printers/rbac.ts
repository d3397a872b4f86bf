/**
 * The RBAC printers. Roles and ClusterRoles have no printer in kube-apiserver and get its generic
 * table: Name and Created At (an RFC 3339 timestamp). Bindings show the role they grant and, wide,
 * their subjects.
 */
import type { KubeObject } from '../api/types.js';
import { ageCell, parseTimestamp } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, column, wideColumn } from './columns.js';
import { field, list, str } from './fields.js';
import type { TablePrinter } from './types.js';

/** The Created At cell: the creation time in UTC as RFC 3339 with whole seconds (`2024-05-01T10:00:00Z`). */
export function createdAtCell(timestamp: unknown): string {
  const at = parseTimestamp(timestamp);
  // Go formats a zero time this way; kube prints it for an object without a timestamp.
  if (at === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** How `kubectl get roles` and `kubectl get clusterroles` print a Role or ClusterRole. */
export const rolePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    { name: 'Created At', type: 'date', format: '', description: 'When the object was created.', priority: 0 },
  ],
  cells(role) {
    return [role.metadata.name ?? '', createdAtCell(role.metadata.creationTimestamp)];
  },
};

/** A binding's subjects split into users, groups and service accounts (`namespace/name`). */
export function bindingSubjects(binding: KubeObject): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of list(binding, 'subjects')) {
    const name = str(subject, 'name');
    switch (str(subject, 'kind')) {
      case 'User':
        users.push(name);
        break;
      case 'Group':
        groups.push(name);
        break;
      case 'ServiceAccount':
        serviceAccounts.push(`${str(subject, 'namespace')}/${name}`);
        break;
      default:
        break;
    }
  }
  return { users, groups, serviceAccounts };
}

/** How `kubectl get rolebindings` and `kubectl get clusterrolebindings` print a binding. */
export const roleBindingPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Role', 'string', 'The granted role as Kind/name.'),
    AGE_COLUMN,
    wideColumn('Users', 'string', 'Users the binding grants the role to.'),
    wideColumn('Groups', 'string', 'Groups the binding grants the role to.'),
    wideColumn('ServiceAccounts', 'string', 'Service accounts the binding grants the role to.'),
  ],
  cells(binding, now) {
    const roleRef = field(binding, 'roleRef');
    const { users, groups, serviceAccounts } = bindingSubjects(binding);
    return [
      binding.metadata.name ?? '',
      `${str(roleRef, 'kind')}/${str(roleRef, 'name')}`,
      ageCell(binding.metadata.creationTimestamp, now),
      users.join(', '),
      groups.join(', '),
      serviceAccounts.join(', '),
    ];
  },
};
