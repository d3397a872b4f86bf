import t from 'tap';
import type { KubeObject } from '../apiserver/api/types.js';
import { NodeAuthorizer, nodeIdentity } from './node.js';
import { pathAttrs, resourceAttrs, userOf } from './testing.js';
import type { RequestAttributes } from './attributes.js';

function pod(namespace: string, name: string, nodeName: string, spec: Record<string, unknown> = {}): KubeObject {
  return { kind: 'Pod', metadata: { namespace, name }, spec: { nodeName, ...spec } };
}

const pods: KubeObject[] = [
  pod('default', 'web', 'n1', {
    serviceAccountName: 'web-sa',
    imagePullSecrets: [{ name: 'pull' }],
    containers: [
      {
        name: 'c',
        env: [
          { name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } },
        ],
        envFrom: [{ secretRef: { name: 'envfrom-secret' } }],
      },
    ],
    volumes: [
      { name: 'v1', secret: { secretName: 'vol-secret' } },
      { name: 'v2', configMap: { name: 'vol-cm' } },
      { name: 'v3', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'v4', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }] } },
    ],
  }),
  pod('default', 'db', 'n2', { volumes: [{ name: 'v', secret: { secretName: 'db-secret' } }] }),
];

const authorizer = new NodeAuthorizer({
  podsOnNode: (node) => pods.filter((p) => (p.spec as { nodeName: string }).nodeName === node),
});
const n1 = userOf('system:node:n1', 'system:nodes');

const cases: Array<{ name: string; attrs: RequestAttributes; allowed: boolean }> = [
  // secrets, configmaps, pvcs, service accounts of own pods
  ...['pull', 'env-secret', 'envfrom-secret', 'vol-secret', 'proj-secret'].map((name) => ({
    name: `own pod's secret ${name}`,
    attrs: resourceAttrs(n1, 'get', { resource: 'secrets', namespace: 'default', name }),
    allowed: true,
  })),
  {
    name: "another node's pod secret",
    attrs: resourceAttrs(n1, 'get', { resource: 'secrets', namespace: 'default', name: 'db-secret' }),
    allowed: false,
  },
  {
    name: 'unreferenced secret',
    attrs: resourceAttrs(n1, 'get', { resource: 'secrets', namespace: 'default', name: 'other' }),
    allowed: false,
  },
  {
    name: 'same name, other namespace',
    attrs: resourceAttrs(n1, 'get', { resource: 'secrets', namespace: 'kube-system', name: 'vol-secret' }),
    allowed: false,
  },
  {
    name: 'watch one named secret',
    attrs: resourceAttrs(n1, 'watch', { resource: 'secrets', namespace: 'default', name: 'vol-secret' }),
    allowed: true,
  },
  {
    name: 'list all secrets',
    attrs: resourceAttrs(n1, 'list', { resource: 'secrets', namespace: 'default' }),
    allowed: false,
  },
  {
    name: 'update a referenced secret',
    attrs: resourceAttrs(n1, 'update', { resource: 'secrets', namespace: 'default', name: 'vol-secret' }),
    allowed: false,
  },
  {
    name: 'own configmap (env)',
    attrs: resourceAttrs(n1, 'get', { resource: 'configmaps', namespace: 'default', name: 'env-cm' }),
    allowed: true,
  },
  {
    name: 'own configmap (projected)',
    attrs: resourceAttrs(n1, 'get', { resource: 'configmaps', namespace: 'default', name: 'proj-cm' }),
    allowed: true,
  },
  {
    name: 'own configmap (volume)',
    attrs: resourceAttrs(n1, 'get', { resource: 'configmaps', namespace: 'default', name: 'vol-cm' }),
    allowed: true,
  },
  {
    name: 'own pvc',
    attrs: resourceAttrs(n1, 'get', { resource: 'persistentvolumeclaims', namespace: 'default', name: 'data' }),
    allowed: true,
  },
  {
    name: 'own service account',
    attrs: resourceAttrs(n1, 'get', { resource: 'serviceaccounts', namespace: 'default', name: 'web-sa' }),
    allowed: true,
  },
  {
    name: 'own service account token',
    attrs: resourceAttrs(n1, 'create', {
      resource: 'serviceaccounts',
      subresource: 'token',
      namespace: 'default',
      name: 'web-sa',
    }),
    allowed: true,
  },
  {
    name: "other pod's default service account",
    attrs: resourceAttrs(n1, 'create', {
      resource: 'serviceaccounts',
      subresource: 'token',
      namespace: 'default',
      name: 'default',
    }),
    allowed: false,
  },
  // nodes
  { name: 'get own Node', attrs: resourceAttrs(n1, 'get', { resource: 'nodes', name: 'n1' }), allowed: true },
  { name: 'list Nodes', attrs: resourceAttrs(n1, 'list', { resource: 'nodes' }), allowed: true },
  { name: 'update own Node', attrs: resourceAttrs(n1, 'update', { resource: 'nodes', name: 'n1' }), allowed: true },
  {
    name: 'patch own Node status',
    attrs: resourceAttrs(n1, 'patch', { resource: 'nodes', subresource: 'status', name: 'n1' }),
    allowed: true,
  },
  {
    name: 'update another Node',
    attrs: resourceAttrs(n1, 'update', { resource: 'nodes', name: 'n2' }),
    allowed: false,
  },
  {
    name: "patch another Node's status",
    attrs: resourceAttrs(n1, 'patch', { resource: 'nodes', subresource: 'status', name: 'n2' }),
    allowed: false,
  },
  { name: 'delete own Node', attrs: resourceAttrs(n1, 'delete', { resource: 'nodes', name: 'n1' }), allowed: false },
  // leases
  {
    name: 'own lease',
    attrs: resourceAttrs(n1, 'update', {
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: 'n1',
    }),
    allowed: true,
  },
  {
    name: "another node's lease",
    attrs: resourceAttrs(n1, 'update', {
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: 'n2',
    }),
    allowed: false,
  },
  {
    name: 'lease in another namespace',
    attrs: resourceAttrs(n1, 'update', {
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-system',
      name: 'n1',
    }),
    allowed: false,
  },
  {
    name: 'create a lease',
    attrs: resourceAttrs(n1, 'create', {
      apiGroup: 'coordination.k8s.io',
      resource: 'leases',
      namespace: 'kube-node-lease',
    }),
    allowed: true,
  },
  // pods
  {
    name: 'update own pod status',
    attrs: resourceAttrs(n1, 'update', { subresource: 'status', namespace: 'default', name: 'web' }),
    allowed: true,
  },
  {
    name: "patch another node's pod status",
    attrs: resourceAttrs(n1, 'patch', { subresource: 'status', namespace: 'default', name: 'db' }),
    allowed: false,
  },
  { name: 'watch pods', attrs: resourceAttrs(n1, 'watch'), allowed: true },
  {
    name: 'update a pod spec',
    attrs: resourceAttrs(n1, 'update', { namespace: 'default', name: 'web' }),
    allowed: false,
  },
  // events and the rest
  {
    name: 'create events',
    attrs: resourceAttrs(n1, 'create', { resource: 'events', namespace: 'default' }),
    allowed: true,
  },
  {
    name: 'delete deployments',
    attrs: resourceAttrs(n1, 'delete', { apiGroup: 'apps', resource: 'deployments', namespace: 'default', name: 'd' }),
    allowed: false,
  },
  { name: 'non-resource path', attrs: pathAttrs(n1, 'get', '/metrics'), allowed: false },
];

t.test('node authorizer table', async (t) => {
  for (const c of cases) {
    const result = authorizer.authorize(c.attrs);
    t.equal(result.allowed, c.allowed, c.name);
    t.notOk(result.denied, `${c.name}: the node authorizer never denies, RBAC decides the rest`);
  }
});

t.test('only node credentials are judged', async (t) => {
  t.same(nodeIdentity(n1), { isNode: true, nodeName: 'n1' });
  t.same(nodeIdentity(userOf('system:node:n1')), { isNode: false, nodeName: '' }, 'the group is required');
  t.same(nodeIdentity(userOf('alice', 'system:nodes')), { isNode: false, nodeName: '' }, 'the name is required');
  const result = authorizer.authorize(resourceAttrs(userOf('alice'), 'get', { resource: 'nodes', name: 'n1' }));
  t.same(result, { allowed: false, reason: '' }, 'other users: no opinion');
  const unknown = authorizer.authorize(
    resourceAttrs(userOf('system:node:', 'system:nodes'), 'get', { resource: 'nodes' }),
  );
  t.match(unknown.reason, /unknown node/);
  const other = authorizer.authorize(
    resourceAttrs(n1, 'get', { resource: 'secrets', namespace: 'default', name: 'db-secret' }),
  );
  t.equal(other.reason, "no relationship found between node 'n1' and this object");
});
