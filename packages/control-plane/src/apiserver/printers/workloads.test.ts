import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { deploymentPrinter, replicaSetPrinter } from './workloads.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const template = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  },
};

function workload(kind: string, spec: object, status: object): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:57:00Z' },
    spec,
    status,
  };
}

t.test('deployment columns and rows', async (t) => {
  t.same(
    deploymentPrinter.columns.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Ready', 0],
      ['Up-to-date', 0],
      ['Available', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ],
  );
  const cases: [string, KubeObject, unknown[]][] = [
    [
      'rolled out',
      workload(
        'Deployment',
        { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
        { replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 },
      ),
      ['web', '3/3', 3, 3, '3m', 'nginx,sidecar', 'nginx:1.25,busybox:1.36', 'app=web'],
    ],
    [
      'spec.replicas is the denominator while scaling up',
      workload(
        'Deployment',
        { replicas: 5, selector: { matchLabels: { app: 'web' } }, template },
        { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      ),
      ['web', '2/5', 3, 2, '3m', 'nginx,sidecar', 'nginx:1.25,busybox:1.36', 'app=web'],
    ],
    [
      'a new deployment without status',
      workload('Deployment', { replicas: 1, selector: { matchLabels: { app: 'web' } }, template }, {}),
      ['web', '0/1', 0, 0, '3m', 'nginx,sidecar', 'nginx:1.25,busybox:1.36', 'app=web'],
    ],
    [
      'scaled to zero',
      workload('Deployment', { replicas: 0, selector: { matchLabels: { app: 'web' } }, template }, {}),
      ['web', '0/0', 0, 0, '3m', 'nginx,sidecar', 'nginx:1.25,busybox:1.36', 'app=web'],
    ],
  ];
  for (const [name, obj, expected] of cases) t.same(deploymentPrinter.cells(obj, NOW), expected, name);
});

t.test('replicaset columns and rows', async (t) => {
  t.same(
    replicaSetPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Desired', 'integer', 0],
      ['Current', 'integer', 0],
      ['Ready', 'integer', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ],
  );
  const selector = { matchLabels: { app: 'web', 'pod-template-hash': '7c5ddbdf54' } };
  t.same(
    replicaSetPrinter.cells(
      workload('ReplicaSet', { replicas: 3, selector, template }, { replicas: 3, readyReplicas: 1 }),
      NOW,
    ),
    ['web', 3, 3, 1, '3m', 'nginx,sidecar', 'nginx:1.25,busybox:1.36', 'app=web,pod-template-hash=7c5ddbdf54'],
  );
  t.same(replicaSetPrinter.cells(workload('ReplicaSet', { replicas: 0, template }, {}), NOW).slice(1, 4), [0, 0, 0]);
  t.equal(
    replicaSetPrinter.cells(workload('ReplicaSet', { replicas: 0, selector: {}, template }, {}), NOW)[7],
    '<none>',
  );
});
