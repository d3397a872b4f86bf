import t from 'tap';
import type { Test } from 'tap';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { ObjectStore } from '../storage/object-store.js';
import { plainResource, tempStore } from '../testing.js';
import { WatchCache } from './cache.js';
import type { CacheWatchEvent, CacheWatcher, WatcherFilter } from './watcher.js';

const pods = plainResource({ kind: 'Pod', plural: 'pods', indexedFields: ['spec.nodeName'] });
const pod = (name: string, labels: Record<string, string> = {}, nodeName = ''): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { nodeName },
});
const all: WatcherFilter = { matches: () => true };

async function take(w: CacheWatcher, n: number): Promise<CacheWatchEvent[]> {
  const out: CacheWatchEvent[] = [];
  while (out.length < n) {
    const next = await Promise.race([w.next(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3000))]);
    if (next === 'timeout' || next.done === true) break;
    out.push(next.value);
  }
  return out;
}

const summary = (events: CacheWatchEvent[]) =>
  events.map((e) => (e.type === 'BOOKMARK' ? 'BOOKMARK' : `${e.type} ${e.object.metadata.name}`));

async function setup(t: Test, historySize = 100) {
  const { store, close } = await tempStore();
  const objects = new ObjectStore(store);
  const cache = new WatchCache(pods, objects, { historySize });
  t.teardown(async () => {
    cache.stop();
    await close();
  });
  // As in the server: the cache starts before any client has a resourceVersion to watch from.
  await cache.start();
  return { objects, cache };
}

t.test('lists the current objects at the cache revision, filtered, in key order', async (t) => {
  const { objects, cache } = await setup(t);
  await objects.create(pods, pod('b', { app: 'x' }));
  await objects.create(pods, pod('a', { app: 'y' }));
  const last = await objects.create(pods, pod('c', { app: 'x' }));
  await cache.waitFresh(Number(last.metadata.resourceVersion));
  const listed = cache.list({ matches: (o) => o.metadata.labels?.app === 'x' });
  t.same(
    listed.items.map((o) => o.metadata.name),
    ['b', 'c'],
  );
  t.equal(listed.revision, Number(last.metadata.resourceVersion));
});

t.test('a watch from a revision replays exactly the later changes, then follows live ones', async (t) => {
  const { objects, cache } = await setup(t);
  const a = await objects.create(pods, pod('a'));
  const from = Number(a.metadata.resourceVersion);
  const b = await objects.create(pods, pod('b'));
  await objects.update(pods, { ...b, spec: { nodeName: 'n1' } }, Number(b.metadata.resourceVersion));
  const w = await cache.watch(all, from);
  await objects.delete(pods, a, from);
  const events = await take(w, 3);
  t.same(summary(events), ['ADDED b', 'MODIFIED b', 'DELETED a']);
  const deleted = events[2];
  t.ok(
    deleted !== undefined && deleted.type === 'DELETED' && Number(deleted.object.metadata.resourceVersion) > from,
    'DELETED carries the delete revision',
  );
  w.end('stopped');
  t.equal(cache.watcherCount, 0);
});

t.test('a watch from 0 starts with ADDED for every matching object', async (t) => {
  const { objects, cache } = await setup(t);
  await objects.create(pods, pod('a'));
  await objects.create(pods, pod('b'));
  await cache.start();
  await cache.waitFresh(await objects.revision());
  const w = await cache.watch(all, 0);
  await objects.create(pods, pod('c'));
  t.same(summary(await take(w, 3)), ['ADDED a', 'ADDED b', 'ADDED c']);
  w.end('stopped');
});

t.test('objects moving in and out of a filter are ADDED and DELETED for that watcher', async (t) => {
  const { objects, cache } = await setup(t);
  await cache.start();
  const w = await cache.watch({ matches: (o) => o.metadata.labels?.tier === 'web' }, Math.max(1, cache.revision));
  const p = await objects.create(pods, pod('p', { tier: 'db' }));
  const p2 = await objects.update(
    pods,
    { ...p, metadata: { ...p.metadata, labels: { tier: 'web' } } },
    Number(p.metadata.resourceVersion),
  );
  const p3 = await objects.update(pods, { ...p2, spec: { nodeName: 'x' } }, Number(p2.metadata.resourceVersion));
  await objects.update(
    pods,
    { ...p3, metadata: { ...p3.metadata, labels: { tier: 'db' } } },
    Number(p3.metadata.resourceVersion),
  );
  t.same(summary(await take(w, 3)), ['ADDED p', 'MODIFIED p', 'DELETED p']);
  w.end('stopped');
});

t.test('indexed watchers get only their node pods, including a pod bound to them later', async (t) => {
  const { objects, cache } = await setup(t);
  await cache.start();
  const start = Math.max(1, cache.revision);
  const byNode = (node: string): WatcherFilter => ({
    matches: (o) => (o.spec as { nodeName?: string }).nodeName === node,
    index: { field: 'spec.nodeName', value: node },
  });
  const n1 = await cache.watch(byNode('n1'), start);
  const n2 = await cache.watch(byNode('n2'), start);
  const unbound = await objects.create(pods, pod('u'));
  await objects.create(pods, pod('x', {}, 'n2'));
  await objects.update(pods, { ...unbound, spec: { nodeName: 'n1' } }, Number(unbound.metadata.resourceVersion));
  await objects.create(pods, pod('y', {}, 'n1'));
  t.same(summary(await take(n1, 2)), ['ADDED u', 'ADDED y']);
  t.same(summary(await take(n2, 1)), ['ADDED x']);
  t.equal(n2.backlog, 0, 'n2 saw nothing of n1 pods');
  n1.end('stopped');
  n2.end('stopped');
});

t.test('lists by an indexed field use the index and follow rebinding and deletes', async (t) => {
  const { objects, cache } = await setup(t);
  const byNode = (node: string): WatcherFilter => ({
    matches: (o) => (o.spec as { nodeName?: string }).nodeName === node,
    index: { field: 'spec.nodeName', value: node },
  });
  const a = await objects.create(pods, pod('a', {}, 'n1'));
  await objects.create(pods, pod('b', {}, 'n2'));
  const moved = await objects.update(pods, { ...a, spec: { nodeName: 'n2' } }, Number(a.metadata.resourceVersion));
  await objects.create(pods, pod('c', {}, 'n1'));
  const last = await objects.create(pods, pod('d', {}, 'n1'));
  await objects.delete(pods, last, Number(last.metadata.resourceVersion));
  await cache.waitFresh(await objects.revision());
  t.same(
    cache.list(byNode('n1')).items.map((o) => o.metadata.name),
    ['c'],
  );
  t.same(
    cache.list(byNode('n2')).items.map((o) => o.metadata.name),
    ['a', 'b'],
  );
  t.equal(cache.list(byNode('n2')).items[0]?.metadata.resourceVersion, moved.metadata.resourceVersion);
  t.same(cache.list(byNode('n3')).items, []);
});

t.test('a revision older than the history gets 410 Expired', async (t) => {
  const { objects, cache } = await setup(t, 3);
  await cache.start();
  const first = await objects.create(pods, pod('a0'));
  let last = first;
  for (let i = 1; i < 6; i++) last = await objects.create(pods, pod(`a${i}`));
  await cache.waitFresh(Number(last.metadata.resourceVersion));
  const err = await cache.watch(all, Number(first.metadata.resourceVersion)).catch((e: unknown) => e);
  t.ok(err instanceof ApiError && err.reason === 'Expired' && err.code === 410, String(err));
  const recent = await cache.watch(all, Number(last.metadata.resourceVersion) - 1);
  t.same(summary(await take(recent, 1)), ['ADDED a5']);
  recent.end('stopped');
});

t.test('bookmarks carry the cache revision to a caught-up watcher', async (t) => {
  const { objects, cache } = await setup(t);
  const a = await objects.create(pods, pod('a'));
  await cache.waitFresh(Number(a.metadata.resourceVersion));
  const w = await cache.watch(all, Number(a.metadata.resourceVersion));
  cache.bookmark(w);
  const [event] = await take(w, 1);
  t.same(event, { type: 'BOOKMARK', revision: Number(a.metadata.resourceVersion) });
  w.end('stopped');
});

t.test('a watcher over its backlog bound is ended, not thinned', async (t) => {
  const { store, close } = await tempStore();
  const objects = new ObjectStore(store);
  const cache = new WatchCache(pods, objects, { maxWatcherBacklog: 2 });
  t.teardown(async () => {
    cache.stop();
    await close();
  });
  await cache.start();
  const w = await cache.watch(all, Math.max(1, cache.revision));
  let last;
  for (let i = 0; i < 4; i++) last = await objects.create(pods, pod(`p${i}`));
  await cache.waitFresh(Number(last?.metadata.resourceVersion));
  t.equal(w.endReason, 'slow');
  t.equal(cache.watcherCount, 0);
});
