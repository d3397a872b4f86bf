import t from 'tap';
import type { Test } from 'tap';
import type { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { ObjectStore } from '../storage/object-store.js';
import { plainResource, tempStore } from '../testing.js';
import { resourceQuota, usageOf } from './resource-quota.js';
import { runAdmission } from './types.js';

const defs = [
  plainResource({ kind: 'Pod', plural: 'pods' }),
  plainResource({ kind: 'ConfigMap', plural: 'configmaps' }),
  plainResource({ kind: 'ResourceQuota', plural: 'resourcequotas' }),
];
const [podsDef, configMapsDef, quotasDef] = defs as [(typeof defs)[0], (typeof defs)[0], (typeof defs)[0]];

const pod = (name: string, cpu?: string): KubeObject => ({
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: {
    containers: [
      {
        name: 'c',
        image: 'nginx',
        ...(cpu === undefined ? {} : { resources: { requests: { cpu }, limits: { cpu } } }),
      },
    ],
  },
});
const quota = (name: string, hard: Record<string, string>): KubeObject => ({
  kind: 'ResourceQuota',
  metadata: { name, namespace: 'default' },
  spec: { hard },
});

async function setup(t: Test) {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store);
  const step = resourceQuota({
    store: objects,
    resource: (group, plural) => defs.find((d) => d.group === group && d.plural === plural),
  });
  const create = async (def: (typeof defs)[0], obj: KubeObject) => {
    const extra = await runAdmission([step], { operation: 'CREATE', def, subresource: '', object: obj, dryRun: false });
    return objects.create(def, obj, extra);
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as ApiError,
    );
  const used = async (name: string) =>
    ((await objects.get(quotasDef, 'default', name))?.status as { used?: Record<string, string> } | undefined)?.used;
  return { objects, create, failure, used };
}

t.test('usage of pods, services and object counts', async (t) => {
  const u = usageOf({ group: '', plural: 'pods', kind: 'Pod' }, pod('a', '250m'));
  t.same(Object.fromEntries([...u].map(([k, q]) => [k, Number(q.num) / Number(q.den)])), {
    'count/pods': 1,
    pods: 1,
    cpu: 0.25,
    'requests.cpu': 0.25,
    'limits.cpu': 0.25,
  });
  const done = { ...pod('b', '1'), status: { phase: 'Succeeded' } };
  t.same([...usageOf({ group: '', plural: 'pods', kind: 'Pod' }, done).keys()], ['count/pods'], 'terminal pods');
  const svc = {
    kind: 'Service',
    metadata: { name: 's' },
    spec: { type: 'NodePort', ports: [{ port: 1 }, { port: 2 }] },
  };
  t.same(Number(usageOf({ group: '', plural: 'services', kind: 'Service' }, svc).get('services.nodeports')?.num), 2);
  t.ok(usageOf({ group: 'apps', plural: 'deployments', kind: 'Deployment' }, svc).has('count/deployments.apps'));
});

t.test('a quota counts pods and cpu, refuses the excess with 403, fills status', async (t) => {
  const { create, failure, used } = await setup(t);
  const q = await create(quotasDef, quota('q', { pods: '2', 'requests.cpu': '1', 'count/configmaps': '1' }));
  t.same((q.status as { used: unknown }).used, { pods: '0', 'requests.cpu': '0', 'count/configmaps': '0' });
  await create(podsDef, pod('a', '500m'));
  t.same(await used('q'), { pods: '1', 'requests.cpu': '500m', 'count/configmaps': '0' });
  const tooBig = await failure(create(podsDef, pod('b', '600m')));
  t.equal(tooBig?.code, 403);
  t.equal(
    tooBig?.message,
    'pods "b" is forbidden: exceeded quota: q, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1',
  );
  const unstated = await failure(create(podsDef, pod('c')));
  t.equal(unstated?.message, 'pods "c" is forbidden: failed quota: q: must specify requests.cpu for: c');
  await create(podsDef, pod('d', '500m'));
  const third = await failure(create(podsDef, pod('e', '0')));
  t.equal(third?.message, 'pods "e" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
  await create(configMapsDef, { kind: 'ConfigMap', metadata: { name: 'one', namespace: 'default' } });
  const cm = await failure(
    create(configMapsDef, { kind: 'ConfigMap', metadata: { name: 'two', namespace: 'default' } }),
  );
  t.match(cm?.message, /configmaps "two" is forbidden: exceeded quota: q, requested: count\/configmaps=1/);
});

t.test('two concurrent creates where only one fits: exactly one commits', async (t) => {
  const { create, failure, objects, used } = await setup(t);
  await create(quotasDef, quota('q', { pods: '1' }));
  const results = await Promise.all([failure(create(podsDef, pod('a'))), failure(create(podsDef, pod('b')))]);
  const errors = results.filter((e) => e !== undefined);
  t.equal(errors.length, 1, 'one loses');
  // The loser either saw the winner (403) or lost the txn race (retryable conflict).
  const loser = errors[0];
  t.ok(
    loser?.code === 403 || (loser?.reason === 'Conflict' && loser.message.startsWith('a concurrent write took')),
    loser?.message ?? '',
  );
  t.equal((await objects.list(podsDef, { namespace: 'default' })).items.length, 1);
  t.same(await used('q'), { pods: '1' });
  // A retry, as the REST layer does, is refused by the recomputed usage.
  const retry = await failure(create(podsDef, pod('c')));
  t.equal(retry?.code, 403);
});

t.test('a delete releases quota on the next check', async (t) => {
  const { create, failure, objects } = await setup(t);
  await create(quotasDef, quota('q', { pods: '1' }));
  const a = await create(podsDef, pod('a'));
  t.equal((await failure(create(podsDef, pod('b'))))?.code, 403);
  await objects.delete(podsDef, a, Number(a.metadata.resourceVersion));
  await create(podsDef, pod('b'));
  t.pass('created after the delete');
});
