/**
 * An informer against a real `bosun server`: after 1,000 seeded random creates, updates and
 * deletes of ConfigMaps, its cache (and the state its handlers were told) equals the server's
 * list. A failure prints the seed; BOSUN_SEED=<n> replays it.
 */
import t from 'tap';
import { Informer, createClient } from '@bosun/sdk';
import type { ConfigMap } from '@bosun/sdk';
import { Cluster } from '../kubectl/harness.js';

const OPERATIONS = 1000;
const NAMES = 40;
const WORKERS = 4;
const NAMESPACE = 'informer-test';

/** mulberry32: a small seeded PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function describe(cm: ConfigMap): string {
  return `${cm.metadata.namespace ?? ''}/${cm.metadata.name ?? ''}@${cm.metadata.resourceVersion ?? ''} ${JSON.stringify(cm.data ?? {})}`;
}

t.test('informer cache equals the server after 1,000 random changes', async (t) => {
  const seed = Number(process.env.BOSUN_SEED ?? 20261128);
  t.comment(`seed ${seed} (replay: BOSUN_SEED=${seed} node scripts/test.mjs test/sdk/informer.test.ts)`);
  const cluster = await Cluster.start();
  t.teardown(() => cluster.stop());
  const client = createClient({ kubeconfig: cluster.kubeconfig });
  t.teardown(() => client.close());
  await client.namespaces().create({ metadata: { name: NAMESPACE } });
  const configMaps = client.configMaps(NAMESPACE);

  const errors: unknown[] = [];
  const informer = new Informer<ConfigMap>(configMaps, { onError: (e) => errors.push(e), resyncMs: 0 });
  // What the handlers were told, applied to a map: it must end equal to the cache.
  const told = new Map<string, ConfigMap>();
  let badUpdates = 0;
  informer.addEventHandler({
    onAdd: (obj) => told.set(`${obj.metadata.name}`, obj),
    onUpdate: (old, obj) => {
      if (told.get(`${old.metadata.name}`) !== old) badUpdates++;
      told.set(`${obj.metadata.name}`, obj);
    },
    onDelete: (obj) => told.delete(`${obj.metadata.name}`),
  });
  informer.start();
  t.teardown(() => informer.stop());
  t.ok(await informer.waitForSync(AbortSignal.timeout(30_000)), 'synced');

  // Each worker owns NAMES / WORKERS names, so its changes never conflict with another's.
  const next = random(seed);
  let done = 0;
  const worker = async (w: number): Promise<void> => {
    const exists = new Map<string, ConfigMap>();
    const names = Array.from({ length: NAMES / WORKERS }, (_, i) => `cm-${w}-${i}`);
    while (done < OPERATIONS) {
      done++;
      const name = names[Math.floor(next() * names.length)] as string;
      const value = String(Math.floor(next() * 1e6));
      const current = exists.get(name);
      if (current === undefined) {
        exists.set(name, await configMaps.create({ metadata: { name }, data: { value } }));
      } else if (next() < 0.6) {
        exists.set(name, await configMaps.update({ ...current, data: { value } }));
      } else {
        await configMaps.delete(name);
        exists.delete(name);
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  t.comment(`${OPERATIONS} changes in ${Date.now() - started} ms`);

  const server = async (): Promise<string[]> => (await configMaps.list()).items.map(describe).sort();
  const cache = (): string[] => informer.indexer.list().map(describe).sort();
  let expected = await server();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && cache().join('\n') !== expected.join('\n')) {
    await new Promise((r) => setTimeout(r, 100));
    expected = await server();
  }
  t.same(cache(), expected, `cache equals the server's list (seed ${seed})`);
  t.same([...told.values()].map(describe).sort(), expected, `the handlers were told every change (seed ${seed})`);
  t.equal(badUpdates, 0, 'every update named the previous state the handler was given');
  t.ok(expected.length > 0, 'some objects exist at the end');
  t.same(errors, [], 'no list/watch errors');
});
