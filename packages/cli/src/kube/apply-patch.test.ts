import t from 'tap';
import { LAST_APPLIED, lastApplied, threeWayMergePatch, withLastApplied } from './apply-patch.js';
import type { JsonObject } from './apply-patch.js';

interface Case {
  name: string;
  original?: JsonObject;
  modified: JsonObject;
  current: JsonObject;
  patch: JsonObject;
}

const container = (extra: JsonObject = {}) => ({ name: 'c', image: 'nginx:1', ...extra });

const cases: Case[] = [
  { name: 'unchanged', original: { a: 1 }, modified: { a: 1 }, current: { a: 1, status: { x: 1 } }, patch: {} },
  { name: 'changed scalar', original: { a: 1 }, modified: { a: 2 }, current: { a: 1 }, patch: { a: 2 } },
  { name: 'live drift is reset', original: { a: 1 }, modified: { a: 1 }, current: { a: 5 }, patch: { a: 1 } },
  {
    name: 'removed field becomes null',
    original: { a: 1, b: 2 },
    modified: { a: 1 },
    current: { a: 1, b: 2 },
    patch: { b: null },
  },
  {
    name: 'fields of other writers are kept',
    original: { a: 1 },
    modified: { a: 1 },
    current: { a: 1, other: 2 },
    patch: {},
  },
  {
    name: 'removed field absent live: nothing',
    original: { a: 1, b: 2 },
    modified: { a: 1 },
    current: { a: 1 },
    patch: {},
  },
  {
    name: 'nested maps',
    original: { metadata: { labels: { a: '1', b: '2' } } },
    modified: { metadata: { labels: { a: '1', c: '3' } } },
    current: { metadata: { labels: { a: '1', b: '2', z: '9' }, uid: 'u' } },
    patch: { metadata: { labels: { c: '3', b: null } } },
  },
  {
    name: 'containers by name: changed image only',
    original: { spec: { containers: [container()] } },
    modified: { spec: { containers: [container({ image: 'nginx:2' })] } },
    current: { spec: { containers: [container({ imagePullPolicy: 'IfNotPresent' })] } },
    patch: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } },
  },
  {
    name: 'containers by name: added and removed',
    original: { spec: { containers: [container(), { name: 'old', image: 'busybox' }] } },
    modified: { spec: { containers: [container(), { name: 'new', image: 'redis' }] } },
    current: { spec: { containers: [container(), { name: 'old', image: 'busybox' }] } },
    patch: {
      spec: {
        containers: [
          { name: 'new', image: 'redis' },
          { name: 'old', $patch: 'delete' },
        ],
      },
    },
  },
  {
    name: 'env by name, ports by containerPort',
    original: { containers: [container({ env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] })] },
    modified: {
      containers: [container({ env: [{ name: 'A', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] })],
    },
    current: {
      containers: [container({ env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80, protocol: 'TCP' }] })],
    },
    patch: {
      containers: [{ name: 'c', env: [{ name: 'A', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] }],
    },
  },
  {
    name: 'service ports by port',
    original: { ports: [{ port: 80, targetPort: 80 }] },
    modified: { ports: [{ port: 80, targetPort: 8080 }] },
    current: { ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] },
    patch: { ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    name: 'primitive lists are replaced',
    original: { args: ['a'] },
    modified: { args: ['a', 'b'] },
    current: { args: ['a'] },
    patch: { args: ['a', 'b'] },
  },
  {
    name: 'no original (first apply over an existing object)',
    modified: { a: 1, b: { c: 2 } },
    current: { a: 1, b: { c: 3, d: 4 }, e: 5 },
    patch: { b: { c: 2 } },
  },
  {
    name: 'removed map becomes null',
    original: { spec: { selector: { a: '1' }, extra: { x: 1 } } },
    modified: { spec: { selector: { a: '1' } } },
    current: { spec: { selector: { a: '1' }, extra: { x: 1 } } },
    patch: { spec: { extra: null } },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.same(threeWayMergePatch(c.original, c.modified, c.current), c.patch);
  });
}

t.test('last-applied annotation: set, excluded from itself, read back', async (t) => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', annotations: { keep: 'me' } },
    data: { a: '1' },
  };
  const applied = withLastApplied(manifest);
  const annotations = (applied.metadata as { annotations: Record<string, string> }).annotations;
  t.equal(annotations.keep, 'me');
  t.match(
    annotations[LAST_APPLIED],
    /^\{"apiVersion":"v1","data":\{"a":"1"\},"kind":"ConfigMap","metadata":\{"annotations":\{"keep":"me"\},"name":"x"\}\}\n$/,
  );
  t.same(lastApplied(applied), manifest);
  t.equal(lastApplied({ metadata: {} }), undefined);
  t.same(manifest.metadata.annotations, { keep: 'me' }, 'the input is not changed');
});
