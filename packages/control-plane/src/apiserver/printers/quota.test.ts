import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { limitRangePrinter, resourceQuotaPrinter } from './quota.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

t.test('quotas print used/hard split into Request and Limit', async (t) => {
  t.same(
    resourceQuotaPrinter.columns.map((c) => c.name),
    ['Name', 'Age', 'Request', 'Limit'],
  );
  const q: KubeObject = {
    kind: 'ResourceQuota',
    metadata: { name: 'q', creationTimestamp: '2024-05-01T11:59:00Z' },
    status: {
      hard: { pods: '10', 'requests.cpu': '1000m', 'limits.memory': '2Gi', 'limits.cpu': '2' },
      used: { pods: '1', 'requests.cpu': '500m', 'limits.memory': '1Gi' },
    },
  };
  t.same(resourceQuotaPrinter.cells(q, NOW), [
    'q',
    '60s',
    'pods: 1/10, requests.cpu: 500m/1',
    'limits.cpu: 0/2, limits.memory: 1Gi/2Gi',
  ]);
});

t.test('limit ranges print Name and Created At', async (t) => {
  t.same(
    limitRangePrinter.columns.map((c) => [c.name, c.type]),
    [
      ['Name', 'string'],
      ['Created At', 'date'],
    ],
  );
  t.same(limitRangePrinter.cells({ metadata: { name: 'l', creationTimestamp: '2024-05-01T10:00:00Z' } }, NOW), [
    'l',
    '2024-05-01T10:00:00Z',
  ]);
});
