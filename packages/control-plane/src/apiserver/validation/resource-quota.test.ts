import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { parseQuantity } from './quantity.js';
import { canonicalQuantity, formatQuantity, resourceQuotaStrategy } from './resource-quota.js';

t.test('quantities print canonically', async (t) => {
  const cases: [string, string][] = [
    ['0', '0'],
    ['1000m', '1'],
    ['1500', '1500'],
    ['2000', '2k'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['100m', '100m'],
  ];
  for (const [input, want] of cases) t.equal(canonicalQuantity(input), want, input);
  const q = parseQuantity('1Ki');
  t.equal(q && formatQuantity(q), '1024');
});

t.test('quota hard values are quantities, non-negative, whole for counts', async (t) => {
  const quota = (hard: Record<string, unknown>): KubeObject => ({
    metadata: { name: 'q', namespace: 'default' },
    spec: { hard },
  });
  t.same(
    resourceQuotaStrategy.validate(quota({ pods: '10', 'requests.cpu': '500m', 'count/deployments.apps': '2' })),
    [],
  );
  const errs = resourceQuotaStrategy.validate(quota({ pods: '1.5', 'requests.cpu': '-1', secrets: 'x' }));
  t.same(
    errs.map((e) => e.field),
    ['spec.hard[pods]', 'spec.hard[requests.cpu]', 'spec.hard[secrets]'],
  );
  t.match(errs[0]?.message, /must be an integer/);
  t.match(errs[1]?.message, /must be greater than or equal to 0/);
});
