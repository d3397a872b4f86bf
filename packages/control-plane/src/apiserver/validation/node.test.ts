import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { nodeStrategy } from './node.js';

function node(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1.example' }, spec, ...(status ? { status } : {}) };
}

const messages = (errors: { field: string; message: string }[]): string[] =>
  errors.map((e) => `${e.field}: ${e.message}`);

t.test('allocatable defaults to capacity', async (t) => {
  const n = node({}, { capacity: { cpu: '4', memory: '8Gi' } });
  nodeStrategy.defaults(n);
  t.same((n.status as Record<string, unknown>).allocatable, { cpu: '4', memory: '8Gi' });
  const set = node({}, { capacity: { cpu: '4' }, allocatable: { cpu: '3' } });
  nodeStrategy.defaults(set);
  t.same((set.status as Record<string, unknown>).allocatable, { cpu: '3' });
});

t.test('pod CIDRs and taints are checked', async (t) => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }, []],
    [
      { podCIDR: '10.244.1.0' },
      ['spec.podCIDR: Invalid value: "10.244.1.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ],
    [
      { podCIDR: '10.244.1.0/33' },
      ['spec.podCIDR: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ],
    [{ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, []],
    [
      { taints: [{ key: 'dedicated', effect: 'Sometimes' }] },
      [
        'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
      ],
    ],
    [{ taints: [{ key: 'dedicated' }] }, ['spec.taints[0].effect: Required value']],
    [
      {
        taints: [
          { key: 'a', effect: 'NoSchedule' },
          { key: 'a', value: 'x', effect: 'NoSchedule' },
        ],
      },
      ['spec.taints[1]: Duplicate value: "taints must be unique by key and effect pair"'],
    ],
  ];
  for (const [spec, expected] of cases)
    t.same(messages(nodeStrategy.validate(node(spec))), expected, JSON.stringify(spec));
  t.match(messages(nodeStrategy.validate(node({ taints: [{ key: 'bad key', effect: 'NoSchedule' }] }))), [
    /^spec\.taints\[0\]\.key: Invalid value: "bad key"/,
  ]);
});

t.test('nodes are cluster-scoped with DNS-1123 subdomain names', async (t) => {
  const n: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'Node_1', namespace: 'default' },
    spec: {},
  };
  t.same(
    nodeStrategy.validate(n).map((e) => e.field),
    ['metadata.name', 'metadata.namespace'],
  );
});

t.test('podCIDR is set once, from empty', async (t) => {
  t.same(nodeStrategy.validateUpdate(node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }), node({})), []);
  t.same(
    messages(
      nodeStrategy.validateUpdate(
        node({ podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'] }),
        node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] }),
      ),
    ),
    ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'],
  );
  t.same(messages(nodeStrategy.validateUpdate(node({ providerID: 'b' }), node({ providerID: 'a' }))), [
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});
