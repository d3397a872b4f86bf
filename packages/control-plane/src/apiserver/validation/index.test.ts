import t from 'tap';
import { kindKey } from '../api/types.js';
import { strategyFor, strategyKinds } from './index.js';

t.test('every kind with a strategy is found by its kind key', async (t) => {
  const keys: [string, string][] = [
    ['', 'ResourceQuota'],
    ['', 'LimitRange'],
    ['', 'Pod'],
    ['', 'Service'],
    ['', 'Namespace'],
    ['', 'Node'],
    ['', 'ConfigMap'],
    ['', 'Secret'],
    ['', 'ServiceAccount'],
    ['', 'Endpoints'],
    ['', 'Event'],
    ['apps', 'Deployment'],
    ['apps', 'ReplicaSet'],
    ['coordination.k8s.io', 'Lease'],
    ['rbac.authorization.k8s.io', 'Role'],
    ['rbac.authorization.k8s.io', 'ClusterRole'],
    ['rbac.authorization.k8s.io', 'RoleBinding'],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
  ];
  for (const [group, kind] of keys) t.ok(strategyFor(kindKey(group, kind)), kindKey(group, kind));
  t.equal(strategyKinds().length, keys.length);
  t.equal(strategyFor('Widget.example.com'), undefined);
  t.equal(strategyFor('Deployment'), undefined);
});

t.test('the table wires each key to the matching strategy', async (t) => {
  const svc = strategyFor('Service');
  const obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'a', namespace: 'default' },
    spec: { ports: [{ port: 80 }] },
  };
  svc?.defaults(obj);
  t.equal((obj.spec as Record<string, unknown>).type, 'ClusterIP');
  const role = strategyFor('Role.rbac.authorization.k8s.io');
  t.same(
    role
      ?.validate({
        metadata: { name: 'r', namespace: 'default' },
        rules: [{ verbs: [], apiGroups: [''], resources: ['pods'] }],
      })
      .map((e) => e.field),
    ['rules[0].verbs'],
  );
});
