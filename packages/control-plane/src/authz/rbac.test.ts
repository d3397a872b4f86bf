import t from 'tap';
import { MemoryRbacSource } from './memory-source.js';
import { RbacAuthorizer } from './rbac.js';
import {
  clusterRoleBindingOf,
  clusterRoleOf,
  pathAttrs,
  resourceAttrs,
  roleBindingOf,
  roleOf,
  subjectOf,
  userOf,
} from './testing.js';
import type { RequestAttributes } from './attributes.js';
import type { PolicyRule } from './types.js';

const alice = userOf('alice');

/** One rule bound cluster-wide to alice; the request is allowed or not. */
const ruleCases: Array<{ name: string; rule: PolicyRule; attrs: RequestAttributes; allowed: boolean }> = [
  // verbs
  {
    name: 'verb listed',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    attrs: resourceAttrs(alice, 'get'),
    allowed: true,
  },
  {
    name: 'verb not listed',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    attrs: resourceAttrs(alice, 'delete'),
    allowed: false,
  },
  {
    name: 'verb *',
    rule: { verbs: ['*'], apiGroups: [''], resources: ['pods'] },
    attrs: resourceAttrs(alice, 'deletecollection'),
    allowed: true,
  },
  // apiGroups
  {
    name: 'core group does not match apps',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['deployments'] },
    attrs: resourceAttrs(alice, 'get', { apiGroup: 'apps', resource: 'deployments' }),
    allowed: false,
  },
  {
    name: 'apps group matches',
    rule: { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] },
    attrs: resourceAttrs(alice, 'get', { apiGroup: 'apps', resource: 'deployments' }),
    allowed: true,
  },
  {
    name: 'group *',
    rule: { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] },
    attrs: resourceAttrs(alice, 'get', { apiGroup: 'apps', resource: 'deployments' }),
    allowed: true,
  },
  {
    name: 'no apiGroups matches nothing',
    rule: { verbs: ['get'], resources: ['pods'] },
    attrs: resourceAttrs(alice, 'get'),
    allowed: false,
  },
  // resources and subresources
  {
    name: 'resource *',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] },
    attrs: resourceAttrs(alice, 'get', { resource: 'secrets' }),
    allowed: true,
  },
  {
    name: 'resource * covers subresources',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['*'] },
    attrs: resourceAttrs(alice, 'get', { subresource: 'log' }),
    allowed: true,
  },
  {
    name: 'pods does not cover pods/log',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    attrs: resourceAttrs(alice, 'get', { subresource: 'log' }),
    allowed: false,
  },
  {
    name: 'pods/log covers pods/log',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
    attrs: resourceAttrs(alice, 'get', { subresource: 'log' }),
    allowed: true,
  },
  {
    name: 'pods/log does not cover pods',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
    attrs: resourceAttrs(alice, 'get'),
    allowed: false,
  },
  {
    name: '*/scale covers deployments/scale',
    rule: { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] },
    attrs: resourceAttrs(alice, 'update', { apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }),
    allowed: true,
  },
  {
    name: '*/scale does not cover deployments',
    rule: { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] },
    attrs: resourceAttrs(alice, 'update', { apiGroup: 'apps', resource: 'deployments' }),
    allowed: false,
  },
  {
    name: '*/scale does not cover pods/status',
    rule: { verbs: ['update'], apiGroups: [''], resources: ['*/scale'] },
    attrs: resourceAttrs(alice, 'update', { subresource: 'status' }),
    allowed: false,
  },
  // resourceNames
  {
    name: 'resourceNames lists the name',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cm1'] },
    attrs: resourceAttrs(alice, 'get', { resource: 'configmaps', name: 'cm1' }),
    allowed: true,
  },
  {
    name: 'resourceNames lacks the name',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cm1'] },
    attrs: resourceAttrs(alice, 'get', { resource: 'configmaps', name: 'cm2' }),
    allowed: false,
  },
  {
    name: 'resourceNames does not allow an unnamed list',
    rule: { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cm1'] },
    attrs: resourceAttrs(alice, 'list', { resource: 'configmaps' }),
    allowed: false,
  },
  {
    name: 'no resourceNames allows any name',
    rule: { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] },
    attrs: resourceAttrs(alice, 'get', { resource: 'configmaps', name: 'anything' }),
    allowed: true,
  },
  // nonResourceURLs
  {
    name: 'exact URL',
    rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    attrs: pathAttrs(alice, 'get', '/healthz'),
    allowed: true,
  },
  {
    name: 'exact URL is not a prefix',
    rule: { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    attrs: pathAttrs(alice, 'get', '/healthz/etcd'),
    allowed: false,
  },
  {
    name: 'trailing * is a prefix',
    rule: { verbs: ['get'], nonResourceURLs: ['/healthz/*'] },
    attrs: pathAttrs(alice, 'get', '/healthz/etcd'),
    allowed: true,
  },
  {
    name: 'URL * matches every path',
    rule: { verbs: ['get'], nonResourceURLs: ['*'] },
    attrs: pathAttrs(alice, 'get', '/metrics'),
    allowed: true,
  },
  {
    name: 'URL verb must match',
    rule: { verbs: ['get'], nonResourceURLs: ['*'] },
    attrs: pathAttrs(alice, 'post', '/metrics'),
    allowed: false,
  },
  {
    name: 'URL rules do not allow resources',
    rule: { verbs: ['*'], nonResourceURLs: ['*'] },
    attrs: resourceAttrs(alice, 'get'),
    allowed: false,
  },
  {
    name: 'resource rules do not allow paths',
    rule: { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    attrs: pathAttrs(alice, 'get', '/metrics'),
    allowed: false,
  },
];

t.test('each rule shape, bound cluster-wide', async (t) => {
  for (const c of ruleCases) {
    const source = new MemoryRbacSource({
      clusterRoles: [clusterRoleOf('r', [c.rule])],
      clusterRoleBindings: [clusterRoleBindingOf('b', 'r', [subjectOf('User', 'alice')])],
    });
    const result = new RbacAuthorizer(source).authorize(c.attrs);
    t.equal(result.allowed, c.allowed, c.name);
    t.notOk(result.denied, `${c.name}: RBAC never denies`);
  }
});

t.test('bindings: subjects and scopes', async (t) => {
  const podReader: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  const source = new MemoryRbacSource({
    roles: [roleOf('team-a', 'pod-reader', [podReader]), roleOf('team-b', 'pod-reader', [podReader])],
    clusterRoles: [
      clusterRoleOf('pod-reader', [podReader]),
      clusterRoleOf('node-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]),
    ],
    roleBindings: [
      roleBindingOf('team-a', 'users', { kind: 'Role', name: 'pod-reader' }, [subjectOf('User', 'bob')]),
      roleBindingOf('team-a', 'group', { kind: 'Role', name: 'pod-reader' }, [subjectOf('Group', 'devs')]),
      roleBindingOf('team-a', 'sa-implicit', { kind: 'Role', name: 'pod-reader' }, [
        subjectOf('ServiceAccount', 'builder'),
      ]),
      roleBindingOf('team-a', 'sa-other-ns', { kind: 'Role', name: 'pod-reader' }, [
        subjectOf('ServiceAccount', 'robot', 'team-c'),
      ]),
      roleBindingOf('team-b', 'cluster-role-grant', { kind: 'ClusterRole', name: 'pod-reader' }, [
        subjectOf('User', 'carol'),
      ]),
      roleBindingOf('team-b', 'node-grant', { kind: 'ClusterRole', name: 'node-reader' }, [subjectOf('User', 'carol')]),
      roleBindingOf('team-b', 'missing', { kind: 'Role', name: 'nope' }, [subjectOf('User', 'erin')]),
    ],
    clusterRoleBindings: [clusterRoleBindingOf('dave-nodes', 'node-reader', [subjectOf('User', 'dave')])],
  });
  const rbac = new RbacAuthorizer(source);
  const pods = (user: ReturnType<typeof userOf>, namespace: string): boolean =>
    rbac.authorize(resourceAttrs(user, 'get', { namespace, name: 'p' })).allowed;

  t.ok(pods(userOf('bob'), 'team-a'), 'User subject in its namespace');
  t.notOk(pods(userOf('bob'), 'team-b'), 'a RoleBinding grants only in its namespace');
  t.notOk(
    rbac.authorize(resourceAttrs(userOf('bob'), 'list')).allowed,
    'a RoleBinding grants nothing across namespaces',
  );
  t.ok(pods(userOf('zed', 'devs'), 'team-a'), 'Group subject');
  t.notOk(pods(userOf('devs'), 'team-a'), 'a user named like the group is not in it');
  t.ok(
    pods(userOf('system:serviceaccount:team-a:builder'), 'team-a'),
    'ServiceAccount subject defaults to the binding namespace',
  );
  t.notOk(pods(userOf('system:serviceaccount:team-b:builder'), 'team-a'), 'ServiceAccount of another namespace');
  t.ok(pods(userOf('system:serviceaccount:team-c:robot'), 'team-a'), 'ServiceAccount subject with its own namespace');
  t.ok(pods(userOf('carol'), 'team-b'), 'RoleBinding to a ClusterRole grants in the namespace');
  t.notOk(pods(userOf('carol'), 'team-a'), '... and only there');
  t.notOk(
    rbac.authorize(resourceAttrs(userOf('carol'), 'get', { resource: 'nodes', name: 'n1' })).allowed,
    'a RoleBinding to a ClusterRole does not grant cluster-scoped resources',
  );
  t.ok(
    rbac.authorize(resourceAttrs(userOf('dave'), 'get', { resource: 'nodes', name: 'n1' })).allowed,
    'ClusterRoleBinding grants cluster-scoped',
  );
  t.notOk(pods(userOf('mallory'), 'team-a'), 'no binding, no access');
  t.ok(
    rbac.authorize(resourceAttrs(userOf('root', 'system:masters'), 'delete', { resource: 'anything' })).allowed,
    'system:masters',
  );

  const denied = rbac.authorize(resourceAttrs(userOf('erin'), 'get', { namespace: 'team-b', name: 'p' }));
  t.equal(denied.allowed, false);
  t.match(denied.reason, /role\.rbac\.authorization\.k8s\.io "nope" not found/, 'a missing role is reported');

  const allowed = rbac.authorize(resourceAttrs(userOf('carol'), 'get', { namespace: 'team-b', name: 'p' }));
  t.equal(
    allowed.reason,
    'RBAC: allowed by RoleBinding "cluster-role-grant/team-b" of ClusterRole "pod-reader" to User "carol"',
  );
  const sa = rbac.authorize(
    resourceAttrs(userOf('system:serviceaccount:team-a:builder'), 'get', { namespace: 'team-a', name: 'p' }),
  );
  t.equal(
    sa.reason,
    'RBAC: allowed by RoleBinding "sa-implicit/team-a" of Role "pod-reader" to ServiceAccount "builder/team-a"',
  );
});

t.test('aggregated ClusterRoles take the rules of the roles they select, transitively', async (t) => {
  const agg = (name: string, label: string, labels?: Record<string, string>) => ({
    ...clusterRoleOf(name, [], labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] },
  });
  const source = new MemoryRbacSource({
    clusterRoles: [
      agg('top', 'to-top'),
      agg('middle', 'to-middle', { 'to-top': 'true' }),
      clusterRoleOf('pods', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], { 'to-middle': 'true' }),
      clusterRoleOf('secrets', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }], { 'to-top': 'true' }),
      clusterRoleOf('unlabelled', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]),
      agg('cycle-a', 'to-a', { 'to-b': 'true' }),
      agg('cycle-b', 'to-b', { 'to-a': 'true' }),
    ],
    clusterRoleBindings: [
      clusterRoleBindingOf('top', 'top', [subjectOf('User', 'top')]),
      clusterRoleBindingOf('middle', 'middle', [subjectOf('User', 'middle')]),
      clusterRoleBindingOf('cycle', 'cycle-a', [subjectOf('User', 'cycler')]),
    ],
  });
  const rbac = new RbacAuthorizer(source);
  const can = (user: string, resource: string) =>
    rbac.authorize(resourceAttrs(userOf(user), 'get', { resource, name: 'x', namespace: 'ns' })).allowed;
  t.ok(can('top', 'secrets'), 'direct member');
  t.ok(can('top', 'pods'), 'member of a member');
  t.notOk(can('top', 'nodes'), 'an unlabelled role is not aggregated');
  t.ok(can('middle', 'pods'));
  t.notOk(can('middle', 'secrets'), 'aggregation is one-way');
  t.notOk(can('cycler', 'pods'), 'a selector cycle terminates and grants nothing');

  // A newly labelled role joins at once.
  source.objects.clusterRoles.push(
    clusterRoleOf('late', [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }], { 'to-middle': 'true' }),
  );
  t.ok(can('top', 'nodes'), 'a role labelled later is aggregated');
});
