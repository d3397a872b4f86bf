import t from 'tap';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.js';
import { MemoryRbacSource } from './memory-source.js';
import { RbacAuthorizer } from './rbac.js';
import { pathAttrs, resourceAttrs, roleBindingOf, subjectOf, userOf } from './testing.js';
import type { UserInfo } from '../auth/user.js';
import type { RequestAttributes } from './attributes.js';

function policy(): { rbac: RbacAuthorizer; source: MemoryRbacSource } {
  const source = new MemoryRbacSource({
    clusterRoles: bootstrapClusterRoles(),
    clusterRoleBindings: bootstrapClusterRoleBindings(),
    roleBindings: ['view', 'edit', 'admin'].map((role) =>
      roleBindingOf('default', role, { kind: 'ClusterRole', name: role }, [subjectOf('User', role)]),
    ),
  });
  return { rbac: new RbacAuthorizer(source), source };
}

const inDefault = (user: UserInfo, verb: string, parts: Partial<RequestAttributes> = {}) =>
  resourceAttrs(user, verb, { namespace: 'default', name: 'x', ...parts });

t.test('the default roles', async (t) => {
  const { rbac } = policy();
  const view = userOf('view');
  const edit = userOf('edit');
  const admin = userOf('admin');
  const can = (a: RequestAttributes) => rbac.authorize(a).allowed;
  t.ok(can(inDefault(view, 'get')), 'view gets pods');
  t.ok(can(inDefault(view, 'list', { apiGroup: 'apps', resource: 'deployments', name: '' })), 'view lists deployments');
  t.ok(can(inDefault(view, 'get', { subresource: 'log' })), 'view reads pod logs');
  t.notOk(can(inDefault(view, 'delete')), 'view cannot delete');
  t.notOk(can(inDefault(view, 'get', { resource: 'secrets' })), 'view cannot read secrets');
  t.ok(can(inDefault(edit, 'delete')), 'edit deletes pods (aggregated)');
  t.ok(can(inDefault(edit, 'get', { resource: 'secrets' })), 'edit reads secrets');
  t.ok(can(inDefault(edit, 'get')), 'edit has view (aggregated twice)');
  t.ok(
    can(inDefault(edit, 'update', { apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })),
    'edit scales',
  );
  t.notOk(
    can(inDefault(edit, 'create', { apiGroup: 'rbac.authorization.k8s.io', resource: 'roles' })),
    'edit cannot write roles',
  );
  t.ok(
    can(inDefault(admin, 'create', { apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' })),
    'admin writes rolebindings',
  );
  t.ok(can(inDefault(admin, 'delete')), 'admin has edit');
  t.notOk(
    can(resourceAttrs(admin, 'get', { resource: 'nodes', name: 'n' })),
    'a namespaced admin has no cluster scope',
  );
  t.notOk(can(inDefault(userOf('nobody'), 'get')), 'no binding, no access');
});

t.test('the default bindings', async (t) => {
  const { rbac } = policy();
  const can = (a: RequestAttributes) => rbac.authorize(a).allowed;
  const anonymous: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const someone = userOf('someone');
  t.ok(can(pathAttrs(anonymous, 'get', '/version')), 'anonymous reads /version');
  t.ok(can(pathAttrs(anonymous, 'get', '/healthz')), 'anonymous reads /healthz');
  t.notOk(can(pathAttrs(anonymous, 'get', '/apis')), 'anonymous cannot discover');
  t.ok(can(pathAttrs(someone, 'get', '/apis/apps/v1')), 'authenticated users discover');
  t.ok(
    can(resourceAttrs(someone, 'create', { apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' })),
    'authenticated users ask can-i',
  );
  t.notOk(
    can(resourceAttrs(anonymous, 'create', { apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' })),
  );
  const root = { name: 'admin', groups: ['system:masters'] };
  t.ok(can(pathAttrs(root, 'delete', '/anything')), 'system:masters');
  const scheduler = userOf('system:kube-scheduler');
  t.ok(
    can(resourceAttrs(scheduler, 'create', { namespace: 'default', subresource: 'binding', name: 'p' })),
    'the scheduler binds pods',
  );
  t.ok(
    can(
      resourceAttrs(scheduler, 'update', {
        apiGroup: 'coordination.k8s.io',
        resource: 'leases',
        namespace: 'kube-system',
        name: 'kube-scheduler',
      }),
    ),
    'the scheduler renews its lease',
  );
  t.notOk(
    can(resourceAttrs(scheduler, 'get', { resource: 'secrets', namespace: 'default', name: 's' })),
    'the scheduler reads no secrets',
  );
  const kcm = userOf('system:kube-controller-manager');
  t.ok(
    can(resourceAttrs(kcm, 'create', { apiGroup: 'apps', resource: 'replicasets', namespace: 'default' })),
    'the controller manager creates replicasets',
  );
  t.ok(can(resourceAttrs(kcm, 'delete', { namespace: 'default', name: 'p' })), 'the controller manager deletes pods');
  t.notOk(
    can(resourceAttrs(kcm, 'create', { apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' })),
    'the controller manager grants nothing',
  );
  const node = userOf('system:node:n1', 'system:nodes');
  t.notOk(
    can(resourceAttrs(node, 'get', { resource: 'secrets', namespace: 'default', name: 's' })),
    'system:node is not bound: the node authorizer decides',
  );
  t.ok(
    can(
      resourceAttrs(userOf('system:bootstrap:abc', 'system:bootstrappers'), 'create', {
        apiGroup: 'certificates.k8s.io',
        resource: 'certificatesigningrequests',
      }),
    ),
    'bootstrap tokens may request certificates',
  );
});

t.test('bootstrap objects are well formed', async (t) => {
  const roles = bootstrapClusterRoles();
  const names = new Set(roles.map((r) => r.metadata.name));
  t.equal(names.size, roles.length, 'unique names');
  for (const name of [
    'cluster-admin',
    'admin',
    'edit',
    'view',
    'system:basic-user',
    'system:discovery',
    'system:public-info-viewer',
    'system:kube-scheduler',
    'system:kube-controller-manager',
    'system:node',
    'system:node-bootstrapper',
  ]) {
    t.ok(names.has(name), name);
  }
  for (const b of bootstrapClusterRoleBindings()) {
    t.ok(names.has(b.roleRef.name), `binding ${String(b.metadata.name)} refers to an existing role`);
    t.equal(b.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
  }
  const view = roles.find((r) => r.metadata.name === 'view');
  t.equal(view?.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true', 'view aggregates into edit');
  t.not(bootstrapClusterRoles()[0], roles[0], 'fresh objects on each call');
});
