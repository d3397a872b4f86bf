import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { recordUpdate } from './update.js';

const NOW = '2026-01-01T00:00:00Z';

function deployment(replicas: number, image = 'nginx'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', labels: { app: 'web' } },
    spec: {
      replicas,
      template: { spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
    },
    status: { replicas: 1 },
  };
}

t.test('a create records every tracked field for the manager', async (t) => {
  const out = recordUpdate({
    before: undefined,
    after: deployment(1),
    manager: 'kubectl-create',
    now: NOW,
    apiVersion: 'apps/v1',
  });
  t.same(out.metadata.managedFields, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: NOW,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:template': {
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

t.test('an update moves the changed fields to its manager', async (t) => {
  const created = recordUpdate({
    before: undefined,
    after: deployment(1),
    manager: 'kubectl-create',
    now: NOW,
    apiVersion: 'apps/v1',
  });
  const scaled = { ...deployment(3), metadata: { ...created.metadata } };
  const out = recordUpdate({
    before: created,
    after: scaled,
    manager: 'kubectl-scale',
    now: 'later',
    apiVersion: 'apps/v1',
    subresource: 'scale',
  });
  const [create, scale] = out.metadata.managedFields ?? [];
  t.notOk(JSON.stringify(create?.fieldsV1).includes('f:replicas'), 'creator lost spec.replicas');
  t.ok(JSON.stringify(create?.fieldsV1).includes('f:image'), 'creator keeps the image');
  t.same(scale, {
    manager: 'kubectl-scale',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: 'later',
    fieldsType: 'FieldsV1',
    subresource: 'scale',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  });
});

t.test('status, resourceVersion and uid are not tracked; a no-op update adds no entry', async (t) => {
  const before = deployment(1);
  const after = {
    ...deployment(1),
    status: { replicas: 7 },
    metadata: { ...deployment(1).metadata, resourceVersion: '9' },
  };
  const out = recordUpdate({ before, after, manager: 'm', now: NOW, apiVersion: 'apps/v1' });
  t.equal(out.metadata.managedFields, undefined);
});

t.test('managedFields rewritten by the client are kept as sent', async (t) => {
  const created = recordUpdate({
    before: undefined,
    after: deployment(1),
    manager: 'kubectl-client-side-apply',
    now: NOW,
    apiVersion: 'apps/v1',
  });
  const rewritten = [
    {
      manager: 'kubectl',
      operation: 'Apply' as const,
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1' as const,
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    },
  ];
  const after = { ...created, metadata: { ...created.metadata, managedFields: rewritten } };
  const out = recordUpdate({ before: created, after, manager: 'kubectl', now: NOW, apiVersion: 'apps/v1' });
  t.same(out.metadata.managedFields, rewritten);
});

t.test('removed fields leave every manager', async (t) => {
  const created = recordUpdate({
    before: undefined,
    after: deployment(1),
    manager: 'a',
    now: NOW,
    apiVersion: 'apps/v1',
  });
  const after: KubeObject = { ...deployment(1), metadata: { ...created.metadata, labels: {} } };
  const out = recordUpdate({ before: created, after, manager: 'b', now: NOW, apiVersion: 'apps/v1' });
  const [a, b] = out.metadata.managedFields ?? [];
  t.notOk(JSON.stringify(a?.fieldsV1).includes('f:app'), 'a lost the removed label');
  t.ok(JSON.stringify(a?.fieldsV1).includes('f:replicas'), 'a keeps the rest');
  t.equal(b, undefined, 'b changed no field that remains, so it owns nothing and has no entry');
});
