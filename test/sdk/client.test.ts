/**
 * The SDK's resource clients against a real `bosun server`: CRUD for every kind, selectors,
 * pagination, conflicts, every patch type, apply, deletes, scale, binding, typed errors, dry run.
 */
import t from 'tap';
import {
  ApiStatusError,
  createClient,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isNotFound,
  RESOURCES,
} from '@bosun/sdk';
import type { Client, ConfigMap, Deployment, KubeObject, Pod, ResourceDescriptor } from '@bosun/sdk';
import { Cluster } from '../kubectl/harness.js';

const NS = 'sdk-test';

const podSpec = { containers: [{ name: 'c', image: 'nginx:1.25' }] };
const template = { metadata: { labels: { app: 'web' } }, spec: podSpec };

/** A minimal valid object of each kind (beyond metadata). */
const SAMPLES: { descriptor: ResourceDescriptor; body: Record<string, unknown> }[] = [
  { descriptor: RESOURCES.namespaces, body: {} },
  { descriptor: RESOURCES.nodes, body: { spec: {} } },
  { descriptor: RESOURCES.pods, body: { spec: podSpec } },
  { descriptor: RESOURCES.services, body: { spec: { ports: [{ port: 80 }], selector: { app: 'web' } } } },
  { descriptor: RESOURCES.endpoints, body: { subsets: [] } },
  { descriptor: RESOURCES.configMaps, body: { data: { k: 'v' } } },
  { descriptor: RESOURCES.secrets, body: { type: 'Opaque', data: { k: Buffer.from('v').toString('base64') } } },
  { descriptor: RESOURCES.serviceAccounts, body: {} },
  {
    descriptor: RESOURCES.events,
    body: {
      involvedObject: { kind: 'Pod', name: 'x', namespace: NS },
      reason: 'Test',
      message: 'hello',
      type: 'Normal',
    },
  },
  {
    descriptor: RESOURCES.deployments,
    body: { spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } },
  },
  {
    descriptor: RESOURCES.replicaSets,
    body: { spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } },
  },
  { descriptor: RESOURCES.leases, body: { spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } } },
  { descriptor: RESOURCES.roles, body: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } },
  { descriptor: RESOURCES.clusterRoles, body: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } },
  {
    descriptor: RESOURCES.roleBindings,
    body: {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  },
  {
    descriptor: RESOURCES.clusterRoleBindings,
    body: {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'r' },
      subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  },
];

async function errorOf(p: Promise<unknown>): Promise<ApiStatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiStatusError) return err;
    throw err;
  }
  throw new Error('expected an ApiStatusError');
}

t.test('the SDK against a real bosun server', async (t) => {
  const cluster = await Cluster.start();
  const client: Client = createClient({ kubeconfig: cluster.kubeconfig, namespace: NS });
  t.teardown(async () => {
    client.close();
    await cluster.stop();
  });
  await client.namespaces().create({ metadata: { name: NS } });

  t.test('version and discovery', async (t) => {
    const v = await client.version();
    t.match(v.gitVersion, /^v1\./);
    const d = await client.discovery();
    t.ok(d.core.versions.includes('v1'));
    t.ok(d.groups.some((g) => g.name === 'apps'));
    t.equal(client.namespace, NS);
  });

  for (const { descriptor, body } of SAMPLES) {
    t.test(`CRUD ${descriptor.kind}`, async (t) => {
      const rc = client.resource<KubeObject>(descriptor);
      const name = `sdk-${descriptor.singular}`;
      const created = await rc.create({
        ...body,
        metadata: { name, labels: { suite: 'sdk', kind: descriptor.singular } },
      });
      t.equal(created.metadata.name, name);
      t.equal(created.kind, descriptor.kind);
      t.ok(created.metadata.resourceVersion);
      if (descriptor.namespaced) t.equal(created.metadata.namespace, NS);

      const got = await rc.get(name);
      t.equal(got.metadata.uid, created.metadata.uid);

      const byLabel = await rc.list({ labelSelector: `suite=sdk,kind=${descriptor.singular}` });
      t.same(
        byLabel.items.map((o) => o.metadata.name),
        [name],
        'label selector',
      );
      const byField = await rc.list({ fieldSelector: `metadata.name=${name}` });
      t.same(
        byField.items.map((o) => o.metadata.name),
        [name],
        'field selector',
      );
      const none = await rc.list({ labelSelector: 'suite=other' });
      t.same(none.items, []);

      const updated = await rc.update({
        ...got,
        metadata: { ...got.metadata, labels: { ...got.metadata.labels, step: 'updated' } },
      });
      t.equal(updated.metadata.labels?.step, 'updated');
      t.not(updated.metadata.resourceVersion, got.metadata.resourceVersion);
      const stale = await errorOf(rc.update({ ...got, metadata: { ...got.metadata, labels: { step: 'stale' } } }));
      t.ok(isConflict(stale), `stale update is a Conflict (${stale.message})`);

      const patched = await rc.patch(name, { metadata: { annotations: { a: '1' } } }, { type: 'merge' });
      t.equal(patched.metadata.annotations?.a, '1');

      await rc.delete(name);
      if (descriptor.kind !== 'Namespace') {
        const gone = await errorOf(rc.get(name));
        t.ok(isNotFound(gone));
      }
    });
  }

  t.test('listAll pages through limit and continue', async (t) => {
    const cms = client.configMaps();
    for (let i = 0; i < 7; i++) await cms.create({ metadata: { name: `page-${i}`, labels: { page: 'yes' } } });
    const first = await cms.list({ labelSelector: 'page=yes', limit: 3 });
    t.equal(first.items.length, 3);
    t.ok(first.metadata.continue, 'a continue token');
    const names: string[] = [];
    for await (const cm of cms.listAll({ labelSelector: 'page=yes', limit: 2 })) names.push(cm.metadata.name ?? '');
    t.same(
      names.sort(),
      [0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`),
    );
    const all = await client.configMaps(null).list({ labelSelector: 'page=yes' });
    t.equal(all.items.length, 7, 'all namespaces');
    await cms.deleteCollection({ labelSelector: 'page=yes' });
    t.same((await cms.list({ labelSelector: 'page=yes' })).items, [], 'deleteCollection removed them');
  });

  t.test('updateStatus changes the status only', async (t) => {
    const pods = client.pods();
    const pod = await pods.create({ metadata: { name: 'status-pod' }, spec: podSpec });
    const withStatus = await pods.updateStatus({ ...pod, status: { phase: 'Running', podIP: '10.0.0.9' } });
    t.equal(withStatus.status?.phase, 'Running');
    const ignored = await pods.updateStatus({
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { x: 'y' } },
    });
    t.equal(ignored.metadata.labels?.x, undefined, 'metadata changes are ignored by the status subresource');
    const patched = await pods.patchStatus('status-pod', { status: { podIP: '10.0.0.10' } }, { type: 'merge' });
    t.equal(patched.status?.podIP, '10.0.0.10');
  });

  t.test('every patch type, and apply creating then updating', async (t) => {
    const deploys = client.deployments();
    await deploys.create({
      metadata: { name: 'patchy' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
    });
    const merged = await deploys.patch('patchy', { spec: { replicas: 2 } }, { type: 'merge' });
    t.equal(merged.spec?.replicas, 2);
    const json = await deploys.patch('patchy', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { type: 'json' });
    t.equal(json.spec?.replicas, 3);
    const strategic = await deploys.patch(
      'patchy',
      { spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } },
      { type: 'strategic' },
    );
    t.same(
      strategic.spec?.template.spec?.containers.map((c) => c.name).sort(),
      ['c', 'side'],
      'strategic merge keeps c',
    );

    const cms = client.configMaps();
    const applied = await cms.patch(
      'applied',
      { metadata: { name: 'applied' }, data: { a: '1' } },
      { type: 'apply', fieldManager: 'sdk-test' },
    );
    t.same(applied.data, { a: '1' }, 'apply creates');
    const again = await cms.patch(
      'applied',
      { metadata: { name: 'applied' }, data: { a: '2', b: '3' } },
      { type: 'apply', fieldManager: 'sdk-test' },
    );
    t.same(again.data, { a: '2', b: '3' }, 'apply updates');
    const other = await errorOf(
      cms.patch(
        'applied',
        { metadata: { name: 'applied' }, data: { a: 'x' } },
        { type: 'apply', fieldManager: 'other' },
      ),
    );
    t.equal(other.code, 409, 'a conflicting manager is refused');
    const forced = await cms.patch(
      'applied',
      { metadata: { name: 'applied' }, data: { a: 'x' } },
      { type: 'apply', fieldManager: 'other', force: true },
    );
    t.equal(forced.data?.a, 'x', 'force takes the field');
  });

  t.test('scale subresource of a Deployment', async (t) => {
    const deploys = client.deployments();
    await deploys.create({
      metadata: { name: 'scaled' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
    });
    const scale = await deploys.getScale('scaled');
    t.equal(scale.kind, 'Scale');
    t.equal(scale.spec?.replicas, 2);
    const patched = await deploys.patchScale('scaled', { spec: { replicas: 5 } });
    t.equal(patched.spec?.replicas, 5);
    t.equal((await deploys.get('scaled')).spec?.replicas, 5);
    const updated = await deploys.updateScale('scaled', { ...patched, spec: { replicas: 1 } });
    t.equal(updated.spec?.replicas, 1);
  });

  t.test('binding a pod sets its node', async (t) => {
    await client.nodes().create({ metadata: { name: 'node-1' } });
    const pods = client.pods();
    await pods.create({ metadata: { name: 'to-bind' }, spec: podSpec });
    await pods.bind('to-bind', 'node-1');
    t.equal((await pods.get('to-bind')).spec?.nodeName, 'node-1');
    const again = await errorOf(pods.bind('to-bind', 'node-1'));
    t.equal(again.code, 409, 'a bound pod cannot be bound again');
  });

  t.test('delete options: propagationPolicy, preconditions, gracePeriodSeconds', async (t) => {
    const cms = client.configMaps();
    const cm = await cms.create({ metadata: { name: 'del-me' } });
    const wrongUid = await errorOf(cms.delete('del-me', { preconditions: { uid: 'not-the-uid' } }));
    t.equal(wrongUid.code, 409, 'a failed precondition is a 409');
    await cms.delete('del-me', {
      preconditions: { uid: cm.metadata.uid ?? '' },
      propagationPolicy: 'Background',
      gracePeriodSeconds: 0,
    });
    t.ok(isNotFound(await errorOf(cms.get('del-me'))));
    const d = client.deployments();
    await d.create({
      metadata: { name: 'orphaner' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template },
    });
    await d.delete('orphaner', { propagationPolicy: 'Orphan' });
    const orphaning = await d.get('orphaner');
    t.ok(orphaning.metadata.deletionTimestamp, 'Orphan: marked for deletion');
    t.ok(orphaning.metadata.finalizers?.includes('orphan'), 'the orphan finalizer waits for the garbage collector');
    await d.delete('orphaner', { propagationPolicy: 'Foreground' });
    const fg = await d.get('orphaner');
    t.ok(fg.metadata.finalizers?.includes('orphan'), 'still waiting for the collector');
  });

  t.test('typed errors', async (t) => {
    const cms = client.configMaps();
    const missing = await errorOf(cms.get('nope'));
    t.ok(isNotFound(missing));
    t.equal(missing.reason, 'NotFound');
    t.equal(missing.status.details?.name, 'nope');
    await cms.create({ metadata: { name: 'twice' } });
    const dup = await errorOf(cms.create({ metadata: { name: 'twice' } }));
    t.ok(isAlreadyExists(dup));
    t.equal(dup.reason, 'AlreadyExists');
    const invalid = await errorOf(client.pods().create({ metadata: { name: 'Bad_Name' }, spec: { containers: [] } }));
    t.ok(isInvalid(invalid));
    t.ok(invalid.causes.length > 0, 'field causes');
    t.ok(
      invalid.causes.some((c) => c.field === 'metadata.name'),
      JSON.stringify(invalid.causes),
    );
  });

  t.test('dry run persists nothing', async (t) => {
    const cms = client.configMaps();
    const dry = await cms.create({ metadata: { name: 'dry' }, data: { a: '1' } }, { dryRun: true });
    t.equal(dry.metadata.name, 'dry');
    t.ok(isNotFound(await errorOf(cms.get('dry'))));
    await cms.create({ metadata: { name: 'dry' }, data: { a: '1' } });
    await cms.patch('dry', { data: { a: '2' } }, { type: 'merge', dryRun: true });
    t.equal((await cms.get('dry')).data?.a, '1');
    await cms.delete('dry', { dryRun: true });
    t.equal((await cms.get('dry')).metadata.name, 'dry', 'dry-run delete keeps it');
  });

  t.test('table output and logs', async (t) => {
    const table = await client.pods().table();
    t.equal(table.kind, 'Table');
    t.ok(table.columnDefinitions.some((c) => c.name === 'Name'));
    t.ok(table.rows.length >= 1);
    const one = await client.pods().table({ name: 'to-bind' });
    t.equal(one.rows.length, 1);
    const err = await errorOf(
      (async () => {
        for await (const chunk of client.pods().log('to-bind')) t.fail(`unexpected log chunk ${chunk}`);
      })(),
    );
    t.equal(err.code, 503, 'logs answer 503 until node agents exist');
  });

  t.test('typed accessors agree with the descriptors', async (t) => {
    t.equal(client.pods().descriptor, RESOURCES.pods);
    t.equal(client.pods(null).namespace, undefined);
    t.equal(client.nodes().namespace, undefined);
    t.equal(client.deployments('x').namespace, 'x');
    t.equal(client.pods().inNamespace('y').namespace, 'y');
    const cm: ConfigMap = await client.configMaps().create({ metadata: { name: 'typed' }, data: { a: 'b' } });
    t.equal(cm.data?.a, 'b');
    const pod: Pod | undefined = (await client.pods().list()).items[0];
    t.ok(pod?.spec?.containers.length);
    const d: Deployment[] = (await client.deployments().list()).items;
    t.ok(d.length >= 1);
  });
});
