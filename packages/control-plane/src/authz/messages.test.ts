import t from 'tap';
import { forbiddenError, forbiddenForRequest } from './messages.js';
import { pathAttrs, resourceAttrs, userOf } from './testing.js';

const alice = userOf('alice');

t.test('Kubernetes 403 messages', async (t) => {
  const cases: Array<{ name: string; err: ReturnType<typeof forbiddenForRequest>; message: string }> = [
    {
      name: 'namespaced object',
      err: forbiddenForRequest(resourceAttrs(alice, 'delete', { namespace: 'default', name: 'x' })),
      message:
        'pods "x" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default"',
    },
    {
      name: 'collection in a namespace',
      err: forbiddenForRequest(resourceAttrs(alice, 'list', { namespace: 'default' })),
      message: 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    },
    {
      name: 'cluster scope, named group',
      err: forbiddenForRequest(resourceAttrs(alice, 'list', { apiGroup: 'apps', resource: 'deployments' })),
      message:
        'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope',
    },
    {
      name: 'subresource',
      err: forbiddenForRequest(resourceAttrs(alice, 'get', { subresource: 'log', namespace: 'ns', name: 'p' })),
      message:
        'pods "p" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "ns"',
    },
    {
      name: 'non-resource path',
      err: forbiddenForRequest(pathAttrs(alice, 'get', '/metrics')),
      message: 'forbidden: User "alice" cannot get path "/metrics"',
    },
    {
      name: 'with a reason',
      err: forbiddenForRequest(
        resourceAttrs(alice, 'get', { resource: 'nodes', name: 'n' }),
        'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
      ),
      message:
        'nodes "n" is forbidden: User "alice" cannot get resource "nodes" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    },
    {
      name: 'HTML in a user name is escaped',
      err: forbiddenForRequest(pathAttrs(userOf('<b>'), 'get', '/x')),
      message: 'forbidden: User "&lt;b&gt;" cannot get path "/x"',
    },
  ];
  for (const c of cases) t.equal(c.err.message, c.message, c.name);
});

t.test('the Status of a 403', async (t) => {
  const status = forbiddenForRequest(
    resourceAttrs(alice, 'delete', { apiGroup: 'apps', resource: 'deployments', namespace: 'd', name: 'web' }),
  ).toStatus();
  t.equal(status.code, 403);
  t.equal(status.reason, 'Forbidden');
  t.same(status.details, { name: 'web', group: 'apps', kind: 'deployments' });
  t.equal(
    forbiddenError({ resource: 'roles', group: 'rbac.authorization.k8s.io', name: 'r' }, 'no').message,
    'roles.rbac.authorization.k8s.io "r" is forbidden: no',
  );
});
