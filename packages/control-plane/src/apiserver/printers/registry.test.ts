import t from 'tap';
import { endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './event.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { roleBindingPrinter, rolePrinter } from './rbac.js';
import { printerFor } from './registry.js';
import { servicePrinter } from './service.js';
import {
  configMapPrinter,
  defaultPrinter,
  leasePrinter,
  namespacePrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './simple.js';
import { deploymentPrinter, replicaSetPrinter } from './workloads.js';

t.test('printerFor maps kind keys to printers', async (t) => {
  const cases: [string, unknown][] = [
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
    ['Lease.coordination.k8s.io', leasePrinter],
    ['Role.rbac.authorization.k8s.io', rolePrinter],
    ['ClusterRole.rbac.authorization.k8s.io', rolePrinter],
    ['RoleBinding.rbac.authorization.k8s.io', roleBindingPrinter],
    ['ClusterRoleBinding.rbac.authorization.k8s.io', roleBindingPrinter],
    ['Deployment', defaultPrinter],
    ['Widget.example.com', defaultPrinter],
  ];
  for (const [key, printer] of cases) t.equal(printerFor(key), printer, key);
});

t.test('every printer emits one cell per column and starts with a name column', async (t) => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const keys = [
    'Pod',
    'Node',
    'Service',
    'Endpoints',
    'Deployment.apps',
    'ReplicaSet.apps',
    'Namespace',
    'Event',
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'Lease.coordination.k8s.io',
    'Role.rbac.authorization.k8s.io',
    'RoleBinding.rbac.authorization.k8s.io',
    'Other',
  ];
  for (const key of keys) {
    const printer = printerFor(key);
    t.equal(printer.cells({ metadata: { name: 'n' } }, now).length, printer.columns.length, key);
    t.equal(printer.columns.filter((c) => c.format === 'name').length, 1, `${key} has one name column`);
    if (key !== 'Event') {
      t.same(printer.columns[0], {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: printer.columns[0]?.description,
        priority: 0,
      });
    }
    for (const c of printer.columns) t.ok(c.description.length > 0, `${key} ${c.name} is described`);
  }
});
