import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { bindingSubjects, createdAtCell, roleBindingPrinter, rolePrinter } from './rbac.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

t.test('roles print Name and Created At like the generic table', async (t) => {
  t.same(
    rolePrinter.columns.map((c) => [c.name, c.type]),
    [
      ['Name', 'string'],
      ['Created At', 'date'],
    ],
  );
  const role: KubeObject = {
    kind: 'ClusterRole',
    metadata: { name: 'view', creationTimestamp: '2024-04-23T10:15:30Z' },
  };
  t.same(rolePrinter.cells(role, NOW), ['view', '2024-04-23T10:15:30Z']);
  t.equal(createdAtCell('2024-04-23T12:15:30+02:00'), '2024-04-23T10:15:30Z', 'converted to UTC');
  t.equal(createdAtCell('2024-04-23T10:15:30.900Z'), '2024-04-23T10:15:30Z', 'whole seconds');
  t.equal(createdAtCell(undefined), '0001-01-01T00:00:00Z', 'Go zero time');
});

t.test('bindings print Kind/name and their subjects', async (t) => {
  t.same(
    roleBindingPrinter.columns.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Role', 0],
      ['Age', 0],
      ['Users', 1],
      ['Groups', 1],
      ['ServiceAccounts', 1],
    ],
  );
  const binding: KubeObject = {
    kind: 'RoleBinding',
    metadata: { name: 'read', namespace: 'dev', creationTimestamp: '2024-05-01T11:00:00Z' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [
      { kind: 'User', name: 'alice' },
      { kind: 'User', name: 'bob' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'dev' },
      { kind: 'ServiceAccount', name: 'deployer', namespace: 'ops' },
    ],
  };
  t.same(roleBindingPrinter.cells(binding, NOW), [
    'read',
    'ClusterRole/view',
    '60m',
    'alice, bob',
    'devs',
    'dev/ci, ops/deployer',
  ]);
  const empty: KubeObject = { metadata: { name: 'none' }, roleRef: { kind: 'Role', name: 'edit' } };
  t.same(roleBindingPrinter.cells(empty, NOW), ['none', 'Role/edit', '<unknown>', '', '', '']);
  t.same(bindingSubjects(empty), { users: [], groups: [], serviceAccounts: [] });
});
