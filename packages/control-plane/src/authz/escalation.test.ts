import t from 'tap';
import { AuthorizerChain } from './chain.js';
import {
  breakdownRule,
  checkBindingWrite,
  checkRoleWrite,
  compactRuleString,
  covers,
  uncoveredRules,
} from './escalation.js';
import { MemoryRbacSource } from './memory-source.js';
import { RbacAuthorizer } from './rbac.js';
import { clusterRoleBindingOf, clusterRoleOf, roleBindingOf, roleOf, subjectOf, userOf } from './testing.js';
import type { PolicyRule } from './types.js';

const coverCases: Array<{ name: string; owner: PolicyRule[]; requested: PolicyRule[]; covered: boolean }> = [
  {
    name: 'same rule',
    owner: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    requested: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    covered: true,
  },
  {
    name: 'more verbs requested',
    owner: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    requested: [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }],
    covered: false,
  },
  {
    name: 'split across owner rules',
    owner: [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['delete'], apiGroups: [''], resources: ['pods'] },
    ],
    requested: [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }],
    covered: true,
  },
  {
    name: 'owner * covers all',
    owner: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    requested: [{ verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'] }],
    covered: true,
  },
  {
    name: 'requested * needs owner *',
    owner: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
    requested: [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }],
    covered: false,
  },
  {
    name: 'owner */scale covers deployments/scale',
    owner: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }],
    requested: [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }],
    covered: true,
  },
  {
    name: 'owner pods does not cover pods/log',
    owner: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    requested: [{ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }],
    covered: false,
  },
  {
    name: 'named owner does not cover unnamed',
    owner: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }],
    requested: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }],
    covered: false,
  },
  {
    name: 'unnamed owner covers named',
    owner: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }],
    requested: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }],
    covered: true,
  },
  {
    name: 'URL prefix covers',
    owner: [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }],
    requested: [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }],
    covered: true,
  },
  {
    name: 'URL exact does not cover prefix',
    owner: [{ verbs: ['get'], nonResourceURLs: ['/apis'] }],
    requested: [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }],
    covered: false,
  },
  { name: 'nothing requested', owner: [], requested: [], covered: true },
];

t.test('covers', async (t) => {
  for (const c of coverCases) t.equal(covers(c.owner, c.requested), c.covered, c.name);
  t.equal(
    breakdownRule({ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['a'], resourceNames: ['x', 'y'] })
      .length,
    8,
  );
  t.same(
    uncoveredRules(
      [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }],
    ),
    [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }],
  );
  t.equal(
    compactRuleString({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }),
    '{APIGroups:[""], Resources:["pods"], ResourceNames:["p"], Verbs:["get" "list"]}',
  );
});

function setup() {
  const source = new MemoryRbacSource({
    clusterRoles: [
      clusterRoleOf('pod-admin', [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]),
      clusterRoleOf('secret-admin', [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }]),
      clusterRoleOf('rbac-writer', [
        {
          verbs: ['create', 'update'],
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
        },
      ]),
      clusterRoleOf('binder', [
        {
          verbs: ['bind'],
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['clusterroles'],
          resourceNames: ['secret-admin'],
        },
      ]),
      clusterRoleOf('escalator', [
        { verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] },
      ]),
    ],
    roles: [roleOf('dev', 'secret-role', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])],
    clusterRoleBindings: [clusterRoleBindingOf('writers', 'rbac-writer', [subjectOf('Group', 'writers')])],
    roleBindings: [
      roleBindingOf('dev', 'alice-pods', { kind: 'ClusterRole', name: 'pod-admin' }, [subjectOf('User', 'alice')]),
      roleBindingOf('dev', 'bob-bind', { kind: 'ClusterRole', name: 'binder' }, [subjectOf('User', 'bob')]),
      roleBindingOf('dev', 'eve-escalate', { kind: 'ClusterRole', name: 'escalator' }, [subjectOf('User', 'eve')]),
    ],
  });
  const rbac = new RbacAuthorizer(source);
  return { rbac, deps: { rbac, authorizer: new AuthorizerChain([rbac]) } };
}

t.test('role writes', async (t) => {
  const { deps } = setup();
  const alice = userOf('alice', 'writers');
  const podRule: PolicyRule = { verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] };
  const secretRule: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['secrets'] };
  t.ok(
    checkRoleWrite({ user: alice, kind: 'Role', namespace: 'dev', name: 'r', rules: [podRule] }, deps).allowed,
    'holds the permissions in the namespace',
  );
  t.notOk(
    checkRoleWrite({ user: alice, kind: 'Role', namespace: 'prod', name: 'r', rules: [podRule] }, deps).allowed,
    'not in another namespace',
  );
  t.notOk(
    checkRoleWrite({ user: alice, kind: 'ClusterRole', namespace: '', name: 'r', rules: [podRule] }, deps).allowed,
    'a namespaced grant does not cover a ClusterRole',
  );
  const denied = checkRoleWrite(
    { user: alice, kind: 'Role', namespace: 'dev', name: 'r', rules: [podRule, secretRule] },
    deps,
  );
  t.equal(denied.allowed, false, 'lacks secrets');
  if (!denied.allowed) {
    t.equal(denied.error.code, 403);
    t.equal(
      denied.error.message,
      'roles.rbac.authorization.k8s.io "r" is forbidden: user "alice" (groups=["writers" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    );
  }
  const eve = userOf('eve');
  t.ok(
    checkRoleWrite({ user: eve, kind: 'Role', namespace: 'dev', name: 'r', rules: [secretRule] }, deps).allowed,
    'escalate verb bypasses',
  );
  t.notOk(
    checkRoleWrite({ user: eve, kind: 'Role', namespace: 'prod', name: 'r', rules: [secretRule] }, deps).allowed,
    'escalate only where granted',
  );
  const root = userOf('root', 'system:masters');
  t.ok(
    checkRoleWrite(
      { user: root, kind: 'ClusterRole', namespace: '', name: 'x', rules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] },
      deps,
    ).allowed,
    'system:masters bypasses',
  );
  const agg = checkRoleWrite(
    { user: alice, kind: 'ClusterRole', namespace: '', name: 'agg', rules: [], aggregated: true },
    deps,
  );
  t.equal(agg.allowed, false, 'aggregationRule needs full authority');
  if (!agg.allowed) t.match(agg.error.message, /must have cluster-admin privileges to use the aggregationRule/);
});

t.test('binding writes', async (t) => {
  const { deps } = setup();
  const alice = userOf('alice');
  const bob = userOf('bob');
  const write = (user: typeof alice, roleRef: { kind: string; name: string }, namespace = 'dev') =>
    checkBindingWrite(
      {
        user,
        kind: 'RoleBinding',
        namespace,
        name: 'b',
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
      },
      deps,
    );
  t.ok(
    write(alice, { kind: 'ClusterRole', name: 'pod-admin' }).allowed,
    'holds the referenced ClusterRole in the namespace',
  );
  t.notOk(write(alice, { kind: 'ClusterRole', name: 'pod-admin' }, 'prod').allowed, 'not in another namespace');
  const denied = write(alice, { kind: 'Role', name: 'secret-role' });
  t.equal(denied.allowed, false, "lacks the Role's permissions");
  if (!denied.allowed)
    t.match(denied.error.message, /^rolebindings\.rbac\.authorization\.k8s\.io "b" is forbidden: user "alice"/);
  t.ok(write(bob, { kind: 'ClusterRole', name: 'secret-admin' }).allowed, 'bind verb on the named ClusterRole');
  t.notOk(write(bob, { kind: 'ClusterRole', name: 'pod-admin' }).allowed, 'bind is per role name');
  t.notOk(write(bob, { kind: 'ClusterRole', name: 'secret-admin' }, 'prod').allowed, 'bind only where granted');
  const missing = write(alice, { kind: 'ClusterRole', name: 'nope' });
  t.equal(missing.allowed, false, 'a missing role cannot be checked');
  t.ok(
    checkBindingWrite(
      {
        user: userOf('root', 'system:masters'),
        kind: 'ClusterRoleBinding',
        namespace: '',
        name: 'x',
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      },
      deps,
    ).allowed,
    'system:masters bypasses',
  );
});
