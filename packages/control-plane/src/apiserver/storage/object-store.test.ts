import t from 'tap';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { plainResource, tempStore } from '../testing.js';
import { ObjectStore } from './object-store.js';

const pods = plainResource({ kind: 'Pod', plural: 'pods' });
const nodes = plainResource({ kind: 'Node', plural: 'nodes', namespaced: false });
const pod = (name: string, ns = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
});

t.test('keys follow /registry/<group>/<resource>/[<namespace>/]<name>', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store);
  t.equal(objects.key(pods, 'default', 'web'), '/registry/core/pods/default/web');
  t.equal(objects.key(nodes, undefined, 'n1'), '/registry/core/nodes/n1');
  const apps = plainResource({ group: 'apps', kind: 'Deployment', plural: 'deployments' });
  t.equal(objects.key(apps, 'ns', 'd'), '/registry/apps/deployments/ns/d');
});

t.test('create is guarded by "does not exist"; resourceVersion is the modRevision', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store);
  const created = await objects.create(pods, pod('a'));
  const got = await objects.get(pods, 'default', 'a');
  t.equal(got?.metadata.resourceVersion, created.metadata.resourceVersion);
  const err = await objects.create(pods, pod('a')).catch((e: unknown) => e);
  t.ok(err instanceof ApiError);
  t.equal((err as ApiError).reason, 'AlreadyExists');
  t.equal((err as ApiError).message, 'pods "a" already exists');
  const raw = await store.range('/registry/core/pods/default/a');
  t.notMatch(
    Buffer.from(raw.kvs[0]?.value ?? []).toString(),
    /resourceVersion/,
    'the version is not stored in the value',
  );
});

t.test('update and delete compare the modRevision: Conflict when changed, NotFound when gone', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store);
  const v1 = await objects.create(pods, pod('a'));
  const rv1 = Number(v1.metadata.resourceVersion);
  const v2 = await objects.update(pods, { ...v1, spec: { x: 1 } }, rv1);
  t.ok(Number(v2.metadata.resourceVersion) > rv1);
  const stale = await objects.update(pods, { ...v1, spec: { x: 2 } }, rv1).catch((e: unknown) => e);
  t.equal((stale as ApiError).reason, 'Conflict');
  t.match((stale as ApiError).message, /Operation cannot be fulfilled on pods "a": the object has been modified/);
  const staleDelete = await objects.delete(pods, v2, rv1).catch((e: unknown) => e);
  t.equal((staleDelete as ApiError).reason, 'Conflict');
  await objects.delete(pods, v2, Number(v2.metadata.resourceVersion));
  t.equal(await objects.get(pods, 'default', 'a'), undefined);
  const gone = await objects.update(pods, v2, Number(v2.metadata.resourceVersion)).catch((e: unknown) => e);
  t.equal((gone as ApiError).reason, 'NotFound');
});

t.test('list pages in key order at one revision; a namespace narrows the prefix', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store);
  for (const name of ['c', 'a', 'b', 'd']) await objects.create(pods, pod(name));
  await objects.create(pods, pod('z', 'other'));
  const first = await objects.list(pods, { namespace: 'default', limit: 3 });
  t.same(
    first.items.map((o) => o.metadata.name),
    ['a', 'b', 'c'],
  );
  t.ok(first.next);
  t.equal(first.remaining, 1);
  await objects.create(pods, pod('e'));
  const second = await objects.list(pods, {
    namespace: 'default',
    limit: 3,
    revision: first.next?.revision ?? 0,
    startKey: first.next?.startKey ?? '',
  });
  t.same(
    second.items.map((o) => o.metadata.name),
    ['d'],
    'the later create is not in the old revision',
  );
  t.equal(second.next, undefined);
  const all = await objects.list(pods);
  t.same(
    all.items.map((o) => o.metadata.name),
    ['a', 'b', 'c', 'd', 'e', 'z'],
  );
});

t.test('getJson serves the stored text with the resourceVersion, equal to the decoded object', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store);
  const created = await objects.create(pods, { ...pod('a'), spec: { nodeName: 'n', containers: [{ name: 'c' }] } });
  const text = await objects.getJson(pods, 'default', 'a');
  t.ok(text?.startsWith('{"metadata":{"resourceVersion":'), 'metadata first, resourceVersion spliced in');
  t.same(JSON.parse(text ?? '{}'), await objects.get(pods, 'default', 'a'));
  t.equal(
    (JSON.parse(text ?? '{}') as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
    created.metadata.resourceVersion,
  );
  t.equal(await objects.getJson(pods, 'default', 'missing'), undefined);
  // A value written in another key order (before metadata came first) is decoded and printed.
  await store.put(
    '/registry/core/pods/default/old',
    JSON.stringify({ kind: 'Pod', metadata: { name: 'old', namespace: 'default' } }),
  );
  const old = JSON.parse((await objects.getJson(pods, 'default', 'old')) ?? '{}') as {
    metadata: { name: string; resourceVersion: string };
  };
  t.equal(old.metadata.name, 'old');
  t.match(old.metadata.resourceVersion, /^\d+$/);
});
