import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { nodePrinter, nodeRoles, nodeStatus } from './node.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function node(options: {
  labels?: Record<string, string>;
  ready?: string;
  unschedulable?: boolean;
  status?: object;
}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', creationTimestamp: '2024-04-29T09:00:00Z', labels: options.labels ?? {} },
    spec: options.unschedulable === undefined ? {} : { unschedulable: options.unschedulable },
    status: {
      conditions:
        options.ready === undefined
          ? [{ type: 'MemoryPressure', status: 'False' }]
          : [
              { type: 'MemoryPressure', status: 'False' },
              { type: 'Ready', status: options.ready },
            ],
      ...options.status,
    },
  };
}

t.test('node STATUS comes from the Ready condition and the unschedulable flag', async (t) => {
  const cases: [Parameters<typeof node>[0], string][] = [
    [{ ready: 'True' }, 'Ready'],
    [{ ready: 'False' }, 'NotReady'],
    [{ ready: 'Unknown' }, 'NotReady'],
    [{}, 'Unknown'],
    [{ ready: 'True', unschedulable: true }, 'Ready,SchedulingDisabled'],
    [{ ready: 'False', unschedulable: true }, 'NotReady,SchedulingDisabled'],
    [{ unschedulable: true }, 'Unknown,SchedulingDisabled'],
    [{ ready: 'True', unschedulable: false }, 'Ready'],
  ];
  for (const [options, expected] of cases) t.equal(nodeStatus(node(options)), expected, JSON.stringify(options));
});

t.test('node ROLES come from node-role labels and kubernetes.io/role, sorted', async (t) => {
  const cases: [Record<string, string>, string[]][] = [
    [{}, []],
    [{ 'node-role.kubernetes.io/control-plane': '' }, ['control-plane']],
    [{ 'node-role.kubernetes.io/worker': 'true', 'node-role.kubernetes.io/ingress': '' }, ['ingress', 'worker']],
    [{ 'kubernetes.io/role': 'master' }, ['master']],
    [{ 'kubernetes.io/role': '' }, []],
    [{ 'node-role.kubernetes.io/': '' }, []],
    [{ 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/worker': '' }, ['worker']],
    [{ 'kubernetes.io/hostname': 'node-1' }, []],
  ];
  for (const [labels, expected] of cases) t.same(nodeRoles(node({ labels })), expected, JSON.stringify(labels));
});

t.test('node row, wide columns included', async (t) => {
  t.same(
    nodePrinter.columns.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ],
  );
  const full = node({
    labels: { 'node-role.kubernetes.io/control-plane': '' },
    ready: 'True',
    status: {
      addresses: [
        { type: 'Hostname', address: 'node-1' },
        { type: 'InternalIP', address: '172.18.0.2' },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.8.0-45-generic',
        containerRuntimeVersion: 'containerd://1.7.18',
      },
    },
  });
  t.same(nodePrinter.cells(full, NOW), [
    'node-1',
    'Ready',
    'control-plane',
    '2d3h',
    'v1.32.0',
    '172.18.0.2',
    '<none>',
    'Debian GNU/Linux 12 (bookworm)',
    '6.8.0-45-generic',
    'containerd://1.7.18',
  ]);
  t.same(nodePrinter.cells(node({}), NOW), [
    'node-1',
    'Unknown',
    '<none>',
    '2d3h',
    '',
    '<none>',
    '<none>',
    '<unknown>',
    '<unknown>',
    '<unknown>',
  ]);
});
