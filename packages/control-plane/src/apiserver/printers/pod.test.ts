import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { podPrinter, podSummary } from './pod.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;

type Json = Record<string, unknown>;

/** A pod with `containers` regular containers (c0, c1, ...) and the given status and extra spec. */
function pod(options: { containers?: number; spec?: Json; status?: Json; meta?: Json }): KubeObject {
  const containers = Array.from({ length: options.containers ?? 1 }, (_, i) => ({ name: `c${i}`, image: 'nginx' }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(10 * MIN), ...options.meta },
    spec: { containers, ...options.spec },
    status: { phase: 'Running', ...options.status },
  };
}

const running = (name: string, restartCount = 0, extra: Json = {}) => ({
  name,
  ready: true,
  restartCount,
  state: { running: { startedAt: ago(MIN) } },
  ...extra,
});
const waiting = (name: string, reason: string, restartCount = 0, extra: Json = {}) => ({
  name,
  ready: false,
  restartCount,
  state: { waiting: { reason } },
  ...extra,
});
const terminated = (name: string, terminatedState: Json, extra: Json = {}) => ({
  name,
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode: 0, ...terminatedState } },
  ...extra,
});
const readyCondition = (status: 'True' | 'False') => ({ type: 'Ready', status });

t.test('pod STATUS, READY and RESTARTS follow kube-apiserver for each branch', async (t) => {
  const cases: { name: string; pod: KubeObject; ready: string; status: string; restarts: string }[] = [
    {
      name: 'all containers running and ready',
      pod: pod({ containers: 2, status: { containerStatuses: [running('c0'), running('c1')] } }),
      ready: '2/2',
      status: 'Running',
      restarts: '0',
    },
    {
      name: 'pending without container statuses shows the phase',
      pod: pod({ status: { phase: 'Pending' } }),
      ready: '0/1',
      status: 'Pending',
      restarts: '0',
    },
    {
      name: 'status.reason overrides the phase',
      pod: pod({ status: { phase: 'Failed', reason: 'Evicted' } }),
      ready: '0/1',
      status: 'Evicted',
      restarts: '0',
    },
    {
      name: 'scheduling gates',
      pod: pod({
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
        },
      }),
      ready: '0/1',
      status: 'SchedulingGated',
      restarts: '0',
    },
    {
      name: 'ContainerCreating',
      pod: pod({ status: { phase: 'Pending', containerStatuses: [waiting('c0', 'ContainerCreating')] } }),
      ready: '0/1',
      status: 'ContainerCreating',
      restarts: '0',
    },
    {
      name: 'ImagePullBackOff',
      pod: pod({ status: { phase: 'Pending', containerStatuses: [waiting('c0', 'ImagePullBackOff')] } }),
      ready: '0/1',
      status: 'ImagePullBackOff',
      restarts: '0',
    },
    {
      name: 'CrashLoopBackOff with the last restart time',
      pod: pod({
        status: {
          containerStatuses: [
            waiting('c0', 'CrashLoopBackOff', 5, {
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MIN) } },
            }),
          ],
        },
      }),
      ready: '0/1',
      status: 'CrashLoopBackOff',
      restarts: '5 (5m ago)',
    },
    {
      name: 'restarts without a recorded termination print the bare count',
      pod: pod({ status: { containerStatuses: [running('c0', 4)] } }),
      ready: '1/1',
      status: 'Running',
      restarts: '4',
    },
    {
      name: 'the latest termination across containers dates the restarts',
      pod: pod({
        containers: 2,
        status: {
          containerStatuses: [
            running('c0', 1, { lastState: { terminated: { exitCode: 1, finishedAt: ago(90 * MIN) } } }),
            running('c1', 2, { lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * MIN) } } }),
          ],
        },
      }),
      ready: '2/2',
      status: 'Running',
      restarts: '3 (3m ago)',
    },
    {
      name: 'terminated with a reason',
      pod: pod({ status: { phase: 'Succeeded', containerStatuses: [terminated('c0', { reason: 'Completed' })] } }),
      ready: '0/1',
      status: 'Completed',
      restarts: '0',
    },
    {
      name: 'terminated with an error reason',
      pod: pod({
        status: { phase: 'Failed', containerStatuses: [terminated('c0', { reason: 'Error', exitCode: 1 })] },
      }),
      ready: '0/1',
      status: 'Error',
      restarts: '0',
    },
    {
      name: 'terminated by a signal without a reason',
      pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('c0', { exitCode: 137, signal: 9 })] } }),
      ready: '0/1',
      status: 'Signal:9',
      restarts: '0',
    },
    {
      name: 'terminated with an exit code and no reason',
      pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('c0', { exitCode: 2 })] } }),
      ready: '0/1',
      status: 'ExitCode:2',
      restarts: '0',
    },
    {
      name: 'one container completed while another still runs, pod Ready',
      pod: pod({
        containers: 2,
        status: {
          conditions: [readyCondition('True')],
          containerStatuses: [running('c0'), terminated('c1', { reason: 'Completed' })],
        },
      }),
      ready: '1/2',
      status: 'Running',
      restarts: '0',
    },
    {
      name: 'one container completed while another still runs, pod not Ready',
      pod: pod({
        containers: 2,
        status: {
          conditions: [readyCondition('False')],
          containerStatuses: [running('c0'), terminated('c1', { reason: 'Completed' })],
        },
      }),
      ready: '1/2',
      status: 'NotReady',
      restarts: '0',
    },
    {
      name: 'running but not ready counts no ready container',
      pod: pod({ status: { containerStatuses: [running('c0', 0, { ready: false })] } }),
      ready: '0/1',
      status: 'Running',
      restarts: '0',
    },
    {
      name: 'init container still running',
      pod: pod({
        spec: { initContainers: [{ name: 'init', image: 'busybox' }] },
        status: { phase: 'Pending', initContainerStatuses: [running('init', 0, { ready: false })] },
      }),
      ready: '0/1',
      status: 'Init:0/1',
      restarts: '0',
    },
    {
      name: 'init container waiting on PodInitializing counts as in progress',
      pod: pod({
        spec: { initContainers: [{ name: 'init', image: 'busybox' }] },
        status: { phase: 'Pending', initContainerStatuses: [waiting('init', 'PodInitializing')] },
      }),
      ready: '0/1',
      status: 'Init:0/1',
      restarts: '0',
    },
    {
      name: 'second of two init containers',
      pod: pod({
        spec: { initContainers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [terminated('a', { reason: 'Completed' }), running('b', 0, { ready: false })],
          containerStatuses: [waiting('c0', 'PodInitializing')],
        },
      }),
      ready: '0/1',
      status: 'Init:1/2',
      restarts: '0',
    },
    {
      name: 'init container failed',
      pod: pod({
        spec: { initContainers: [{ name: 'init' }] },
        status: { phase: 'Pending', initContainerStatuses: [terminated('init', { reason: 'Error', exitCode: 1 })] },
      }),
      ready: '0/1',
      status: 'Init:Error',
      restarts: '0',
    },
    {
      name: 'init container killed by a signal',
      pod: pod({
        spec: { initContainers: [{ name: 'init' }] },
        status: { phase: 'Pending', initContainerStatuses: [terminated('init', { exitCode: 137, signal: 9 })] },
      }),
      ready: '0/1',
      status: 'Init:Signal:9',
      restarts: '0',
    },
    {
      name: 'init container exited non-zero without a reason',
      pod: pod({
        spec: { initContainers: [{ name: 'init' }] },
        status: { phase: 'Pending', initContainerStatuses: [terminated('init', { exitCode: 3 })] },
      }),
      ready: '0/1',
      status: 'Init:ExitCode:3',
      restarts: '0',
    },
    {
      name: 'init container crash-looping counts init restarts',
      pod: pod({
        spec: { initContainers: [{ name: 'init' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            waiting('init', 'CrashLoopBackOff', 3, {
              lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * MIN) } },
            }),
          ],
          containerStatuses: [waiting('c0', 'PodInitializing', 0)],
        },
      }),
      ready: '0/1',
      status: 'Init:CrashLoopBackOff',
      restarts: '3 (10m ago)',
    },
    {
      name: 'a started sidecar counts towards READY and its restarts are kept',
      pod: pod({
        spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
        status: {
          conditions: [{ type: 'Initialized', status: 'True' }, readyCondition('True')],
          initContainerStatuses: [running('proxy', 2, { started: true })],
          containerStatuses: [running('c0', 1)],
        },
      }),
      ready: '2/2',
      status: 'Running',
      restarts: '3',
    },
    {
      name: 'deletion of a running pod',
      pod: pod({ meta: { deletionTimestamp: ago(0) }, status: { containerStatuses: [running('c0')] } }),
      ready: '1/1',
      status: 'Terminating',
      restarts: '0',
    },
    {
      name: 'deletion of a finished pod keeps its terminal status',
      pod: pod({
        meta: { deletionTimestamp: ago(0) },
        status: { phase: 'Succeeded', containerStatuses: [terminated('c0', { reason: 'Completed' })] },
      }),
      ready: '0/1',
      status: 'Completed',
      restarts: '0',
    },
    {
      name: 'deletion on a lost node',
      pod: pod({
        meta: { deletionTimestamp: ago(0) },
        status: { reason: 'NodeLost', containerStatuses: [running('c0')] },
      }),
      ready: '1/1',
      status: 'Unknown',
      restarts: '0',
    },
  ];
  for (const c of cases) {
    t.same(podSummary(c.pod, NOW), { ready: c.ready, status: c.status, restarts: c.restarts }, c.name);
  }
});

t.test('pod row: every column, wide ones included', async (t) => {
  t.same(
    podPrinter.columns.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ],
  );
  t.same(podPrinter.columns[0], {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: podPrinter.columns[0]?.description,
    priority: 0,
  });
  const scheduled = pod({
    spec: {
      nodeName: 'node-1',
      readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }],
    },
    status: {
      podIPs: [{ ip: '10.244.0.11' }, { ip: 'fd00::11' }],
      conditions: [
        { type: 'example.com/lb', status: 'True' },
        { type: 'example.com/dns', status: 'False' },
      ],
      containerStatuses: [running('c0')],
    },
  });
  t.same(podPrinter.cells(scheduled, NOW), [
    'web',
    '1/1',
    'Running',
    '0',
    '10m',
    '10.244.0.11',
    'node-1',
    '<none>',
    '1/2',
  ]);
  const unscheduled = pod({ status: { phase: 'Pending', nominatedNodeName: 'node-2' } });
  t.same(podPrinter.cells(unscheduled, NOW).slice(5), ['<none>', '<none>', 'node-2', '<none>']);
});
