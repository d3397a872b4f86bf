// The store against the naive model: random sequences of put, delete, range, txn, compact and
// lease requests must give identical responses, errors and revisions; random watches must see
// exactly the model's events. A failure prints its seed: MVCC_SEED=<seed> replays it alone.
import t, { type Test } from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { Model, bin, modelInRange, outcome, plain } from './model.test.util.js';
import { Prng, randomKey, randomRangeEnd, randomRequest } from './random.test.util.js';
import type { ModelEvent } from './model.test.util.js';
import { MvccStore } from './store.js';
import type { Watch, WatchBatch } from './watch.js';

const SEEDS =
  process.env.MVCC_SEED !== undefined ? [Number(process.env.MVCC_SEED)] : Array.from({ length: 30 }, (_, i) => i + 1);
const STEPS = 400;

interface Watching {
  watch: Watch;
  start: number;
  key: string;
  end: string;
  filters: ('noPut' | 'noDelete')[];
  prevKv: boolean;
  batches: WatchBatch[];
}

function drain(w: Watching): void {
  for (let b = w.watch.take(); b !== undefined; b = w.watch.take()) w.batches.push(b);
}

function expectedEvents(model: Model, w: Watching, until: number): unknown[] {
  return model.events
    .filter((e) => e.revision >= w.start && e.revision < until && modelInRange(e.kv.key, w.key, w.end))
    .filter((e) => !(e.type === 'put' ? w.filters.includes('noPut') : w.filters.includes('noDelete')))
    .map((e: ModelEvent) =>
      plain({ revision: e.revision, type: e.type, kv: e.kv, prevKv: w.prevKv ? e.prevKv : undefined }),
    );
}

function receivedEvents(w: Watching, compactRevision: number): { events: unknown[]; problem?: string } {
  const events: unknown[] = [];
  let last = 0;
  for (const b of w.batches) {
    if (b.type !== 'events') continue;
    if (b.revision <= last) return { events, problem: `batch ${b.revision} after ${last}` };
    last = b.revision;
    for (const e of b.events) {
      if (e.kv.modRevision !== b.revision)
        return { events, problem: `event of ${e.kv.modRevision} in batch ${b.revision}` };
      events.push({ revision: b.revision, ...(plain(e) as object) });
    }
  }
  // Events at or below the compact revision may have lost their prevKv to compaction.
  return {
    events: events.map((e) => {
      const ev = e as { revision: number; prevKv?: unknown };
      return ev.prevKv === undefined && ev.revision <= compactRevision ? { ...ev, prevKv: 'compacted' } : e;
    }),
  };
}

function tolerate(expected: unknown[], received: unknown[]): unknown[] {
  return expected.map((e, i) => {
    const r = received[i] as { prevKv?: unknown } | undefined;
    return r?.prevKv === 'compacted' ? { ...(e as object), prevKv: 'compacted' } : e;
  });
}

function startWatch(rng: Prng, store: MvccStore, model: Model): Watching {
  const key = randomKey(rng);
  const rangeEnd = randomRangeEnd(rng, key);
  const start = rng.chance(0.3) ? 0 : model.compactRevision + rng.int(model.revision - model.compactRevision + 3);
  const filters = rng.chance(0.2) ? [rng.pick(['noPut', 'noDelete'] as const)] : [];
  const prevKv = rng.chance(0.5);
  const watch = store.watch(key, {
    ...(rangeEnd === undefined ? {} : { rangeEnd }),
    startRevision: start,
    filters,
    prevKv,
  });
  return {
    watch,
    start: start === 0 ? model.revision + 1 : start,
    key: bin(key),
    end: bin(rangeEnd ?? ''),
    filters,
    prevKv,
    batches: [],
  };
}

function checkWatch(t: Test, seed: number, model: Model, w: Watching): boolean {
  drain(w);
  const ended = w.watch.ended;
  const until = ended === undefined ? model.revision + 1 : ended.resumeRevision;
  const got = receivedEvents(w, model.compactRevision);
  if (got.problem !== undefined) {
    t.fail(`seed ${seed}: watch ${w.watch.id}: ${got.problem}`);
    return false;
  }
  const want = tolerate(expectedEvents(model, w, until), got.events);
  if (!isDeepStrictEqual(got.events, want)) {
    t.same(got.events, want, `seed ${seed}: watch ${w.watch.id} from ${w.start} (${JSON.stringify(ended)})`);
    return false;
  }
  if (ended !== undefined && ended.reason !== 'compacted') {
    t.fail(`seed ${seed}: watch ${w.watch.id} ended for ${ended.reason}`);
    return false;
  }
  return true;
}

/** Runs one seed; returns false after reporting the first divergence. */
function runSeed(t: Test, seed: number): boolean {
  const rng = new Prng(seed);
  const store = new MvccStore({ watch: { replayBatchEvents: 3 } });
  const model = new Model();
  const watches: Watching[] = [];
  for (let step = 0; step < STEPS; step++) {
    if (rng.chance(0.05) && watches.length < 8) watches.push(startWatch(rng, store, model));
    if (rng.chance(0.2)) for (const w of watches) if (rng.chance(0.5)) drain(w);
    const request = randomRequest(rng, model.revision, model.compactRevision);
    const want = outcome(() => model.apply(request));
    const got = outcome(() => store.apply(request));
    if (!isDeepStrictEqual(got, want) || store.revision !== model.revision) {
      t.same(got, want, `seed ${seed} step ${step}: ${JSON.stringify(plain(request))}`);
      return false;
    }
  }
  return watches.every((w) => checkWatch(t, seed, model, w));
}

t.test('the store answers exactly like the naive model', async (t) => {
  let ok = 0;
  for (const seed of SEEDS) if (runSeed(t, seed)) ok += 1;
  t.equal(ok, SEEDS.length, `${ok} of ${SEEDS.length} seeds of ${STEPS} steps agree`);
});
