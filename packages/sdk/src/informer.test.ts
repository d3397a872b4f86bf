import t from 'tap';
import { FakeClock } from './clock.js';
import { Informer } from './informer.js';
import type { EventHandler } from './informer.js';
import { objectKey } from './indexer.js';
import type { KubeObject, ListOptions, ListWatch, ObjectList, WatchEvent, WatchOptions } from './types.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

class StatusError extends Error {
  constructor(readonly code: number) {
    super(`status ${code}`);
  }
}

/** One open watch stream of the fake API. */
class Stream<T extends KubeObject> {
  private readonly queue: WatchEvent<T>[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: Error | undefined;
  push(event: WatchEvent<T>): void {
    this.queue.push(event);
    this.wake?.();
  }
  end(failure?: Error): void {
    this.ended = true;
    this.failure = failure;
    this.wake?.();
  }
  async *events(signal?: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const onAbort = (): void => this.end();
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.ended) {
          if (this.failure !== undefined) throw this.failure;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** An in-memory API with a revision counter, an event history, compaction and controllable streams. */
class FakeApi implements ListWatch<ConfigMap> {
  rv = 0;
  compactedRv = 0;
  readonly objects = new Map<string, ConfigMap>();
  readonly history: { rv: number; event: WatchEvent<ConfigMap> }[] = [];
  readonly streams = new Set<Stream<ConfigMap>>();
  readonly watchCalls: WatchOptions[] = [];
  lists = 0;
  listFailures = 0;
  /** While true, changes are recorded but not sent to open streams (a silent disconnect). */
  partitioned = false;

  put(name: string, data: Record<string, string> = {}): ConfigMap {
    const obj: ConfigMap = { metadata: { namespace: 'default', name, resourceVersion: String(++this.rv) }, data };
    const type = this.objects.has(objectKey(obj)) ? 'MODIFIED' : 'ADDED';
    this.objects.set(objectKey(obj), obj);
    this.record({ type, object: obj });
    return obj;
  }
  remove(name: string): void {
    const key = `default/${name}`;
    const old = this.objects.get(key);
    if (old === undefined) throw new Error(`no ${key}`);
    this.objects.delete(key);
    this.record({
      type: 'DELETED',
      object: { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } },
    });
  }
  private record(event: WatchEvent<ConfigMap>): void {
    this.history.push({ rv: this.rv, event });
    if (!this.partitioned) for (const s of this.streams) s.push(event);
  }
  bookmark(): void {
    for (const s of this.streams)
      s.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } });
  }
  endStreams(failure?: Error): void {
    for (const s of this.streams) s.end(failure);
    this.streams.clear();
  }
  list(_options?: ListOptions): Promise<ObjectList<ConfigMap>> {
    this.lists++;
    if (this.listFailures > 0) {
      this.listFailures--;
      return Promise.reject(new StatusError(500));
    }
    return Promise.resolve({ metadata: { resourceVersion: String(this.rv) }, items: [...this.objects.values()] });
  }
  watchOnce(options: WatchOptions = {}): AsyncIterable<WatchEvent<ConfigMap>> {
    this.watchCalls.push(options);
    const from = Number(options.resourceVersion ?? '0');
    const stream = new Stream<ConfigMap>();
    if (from < this.compactedRv) {
      stream.end(new StatusError(410));
    } else {
      for (const h of this.history) if (h.rv > from) stream.push(h.event);
      this.streams.add(stream);
    }
    return stream.events(options.signal);
  }
}

/** A handler that records what it is told as readable lines. */
function recorder(): { log: string[]; handler: EventHandler<ConfigMap> } {
  const log: string[] = [];
  const rv = (o: ConfigMap): string => `${o.metadata.name}@${o.metadata.resourceVersion}`;
  return {
    log,
    handler: {
      onAdd: (o, initial) => log.push(`add ${rv(o)}${initial ? ' initial' : ''}`),
      onUpdate: (a, b) => log.push(`update ${rv(a)}->${rv(b)}`),
      onDelete: (o) => log.push(`delete ${rv(o)}`),
    },
  };
}

async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (check()) return true;
    await new Promise((r) => setImmediate(r));
  }
  return check();
}

function cacheState(informer: Informer<ConfigMap>): string[] {
  return informer.indexer
    .list()
    .map((o) => `${objectKey(o)}@${o.metadata.resourceVersion}`)
    .sort();
}
function apiState(api: FakeApi): string[] {
  return [...api.objects.values()].map((o) => `${objectKey(o)}@${o.metadata.resourceVersion}`).sort();
}

t.test('delivers the initial list, then adds, updates and deletes; hasSynced', async (t) => {
  const api = new FakeApi();
  api.put('a');
  api.put('b');
  const informer = new Informer(api, { clock: new FakeClock() });
  const { log, handler } = recorder();
  informer.addEventHandler(handler);
  t.notOk(informer.hasSynced());
  informer.start();
  t.equal(await informer.waitForSync(), true);
  t.ok(informer.hasSynced());
  t.same(log.splice(0), ['add a@1 initial', 'add b@2 initial']);
  await until(() => api.streams.size === 1);
  t.equal(api.watchCalls[0]?.resourceVersion, '2', 'watches from the list resourceVersion');
  t.equal(api.watchCalls[0]?.allowWatchBookmarks, true);
  api.put('a', { x: '1' });
  api.put('c');
  api.remove('b');
  t.ok(await until(() => log.length === 3));
  t.same(log, ['update a@1->a@3', 'add c@4', 'delete b@2']);
  t.same(cacheState(informer), apiState(api));
  t.equal(informer.lastSyncResourceVersion(), '5');
  await informer.stop();
  t.equal(informer.state, 'stopped');
  t.equal(api.lists, 1);
});

t.test('resumes from the last resourceVersion after the stream ends, without duplicates', async (t) => {
  const api = new FakeApi();
  api.put('a');
  const informer = new Informer(api, { clock: new FakeClock() });
  const { log, handler } = recorder();
  informer.addEventHandler(handler);
  informer.start();
  await informer.waitForSync();
  await until(() => api.streams.size === 1);
  api.put('b');
  await until(() => log.length === 2);
  api.partitioned = true;
  api.put('c');
  api.put('a', { v: '2' });
  api.endStreams();
  api.partitioned = false;
  t.ok(await until(() => log.length === 4));
  await until(() => api.streams.size === 1);
  t.equal(api.watchCalls[1]?.resourceVersion, '2', 'resumed from the last event seen');
  api.put('d');
  t.ok(await until(() => log.length === 5));
  t.same(log, ['add a@1 initial', 'add b@2', 'add c@3', 'update a@1->a@4', 'add d@5']);
  t.same(cacheState(informer), apiState(api));
  t.equal(api.lists, 1, 'no relist');
  await informer.stop();
});

t.test('bookmarks move the resume point', async (t) => {
  const api = new FakeApi();
  api.put('a');
  const informer = new Informer(api, { clock: new FakeClock() });
  informer.start();
  await informer.waitForSync();
  await until(() => api.streams.size === 1);
  api.partitioned = true;
  api.put('other');
  api.partitioned = false;
  api.history.length = 0; // Pretend the event was filtered out; only the bookmark tells the progress.
  api.objects.delete('default/other');
  api.bookmark();
  await until(() => informer.lastSyncResourceVersion() === '2');
  api.endStreams();
  await until(() => api.watchCalls.length === 2);
  t.equal(api.watchCalls[1]?.resourceVersion, '2');
  await informer.stop();
});

t.test('on 410 Gone it relists and delivers the difference', async (t) => {
  const api = new FakeApi();
  api.put('a');
  api.put('b');
  api.put('same');
  const informer = new Informer(api, { clock: new FakeClock() });
  const { log, handler } = recorder();
  informer.addEventHandler(handler);
  informer.start();
  await informer.waitForSync();
  await until(() => api.streams.size === 1);
  log.length = 0;
  api.partitioned = true;
  api.put('a', { v: '2' });
  api.remove('b');
  api.put('c');
  api.compactedRv = api.rv;
  api.endStreams(new StatusError(410));
  api.partitioned = false;
  t.ok(await until(() => log.length === 3));
  t.same(log.sort(), ['add c@6', 'delete b@2', 'update a@1->a@4']);
  t.equal(api.lists, 2);
  t.same(cacheState(informer), apiState(api));
  await until(() => api.streams.size === 1);
  t.equal(api.watchCalls.at(-1)?.resourceVersion, '6', 'watches from the new list');
  await informer.stop();
});

t.test('a RELIST event also relists', async (t) => {
  const api = new FakeApi();
  api.put('a');
  const informer = new Informer(api, { clock: new FakeClock() });
  informer.start();
  await informer.waitForSync();
  await until(() => api.streams.size === 1);
  for (const s of api.streams) s.push({ type: 'RELIST', resourceVersion: '1' });
  t.ok(await until(() => api.lists === 2));
  await informer.stop();
});

t.test('periodic resync re-delivers every object as an update to itself', async (t) => {
  const clock = new FakeClock();
  const api = new FakeApi();
  api.put('a');
  api.put('b');
  const informer = new Informer(api, { clock, resyncMs: 1000 });
  const { log, handler } = recorder();
  informer.addEventHandler(handler);
  informer.start();
  await informer.waitForSync();
  log.length = 0;
  await clock.advance(999);
  t.same(log, []);
  await clock.advance(1);
  t.same(log.splice(0).sort(), ['update a@1->a@1', 'update b@2->b@2']);
  await clock.advance(1000);
  t.equal(log.length, 2, 'again after another period');
  await informer.stop();
  await clock.advance(5000);
  t.equal(log.length, 2, 'not after stop');
});

t.test('a handler added late gets the cached objects as adds', async (t) => {
  const api = new FakeApi();
  api.put('a');
  api.put('b');
  const informer = new Informer(api, { clock: new FakeClock() });
  informer.start();
  await informer.waitForSync();
  await until(() => api.streams.size === 1);
  const { log, handler } = recorder();
  informer.addEventHandler(handler);
  t.same(log.splice(0).sort(), ['add a@1 initial', 'add b@2 initial']);
  api.put('c');
  t.ok(await until(() => log.length === 1));
  t.same(log, ['add c@3']);
  await informer.stop();
});

t.test('list errors back off exponentially on the clock; handler exceptions are reported', async (t) => {
  const clock = new FakeClock();
  const api = new FakeApi();
  api.put('a');
  api.listFailures = 3;
  const errors: unknown[] = [];
  const informer = new Informer(api, {
    clock,
    onError: (e) => errors.push(e),
    backoff: { initialMs: 100, maxMs: 250 },
  });
  informer.addEventHandler({
    onAdd: () => {
      throw new Error('handler bug');
    },
  });
  informer.start();
  await until(() => errors.length === 1);
  t.equal(api.lists, 1);
  await clock.advance(99);
  t.equal(api.lists, 1, 'waits the initial back-off');
  await clock.advance(1);
  t.equal(api.lists, 2);
  await clock.advance(199);
  t.equal(api.lists, 2, 'doubled');
  await clock.advance(1);
  t.equal(api.lists, 3);
  await clock.advance(249);
  t.equal(api.lists, 3, 'capped');
  await clock.advance(1);
  t.equal(api.lists, 4);
  t.ok(await informer.waitForSync());
  t.equal(errors.length, 4, 'three list errors and one handler error');
  t.match(String(errors[3]), /handler bug/);
  await informer.stop();
});

t.test('an empty watch that ends at once backs off; stop and abort', async (t) => {
  const clock = new FakeClock();
  const api = new FakeApi();
  const controller = new AbortController();
  const informer = new Informer(api, { clock });
  informer.start(controller.signal);
  informer.start(controller.signal);
  await informer.waitForSync();
  await until(() => api.streams.size === 1);
  api.endStreams();
  await until(() => clock.pending() > 0);
  t.equal(api.watchCalls.length, 1, 'not re-watched at once');
  await clock.advance(800);
  t.ok(await until(() => api.watchCalls.length === 2));
  controller.abort();
  await informer.stop();
  t.equal(informer.state, 'stopped');
  t.equal(await informer.waitForSync(), true, 'it had synced');
  const never = new Informer(new FakeApi(), { clock });
  const aborted = new AbortController();
  aborted.abort();
  t.equal(await never.waitForSync(aborted.signal), false);
  await never.stop();
  t.equal(await never.waitForSync(), false);
});
