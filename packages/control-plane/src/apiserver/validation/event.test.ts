import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { eventStrategy } from './event.js';

function event(body: Record<string, unknown>, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.17a', namespace }, ...body };
}

const problems = (obj: KubeObject): string[] => eventStrategy.validate(obj).map((e) => `${e.field}: ${e.message}`);

t.test('legacy events: involved object and namespace', async (t) => {
  const cases: [KubeObject, string[]][] = [
    [
      event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Started', type: 'Normal' }),
      [],
    ],
    [event({ reason: 'Started' }), ['involvedObject: Required value']],
    [
      event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } }),
      ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
    ],
    [event({ involvedObject: { kind: 'Node', name: 'node-1' } }), []],
    [
      event({ involvedObject: { kind: 'Node', name: 'node-1' } }, 'team'),
      ['involvedObject.namespace: Invalid value: "": does not match event.namespace'],
    ],
    [
      event({ involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, type: 'Error' }),
      ['type: Unsupported value: "Error": supported values: "Normal", "Warning"'],
    ],
  ];
  for (const [obj, expected] of cases) t.same(problems(obj), expected, JSON.stringify(obj));
});

t.test('new-style events (eventTime) need reporting fields within limits', async (t) => {
  const base = {
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingComponent: 'bosun.io/scheduler',
    reportingInstance: 'scheduler-1',
    action: 'Binding',
    reason: 'Scheduled',
  };
  t.same(problems(event(base)), []);
  t.same(
    problems(
      event({ ...base, reportingComponent: '', action: '', reason: 'r'.repeat(129), message: 'm'.repeat(1025) }),
    ),
    [
      'reportingComponent: Required value',
      'action: Required value',
      'reason: Invalid value: "": can have at most 128 characters',
      'message: Invalid value: "": can have at most 1024 characters',
    ],
  );
});
