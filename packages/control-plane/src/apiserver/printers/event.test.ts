import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { eventObject, eventPrinter, eventSource, eventTimes } from './event.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function event(fields: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'nginx.17c9a8f3', namespace: 'default', creationTimestamp: '2024-05-01T11:50:00Z' },
    involvedObject: { kind: 'Pod', name: 'nginx', namespace: 'default', fieldPath: 'spec.containers{nginx}' },
    type: 'Normal',
    reason: 'Pulled',
    message: 'Successfully pulled image "nginx"\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:58:00Z',
    count: 3,
    ...fields,
  };
}

t.test('event columns start with Last Seen and end with the wide Name', async (t) => {
  t.same(
    eventPrinter.columns.map((c) => [c.name, c.priority]),
    [
      ['Last Seen', 0],
      ['Type', 0],
      ['Reason', 0],
      ['Object', 0],
      ['Subobject', 1],
      ['Source', 1],
      ['Message', 0],
      ['First Seen', 1],
      ['Count', 1],
      ['Name', 1],
    ],
  );
  t.equal(eventPrinter.columns[9]?.format, 'name');
});

t.test('event row', async (t) => {
  t.same(eventPrinter.cells(event({}), NOW), [
    '2m',
    'Normal',
    'Pulled',
    'pod/nginx',
    'spec.containers{nginx}',
    'kubelet, node-1',
    'Successfully pulled image "nginx"',
    '10m',
    3,
    'nginx.17c9a8f3',
  ]);
});

t.test('event OBJECT and SOURCE', async (t) => {
  t.equal(
    eventObject(event({ involvedObject: { kind: 'ReplicaSet', name: 'web-7c5ddbdf54' } })),
    'replicaset/web-7c5ddbdf54',
  );
  t.equal(eventObject(event({ involvedObject: { kind: 'Node' } })), 'node');
  t.equal(eventSource(event({ source: { component: 'default-scheduler' } })), 'default-scheduler');
  t.equal(
    eventSource(event({ source: {}, reportingController: 'kubelet', reportingInstance: 'node-2' })),
    'kubelet, node-2',
  );
  t.equal(eventSource(event({ source: {} })), '');
});

t.test('event times fall back as kube does', async (t) => {
  t.same(eventTimes(event({}), NOW), { lastSeen: '2m', firstSeen: '10m', count: 3 });
  t.same(
    eventTimes(
      event({ firstTimestamp: null, lastTimestamp: null, count: 0, eventTime: '2024-05-01T11:59:30.123456Z' }),
      NOW,
    ),
    { lastSeen: '29s', firstSeen: '29s', count: 1 },
    'events.k8s.io singletons use eventTime and count 1',
  );
  t.same(
    eventTimes(
      event({
        firstTimestamp: null,
        lastTimestamp: null,
        eventTime: '2024-05-01T11:00:00.000000Z',
        series: { count: 7, lastObservedTime: '2024-05-01T11:55:00.000000Z' },
      }),
      NOW,
    ),
    { lastSeen: '5m', firstSeen: '60m', count: 7 },
    'a series gives the last observation and its count',
  );
  t.same(eventTimes(event({ firstTimestamp: null, lastTimestamp: null, count: 2 }), NOW), {
    lastSeen: '<unknown>',
    firstSeen: '<unknown>',
    count: 2,
  });
});
