import t from 'tap';
import type { KubeObject } from '../api/types.js';
import type { KindStrategy } from './types.js';
import {
  clusterRoleBindingStrategy,
  clusterRoleStrategy,
  rbacName,
  roleBindingStrategy,
  roleStrategy,
} from './rbac.js';

function obj(kind: string, body: Record<string, unknown>, namespace?: string, name = 'r'): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
    ...body,
  };
}

function problems(strategy: KindStrategy, o: KubeObject): string[] {
  strategy.defaults(o);
  return strategy.validate(o).map((e) => `${e.field}: ${e.message}`);
}

t.test('RBAC names are path segments', async (t) => {
  t.same(rbacName('system:controller:deployment-controller'), []);
  t.same(rbacName('..'), ["may not be '..'"]);
  t.same(rbacName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
  t.same(problems(clusterRoleStrategy, obj('ClusterRole', { rules: [] }, undefined, 'system:aggregate-to-view')), []);
});

t.test('role rules need verbs, api groups and resources', async (t) => {
  const cases: [KindStrategy, KubeObject, string[]][] = [
    [roleStrategy, obj('Role', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }, 'default'), []],
    [
      roleStrategy,
      obj('Role', { rules: [{ apiGroups: [''], resources: ['pods'] }] }, 'default'),
      ['rules[0].verbs: Required value: verbs must contain at least one value'],
    ],
    [
      roleStrategy,
      obj('Role', { rules: [{ verbs: ['get'] }] }, 'default'),
      [
        'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
        'rules[0].resources: Required value: resource rules must supply at least one resource',
      ],
    ],
    [
      roleStrategy,
      obj('Role', { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }, 'default'),
      ['rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs'],
    ],
    [clusterRoleStrategy, obj('ClusterRole', { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }), []],
    [
      clusterRoleStrategy,
      obj('ClusterRole', { rules: [{ nonResourceURLs: ['/x'], resources: ['pods'], verbs: ['get'] }] }),
      [
        'rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs',
      ],
    ],
    [
      clusterRoleStrategy,
      obj('ClusterRole', { aggregationRule: { clusterRoleSelectors: [] } }),
      [
        'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
      ],
    ],
    [roleStrategy, obj('Role', { rules: [] }), ['metadata.namespace: Required value']],
    [
      clusterRoleStrategy,
      obj('ClusterRole', {}, 'default'),
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
  ];
  for (const [strategy, o, expected] of cases) t.same(problems(strategy, o), expected, JSON.stringify(o));
});

t.test('binding defaults fill the RBAC api group', async (t) => {
  const b = obj(
    'RoleBinding',
    {
      roleRef: { kind: 'Role', name: 'reader' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'ServiceAccount', name: 'default' },
      ],
    },
    'default',
  );
  roleBindingStrategy.defaults(b);
  t.same(b.roleRef, { kind: 'Role', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' });
  t.same(b.subjects, [
    { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'default' },
  ]);
  t.same(roleBindingStrategy.validate(b), []);
});

t.test('bindings check roleRef and subjects', async (t) => {
  const cases: [KindStrategy, KubeObject, string[]][] = [
    [
      roleBindingStrategy,
      obj('RoleBinding', { roleRef: { kind: 'Pod', name: 'x' } }, 'default'),
      ['roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole"'],
    ],
    [
      clusterRoleBindingStrategy,
      obj('ClusterRoleBinding', { roleRef: { kind: 'Role', name: 'x' } }),
      ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"'],
    ],
    [
      roleBindingStrategy,
      obj('RoleBinding', { roleRef: { apiGroup: 'apps', kind: 'Role' } }, 'default'),
      [
        'roleRef.apiGroup: Unsupported value: "apps": supported values: "rbac.authorization.k8s.io"',
        'roleRef.name: Required value',
      ],
    ],
    [
      clusterRoleBindingStrategy,
      obj('ClusterRoleBinding', {
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'sa' }],
      }),
      ['subjects[0].namespace: Required value'],
    ],
    [
      roleBindingStrategy,
      obj(
        'RoleBinding',
        { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] },
        'ns',
      ),
      [],
    ],
    [
      roleBindingStrategy,
      obj(
        'RoleBinding',
        { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'Robot', name: 'x' }, { kind: 'User' }] },
        'ns',
      ),
      [
        'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
        'subjects[1].name: Required value',
      ],
    ],
  ];
  for (const [strategy, o, expected] of cases) t.same(problems(strategy, o), expected, JSON.stringify(o));
});

t.test('a binding roleRef cannot change', async (t) => {
  const old = obj('RoleBinding', { roleRef: { kind: 'Role', name: 'a' } }, 'ns');
  roleBindingStrategy.defaults(old);
  const next = obj('RoleBinding', { roleRef: { kind: 'Role', name: 'b' }, subjects: [] }, 'ns');
  roleBindingStrategy.defaults(next);
  t.same(
    roleBindingStrategy.validateUpdate(next, old).map((e) => `${e.field}: ${e.message}`),
    [
      'roleRef: Invalid value: {"kind":"Role","name":"b","apiGroup":"rbac.authorization.k8s.io"}: cannot change roleRef',
    ],
  );
  const same = obj(
    'RoleBinding',
    { roleRef: { apiGroup: 'rbac.authorization.k8s.io', name: 'a', kind: 'Role' } },
    'ns',
  );
  t.same(roleBindingStrategy.validateUpdate(same, old), []);
});
