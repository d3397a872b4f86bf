import t from 'tap';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { ApiStatusError } from './errors.js';
import type { KubeObject, ListOptions, ListWatch, ObjectList, WatchEvent, WatchOptions } from './types.js';
import { parseWatchStream, ResumableWatch } from './watch.js';

const obj = (name: string, rv: number): KubeObject => ({
  metadata: { name, namespace: 'ns', resourceVersion: String(rv) },
});
const list = (rv: number, items: KubeObject[]): ObjectList<KubeObject> => ({
  metadata: { resourceVersion: String(rv) },
  items,
});

type Step = WatchEvent<KubeObject>[] | Error | 'hang';

/** A scripted ListWatch: each watchOnce takes the next step; it records the versions asked for. */
class ScriptedSource implements ListWatch<KubeObject> {
  readonly watchedFrom: (string | undefined)[] = [];
  readonly bookmarksAsked: (boolean | undefined)[] = [];
  constructor(
    private readonly lists: ObjectList<KubeObject>[],
    private readonly steps: Step[],
  ) {}
  list(_options?: ListOptions): Promise<ObjectList<KubeObject>> {
    const next = this.lists.shift();
    return next === undefined ? Promise.reject(new Error('no more lists')) : Promise.resolve(next);
  }
  async *watchOnce(options: WatchOptions = {}): AsyncGenerator<WatchEvent<KubeObject>> {
    this.watchedFrom.push(options.resourceVersion);
    this.bookmarksAsked.push(options.allowWatchBookmarks);
    const step = this.steps.shift() ?? 'hang';
    if (step === 'hang') {
      await new Promise<void>((resolve) => {
        if (options.signal?.aborted === true) resolve();
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      return;
    }
    if (step instanceof Error) throw step;
    yield* step;
  }
}

const show = (e: WatchEvent<KubeObject>) =>
  e.type === 'RELIST'
    ? `RELIST ${e.resourceVersion}`
    : `${e.type} ${e.object.metadata.name ?? ''}@${e.object.metadata.resourceVersion ?? ''}`;

async function take(w: AsyncIterable<WatchEvent<KubeObject>>, n: number): Promise<string[]> {
  const out: string[] = [];
  const it = w[Symbol.asyncIterator]();
  while (out.length < n) {
    const r = await it.next();
    if (r.done === true) break;
    out.push(show(r.value));
  }
  await it.return?.();
  return out;
}

t.test('lists first, resumes from the last version, skips replays, relists on 410', async (t) => {
  const gone = new ApiStatusError({ code: 410, reason: 'Expired', message: 'too old' });
  const source = new ScriptedSource(
    [list(5, [obj('a', 1), obj('b', 2)]), list(12, [obj('a', 6), obj('c', 9), obj('d', 10)])],
    [
      [
        { type: 'MODIFIED', object: obj('a', 6) },
        { type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } },
      ],
      new Error('connection dropped'),
      [
        { type: 'MODIFIED', object: obj('a', 6) },
        { type: 'ADDED', object: obj('c', 8) },
      ],
      gone,
    ],
  );
  const sleeps: number[] = [];
  const w = new ResumableWatch(source, {
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const events = await take(w, 9);
  t.same(events, [
    'ADDED a@1',
    'ADDED b@2',
    'MODIFIED a@6',
    'BOOKMARK @7',
    'ADDED c@8',
    'RELIST 12',
    'MODIFIED c@9',
    'ADDED d@10',
    'DELETED b@12',
  ]);
  t.same(source.watchedFrom, ['5', '7', '7', '8'], 'each watch starts from the last version seen');
  t.ok(
    source.bookmarksAsked.every((b) => b === true),
    'bookmarks always asked for',
  );
  t.same(sleeps, [200], 'backed off once, after the dropped connection');
  t.equal(w.resourceVersion, '12');
});

t.test('starts from a given resourceVersion without listing; stops on abort', async (t) => {
  const source = new ScriptedSource([], [[{ type: 'ADDED', object: obj('x', 31) }]]);
  const ac = new AbortController();
  const w = new ResumableWatch(source, { resourceVersion: '30', signal: ac.signal });
  const seen: string[] = [];
  for await (const e of w) {
    seen.push(show(e));
    ac.abort();
  }
  t.same(seen, ['ADDED x@31']);
  t.same(source.watchedFrom, ['30']);
});

t.test('parseWatchStream splits lines across chunks and throws ERROR events', async (t) => {
  const lines = [
    '{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"1"}}}\n{"type":"BOO',
    'KMARK","object":{"metadata":{"resourceVersion":"2"}}}\n',
    '{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}\n',
  ];
  const got: string[] = [];
  const err = await (async () => {
    for await (const e of parseWatchStream(Readable.from(lines) as unknown as IncomingMessage)) got.push(show(e));
  })().catch((e: unknown) => e);
  t.same(got, ['ADDED a@1', 'BOOKMARK @2']);
  t.ok(err instanceof ApiStatusError);
  t.equal((err as ApiStatusError).code, 410);
});
