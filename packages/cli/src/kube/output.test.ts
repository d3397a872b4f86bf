import t from 'tap';
import { kindGroup, objectName, printObjects, toJson, toYaml } from './output.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nginx', namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } };

t.test('-o name', async (t) => {
  t.equal(objectName(pod), 'pod/nginx');
  t.equal(objectName(deploy), 'deployment.apps/web');
  t.equal(kindGroup({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' }), 'lease.coordination.k8s.io');
  t.equal(printObjects([pod, deploy], 'name', false), 'pod/nginx\ndeployment.apps/web\n');
});

t.test('-o yaml: one object bare, several as a List, keys sorted, sequences unindented', async (t) => {
  t.equal(
    printObjects([pod], 'yaml', true),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n  namespace: default\nspec:\n  containers:\n  - image: nginx\n    name: c\n',
  );
  const list = printObjects([deploy], 'yaml', false);
  t.match(list, /^apiVersion: v1\nitems:\n- apiVersion: apps\/v1\n/);
  t.match(list, /kind: List\nmetadata:\n {2}resourceVersion: ""\n$/);
  t.equal(toYaml({ b: 1, a: [1] }), 'a:\n- 1\nb: 1\n');
});

t.test('-o json: 4-space indent, sorted keys, List for many', async (t) => {
  t.equal(
    toJson({ b: 1, a: { d: 2, c: 3 } }),
    '{\n    "a": {\n        "c": 3,\n        "d": 2\n    },\n    "b": 1\n}\n',
  );
  const parsed = JSON.parse(printObjects([pod, deploy], 'json', false)) as { kind: string; items: unknown[] };
  t.equal(parsed.kind, 'List');
  t.equal(parsed.items.length, 2);
  t.same(JSON.parse(printObjects([pod], 'json', true)), pod);
});
