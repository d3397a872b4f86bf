import t from 'tap';
import { ApiError } from '../api/errors.js';
import { patchSchemaFor } from './kinds.js';
import { applyStrategicMergePatch } from './strategic.js';

const DEPLOYMENT = patchSchemaFor('Deployment.apps');
const POD = patchSchemaFor('Pod');

function deployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'deploy-nginx', labels: { app: 'nginx' } },
    spec: {
      replicas: 1,
      paused: true,
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.24',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }],
            },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
  };
}

function podSpec(obj: unknown): Record<string, unknown> {
  return (
    (obj as Record<string, Record<string, Record<string, unknown>>>)['spec']?.['template'] as Record<string, unknown>
  )['spec'] as Record<string, unknown>;
}

t.test('kubectl set image changes only the image and keeps ports and env', async (t) => {
  const original = deployment();
  const body = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }],
          containers: [{ image: 'nginx:1.25', name: 'nginx' }],
        },
      },
    },
  };
  const out = applyStrategicMergePatch(original, body, DEPLOYMENT);
  t.same(podSpec(out)['containers'], [
    {
      name: 'nginx',
      image: 'nginx:1.25',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      env: [{ name: 'A', value: '1' }],
    },
    { name: 'sidecar', image: 'busybox' },
  ]);
  t.notOk(JSON.stringify(out).includes('$setElementOrder'), 'no directive key in the result');
  t.same(original, deployment(), 'original not mutated');
});

t.test("kubectl apply's 3-way patch with ports:null deletes the ports", async (t) => {
  const body = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' } },
    spec: {
      replicas: 3,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }],
          containers: [{ image: 'nginx:1.25', name: 'nginx', ports: null }],
        },
      },
    },
  };
  const out = applyStrategicMergePatch(deployment(), body, DEPLOYMENT) as Record<string, Record<string, unknown>>;
  t.same(podSpec(out)['containers'], [
    { name: 'nginx', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] },
    { name: 'sidecar', image: 'busybox' },
  ]);
  t.equal(out['spec']?.['replicas'], 3);
  t.same(out['metadata']?.['annotations'], { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' });
});

t.test('{"spec":{"paused":null}} removes paused', async (t) => {
  const out = applyStrategicMergePatch(deployment(), { spec: { paused: null } }, DEPLOYMENT) as Record<
    string,
    Record<string, unknown>
  >;
  t.notOk('paused' in (out['spec'] ?? {}));
  t.equal(out['spec']?.['replicas'], 1);
});

t.test('$setElementOrder orders the merged list, unnamed items keep their order after', async (t) => {
  const body = {
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'new' }, { name: 'nginx' }],
          containers: [{ name: 'new', image: 'redis' }],
        },
      },
    },
  };
  const out = applyStrategicMergePatch(deployment(), body, DEPLOYMENT);
  t.same(
    (podSpec(out)['containers'] as { name: string }[]).map((c) => c.name),
    ['new', 'nginx', 'sidecar'],
  );
});

t.test('$patch: delete removes a list item by merge key; $patch: replace replaces the list', async (t) => {
  const deleted = applyStrategicMergePatch(
    deployment(),
    { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
    DEPLOYMENT,
  );
  t.same(
    (podSpec(deleted)['containers'] as { name: string }[]).map((c) => c.name),
    ['nginx'],
  );
  const replaced = applyStrategicMergePatch(
    deployment(),
    { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } },
    DEPLOYMENT,
  );
  t.same(podSpec(replaced)['containers'], [{ name: 'only', image: 'x' }]);
});

t.test('$patch in a map: replace replaces the map, delete removes it', async (t) => {
  const original = { metadata: { labels: { a: '1', b: '2' }, annotations: { x: 'y' } } };
  t.same(applyStrategicMergePatch(original, { metadata: { labels: { c: '3', $patch: 'replace' } } }, POD), {
    metadata: { labels: { c: '3' }, annotations: { x: 'y' } },
  });
  t.same(applyStrategicMergePatch(original, { metadata: { annotations: { $patch: 'delete' } } }, POD), {
    metadata: { labels: { a: '1', b: '2' } },
  });
  t.same(applyStrategicMergePatch(original, { metadata: { labels: { c: '3', $patch: 'merge' } } }, POD), {
    metadata: { labels: { a: '1', b: '2', c: '3' }, annotations: { x: 'y' } },
  });
});

t.test('$retainKeys drops the keys it does not name (deployment strategy switch)', async (t) => {
  const original = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
  const out = applyStrategicMergePatch(
    original,
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    DEPLOYMENT,
  );
  t.same(out, { spec: { strategy: { type: 'Recreate' } } });
});

t.test('primitive lists with merge strategy are unioned; $deleteFromPrimitiveList removes', async (t) => {
  const original = { metadata: { finalizers: ['a', 'b'] } };
  t.same(applyStrategicMergePatch(original, { metadata: { finalizers: ['b', 'c'] } }, POD), {
    metadata: { finalizers: ['a', 'b', 'c'] },
  });
  t.same(applyStrategicMergePatch(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, POD), {
    metadata: { finalizers: ['b'] },
  });
});

t.test('ownerReferences merge by uid', async (t) => {
  const original = { metadata: { ownerReferences: [{ uid: '1', name: 'a', kind: 'ReplicaSet' }] } };
  const out = applyStrategicMergePatch(
    original,
    {
      metadata: {
        ownerReferences: [
          { uid: '1', controller: true },
          { uid: '2', name: 'b' },
        ],
      },
    },
    patchSchemaFor('Widget.example.com'),
  );
  t.same(out, {
    metadata: {
      ownerReferences: [
        { uid: '1', name: 'a', kind: 'ReplicaSet', controller: true },
        { uid: '2', name: 'b' },
      ],
    },
  });
});

t.test('lists without a strategy are replaced (tolerations, args)', async (t) => {
  const original = {
    spec: {
      tolerations: [{ key: 'a', operator: 'Exists' }],
      containers: [{ name: 'c', args: ['1', '2'] }],
    },
  };
  const out = applyStrategicMergePatch(
    original,
    { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'c', args: ['3'] }] } },
    POD,
  );
  t.same(out, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'c', args: ['3'] }] } });
});

t.test('service ports merge by port; volumeMounts by mountPath', async (t) => {
  const svc = { spec: { ports: [{ port: 80, targetPort: 8080, name: 'http' }] } };
  t.same(
    applyStrategicMergePatch(
      svc,
      { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
      patchSchemaFor('Service'),
    ),
    { spec: { ports: [{ port: 80, targetPort: 9090, name: 'http' }, { port: 443 }] } },
  );
  const pod = { spec: { containers: [{ name: 'c', volumeMounts: [{ mountPath: '/a', name: 'v1' }] }] } };
  t.same(
    applyStrategicMergePatch(
      pod,
      { spec: { containers: [{ name: 'c', volumeMounts: [{ mountPath: '/b', name: 'v1' }] }] } },
      POD,
    ),
    {
      spec: {
        containers: [
          {
            name: 'c',
            volumeMounts: [
              { mountPath: '/a', name: 'v1' },
              { mountPath: '/b', name: 'v1' },
            ],
          },
        ],
      },
    },
  );
});

t.test('directives in new items are stripped', async (t) => {
  const out = applyStrategicMergePatch(
    {},
    {
      spec: {
        containers: [
          {
            name: 'c',
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', $patch: 'delete' },
            ],
          },
        ],
      },
    },
    POD,
  );
  t.same(out, { spec: { containers: [{ name: 'c', env: [{ name: 'X', value: '1' }] }] } });
});

t.test('malformed patches are 400 BadRequest', async (t) => {
  const bad = (patch: unknown): string => {
    try {
      applyStrategicMergePatch(deployment(), patch, DEPLOYMENT);
    } catch (err) {
      if (err instanceof ApiError) return err.reason;
      throw err;
    }
    return 'none';
  };
  t.equal(bad([1]), 'BadRequest');
  t.equal(bad({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }), 'BadRequest', 'missing merge key');
  t.equal(bad({ spec: { $patch: 'frob' } }), 'BadRequest');
  t.equal(bad({ spec: { strategy: { $retainKeys: 'type' } } }), 'BadRequest');
  t.equal(bad({ spec: { template: { spec: { '$setElementOrder/containers': 'x' } } } }), 'BadRequest');
});
