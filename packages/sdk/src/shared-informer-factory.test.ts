import t from 'tap';
import { FakeClock } from './clock.js';
import { SharedInformerFactory, informerKeyString } from './shared-informer-factory.js';
import type { KubeObject, ListOptions, ListWatch, ObjectList, WatchEvent, WatchOptions } from './types.js';

/** A list-watch with fixed items whose watches stay open until aborted; it counts its calls. */
class StaticListWatch implements ListWatch<KubeObject> {
  lists: ListOptions[] = [];
  watches = 0;
  constructor(private readonly items: KubeObject[]) {}
  list(options: ListOptions = {}): Promise<ObjectList<KubeObject>> {
    this.lists.push(options);
    return Promise.resolve({ metadata: { resourceVersion: '7' }, items: this.items });
  }
  async *watchOnce(options: WatchOptions = {}): AsyncGenerator<WatchEvent<KubeObject>> {
    this.watches++;
    await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
    yield* [];
  }
}

t.test('one informer per resource, namespace and selectors, shared by every caller', async (t) => {
  const factory = new SharedInformerFactory({ clock: new FakeClock(), resyncMs: 1000 });
  const pods = new StaticListWatch([{ metadata: { namespace: 'a', name: 'p' } }]);
  const other = new StaticListWatch([]);
  const first = factory.informerFor({ resource: 'v1/pods' }, pods);
  const second = factory.informerFor({ resource: 'v1/pods' }, other);
  t.equal(first, second, 'same informer for the same key');
  const labelled = factory.informerFor({ resource: 'v1/pods', labelSelector: 'app=web' }, other);
  t.not(labelled, first);
  t.not(factory.informerFor({ resource: 'v1/pods', namespace: 'a' }, other), first);
  t.equal(informerKeyString({ resource: 'v1/pods', namespace: 'a', fieldSelector: 'x=y' }), 'v1/pods|a||x=y');
  t.notOk(first.hasSynced());
  factory.start();
  t.equal(await factory.waitForCacheSync(), true);
  t.equal(pods.lists.length, 1, 'one list for both callers');
  t.equal(first.indexer.size, 1);
  t.equal(other.lists.find((o) => o.labelSelector === 'app=web')?.labelSelector, 'app=web', 'selectors reach the list');
  const late = factory.informerFor({ resource: 'v1/nodes' }, new StaticListWatch([]));
  t.equal(late.state, 'running', 'informers made after start start at once');
  t.equal(await factory.waitForCacheSync(), true);
  await factory.stop();
  t.equal(first.state, 'stopped');
  t.equal(late.state, 'stopped');
});

t.test('waitForCacheSync answers false when aborted before sync', async (t) => {
  const factory = new SharedInformerFactory();
  factory.informerFor({ resource: 'v1/pods' }, new StaticListWatch([]));
  const controller = new AbortController();
  controller.abort();
  t.equal(await factory.waitForCacheSync(controller.signal), false);
  await factory.stop();
});
