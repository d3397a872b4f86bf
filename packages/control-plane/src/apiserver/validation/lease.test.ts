import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { leaseStrategy } from './lease.js';

function lease(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    spec,
  };
}

t.test('lease durations and transitions', async (t) => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{}, []],
    [{ holderIdentity: 'node-1', leaseDurationSeconds: 40, leaseTransitions: 0 }, []],
    [{ leaseDurationSeconds: 0 }, ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
    [{ leaseDurationSeconds: -5 }, ['spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0']],
    [{ leaseTransitions: -1 }, ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']],
  ];
  for (const [spec, expected] of cases) {
    t.same(
      leaseStrategy.validate(lease(spec)).map((e) => `${e.field}: ${e.message}`),
      expected,
      JSON.stringify(spec),
    );
  }
});
