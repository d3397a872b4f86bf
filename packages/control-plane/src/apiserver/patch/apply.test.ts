import t from 'tap';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { serverSideApply } from './apply.js';
import { patchSchemaFor } from './kinds.js';
import { recordUpdate } from './update.js';

const SCHEMA = patchSchemaFor('Deployment.apps');
const NOW = '2026-01-01T00:00:00Z';

function config(spec: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels }, spec };
}

const TEMPLATE = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.24', ports: [{ containerPort: 80 }] }] },
};

function apply(live: KubeObject | undefined, applied: KubeObject, manager = 'kubectl', force = false) {
  return serverSideApply({ live, applied, manager, force, now: NOW, apiVersion: 'apps/v1', schema: SCHEMA });
}

t.test('an apply creates the object and records the Apply entry in fieldsV1 form', async (t) => {
  const { object, created } = apply(
    undefined,
    config({ replicas: 2, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE }),
  );
  t.equal(created, true);
  t.equal(object.metadata.name, 'web');
  t.equal(object.kind, 'Deployment');
  t.same(object.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: NOW,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': {
                    'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
                  },
                },
              },
            },
          },
        },
      },
    },
  ]);
});

t.test('a second apply updates fields and removes the ones no longer applied', async (t) => {
  const first = apply(
    undefined,
    config({ replicas: 2, paused: true, template: TEMPLATE }, { app: 'web', tier: 'x' }),
  ).object;
  const { object, created } = apply(first, config({ replicas: 3, template: TEMPLATE }));
  t.equal(created, false);
  const spec = object['spec'] as Record<string, unknown>;
  t.equal(spec['replicas'], 3);
  t.notOk('paused' in spec, 'paused removed');
  t.same(object.metadata.labels, { app: 'web' }, 'label tier removed');
  t.equal(object.metadata.managedFields?.length, 1);
});

t.test('fields another manager also owns are kept when the applier drops them', async (t) => {
  const first = apply(undefined, config({ replicas: 2, paused: true, template: TEMPLATE })).object;
  const other = apply(first, config({ paused: true }, {}), 'other').object;
  const { object } = apply(other, config({ replicas: 2, template: TEMPLATE }));
  t.equal((object['spec'] as Record<string, unknown>)['paused'], true);
});

t.test('list items merge by key: an item added by another writer survives an apply', async (t) => {
  const first = apply(undefined, config({ template: TEMPLATE })).object;
  const spec = (first['spec'] as { template: { spec: { containers: unknown[] } } }).template.spec;
  const edited = structuredClone(first);
  (edited['spec'] as { template: { spec: { containers: unknown[] } } }).template.spec.containers = [
    ...spec.containers,
    { name: 'sidecar', image: 'busybox' },
  ];
  const updated = recordUpdate({
    before: first,
    after: edited,
    manager: 'kubectl-edit',
    now: NOW,
    apiVersion: 'apps/v1',
  });
  const image25 = structuredClone(TEMPLATE);
  image25.spec.containers[0] = { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] };
  const { object } = apply(updated, config({ template: image25 }));
  const containers = (object['spec'] as { template: { spec: { containers: { name: string; image: string }[] } } })
    .template.spec.containers;
  t.same(
    containers.map((c) => `${c.name}=${c.image}`),
    ['nginx=nginx:1.25', 'sidecar=busybox'],
  );
});

t.test('a conflicting value owned by another manager is a 409 naming the field', async (t) => {
  const created = recordUpdate({
    before: undefined,
    after: config({ replicas: 1 }),
    manager: 'kubectl-client-side-apply',
    now: NOW,
    apiVersion: 'apps/v1',
  });
  try {
    apply(created, config({ replicas: 3 }));
    t.fail('expected a conflict');
  } catch (err) {
    t.ok(err instanceof ApiError);
    const e = err as ApiError;
    t.equal(e.code, 409);
    t.equal(e.reason, 'Conflict');
    t.equal(
      e.message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    t.same(e.details?.causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
  }
  const same = apply(created, config({ replicas: 1 }));
  t.equal(same.object.metadata.managedFields?.length, 2, 'the same value is shared, no conflict');
});

t.test('force takes ownership of conflicting fields', async (t) => {
  const created = recordUpdate({
    before: undefined,
    after: config({ replicas: 1, paused: false }),
    manager: 'kubectl-create',
    now: NOW,
    apiVersion: 'apps/v1',
  });
  const { object } = apply(created, config({ replicas: 3 }), 'kubectl', true);
  t.equal((object['spec'] as Record<string, unknown>)['replicas'], 3);
  const [create, kubectl] = object.metadata.managedFields ?? [];
  t.same(create?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:paused': {} } });
  t.same(kubectl?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
});

t.test('status and server-set metadata in the configuration are ignored', async (t) => {
  const applied = { ...config({ replicas: 1 }), status: { replicas: 9 } };
  applied.metadata = { ...applied.metadata, resourceVersion: '7', uid: 'x' };
  const { object } = apply(undefined, applied);
  t.equal(object['status'], undefined);
  t.equal(object.metadata.uid, undefined);
  t.notOk(JSON.stringify(object.metadata.managedFields).includes('status'));
});

t.test('a re-apply names the stored, defaulted port by its defaulted protocol and keeps it', async (t) => {
  const config = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'default' },
    spec: { ports: [{ port: 80, targetPort: 8080 }] },
  };
  const schema = patchSchemaFor('Service');
  const first = serverSideApply({
    live: undefined,
    applied: structuredClone(config),
    manager: 'kubectl',
    force: false,
    now: 'T',
    apiVersion: 'v1',
    schema,
  });
  // The server defaults what the apply left out, as the registry does.
  const stored = structuredClone(first.object);
  (stored.spec as { ports: Record<string, unknown>[] }).ports = [{ port: 80, targetPort: 8080, protocol: 'TCP' }];
  const second = serverSideApply({
    live: stored,
    applied: structuredClone(config),
    manager: 'kubectl',
    force: false,
    now: 'T',
    apiVersion: 'v1',
    schema,
  });
  t.same((second.object.spec as { ports: unknown[] }).ports, [{ port: 80, targetPort: 8080, protocol: 'TCP' }]);
});
