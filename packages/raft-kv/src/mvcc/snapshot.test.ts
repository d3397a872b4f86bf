import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { outcome, plain } from './model.test.util.js';
import { Prng, randomRequest } from './random.test.util.js';
import { MvccStore } from './store.js';
import type { WatchBatch } from './watch.js';

/** Everything a client could observe of a store, as plain data. */
function observe(s: MvccStore): unknown {
  const ranges = [];
  for (let rev = Math.max(1, s.compactRevision); rev <= s.revision; rev++) {
    ranges.push(plain(s.range('', { prefix: true, revision: rev })));
  }
  const w = s.watch('', { prefix: true, startRevision: Math.max(1, s.compactRevision), prevKv: true });
  const batches: WatchBatch[] = [];
  for (let b = w.take(); b !== undefined; b = w.take()) batches.push(b);
  w.cancel();
  const leases = s.leases().leases.map((l) => plain(s.timeToLive(l.id, { keys: true })));
  return {
    revision: s.revision,
    compactRevision: s.compactRevision,
    usedBytes: s.usedBytes,
    alarms: s.alarms,
    ranges,
    events: plain(batches),
    leases,
  };
}

t.test('a restored store answers exactly like the original, now and after more requests', async (t) => {
  let agreed = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Prng(seed);
    const original = new MvccStore();
    for (let i = 0; i < 150; i++)
      outcome(() => original.apply(randomRequest(rng, original.revision, original.compactRevision)));
    const restored = new MvccStore();
    restored.restore(original.snapshot());
    let same = isDeepStrictEqual(observe(restored), observe(original));
    for (let i = 0; i < 100 && same; i++) {
      const request = randomRequest(rng, original.revision, original.compactRevision);
      same = isDeepStrictEqual(
        outcome(() => restored.apply(request)),
        outcome(() => original.apply(request)),
      );
    }
    same &&= isDeepStrictEqual(observe(restored), observe(original));
    if (same) agreed += 1;
    else t.fail(`seed ${seed} diverged after restore`);
  }
  t.equal(agreed, 20);
});

t.test('a snapshot carries the alarms and the compact revision', async (t) => {
  const s = new MvccStore();
  s.put('a', '1');
  s.put('a', '2');
  s.compact(2);
  s.alarm('activate', 'NOSPACE');
  const r = new MvccStore();
  r.restore(s.snapshot());
  t.same(r.alarms, ['NOSPACE']);
  t.equal(r.compactRevision, 2);
  t.throws(() => r.range('a', { revision: 1 }), { code: 'compacted' });
  t.throws(() => r.put('b', '1'), { code: 'noSpace' });
});

t.test('restoring replaces the whole state', async (t) => {
  const empty = new MvccStore().snapshot();
  const s = new MvccStore();
  s.grant(1, 10);
  s.put('a', '1', { lease: 1 });
  s.restore(empty);
  t.equal(s.revision, 1);
  t.equal(s.range('a').count, 0);
  t.same(s.leases().leases, []);
  t.equal(s.usedBytes, 0);
});

t.test('a snapshot restores keys and values byte for byte', async (t) => {
  const s = new MvccStore();
  s.put(new Uint8Array([0, 0xff, 0x80]), new Uint8Array([0xc3, 0x28]));
  s.put('\u00e9', '\u{1f600}');
  const r = new MvccStore();
  r.restore(s.snapshot());
  t.same(plain(r.range('\x00', { fromKey: true })), plain(s.range('\x00', { fromKey: true })));
});

t.test('bytes that are not a snapshot are refused', async (t) => {
  const s = new MvccStore();
  t.throws(() => s.restore(new Uint8Array([0xc0])), { code: 'invalidRequest' });
});
