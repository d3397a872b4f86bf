import t from 'tap';
import { Buffer } from 'node:buffer';
import { isDeepStrictEqual } from 'node:util';
import { Packr } from 'msgpackr';
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

t.test('a truncated snapshot is refused', async (t) => {
  const s = new MvccStore();
  s.put('a', '1');
  const bytes = s.snapshot();
  t.throws(() => new MvccStore().restore(bytes.subarray(0, bytes.length - 1)), { code: 'invalidRequest' });
});

t.test('a snapshot at any byte offset restores (the columns need no alignment)', async (t) => {
  const s = new MvccStore();
  for (let i = 0; i < 20; i++) s.put(`k${i % 7}`, `v${i}`);
  const bytes = s.snapshot();
  const shifted = new Uint8Array(bytes.length + 3).subarray(3);
  shifted.set(bytes);
  const r = new MvccStore();
  r.restore(shifted);
  t.same(plain(r.range('', { prefix: true })), plain(s.range('', { prefix: true })));
  t.equal(r.revision, s.revision);
});

t.test('snapshots of the first format (one msgpack document) still restore', async (t) => {
  // Two versions of "a" (one below the compact revision is dropped by the restore), "b" on a lease.
  const v1 = new Packr({ useRecords: false }).pack({
    format: 1,
    revision: 4,
    compactRevision: 3,
    alarms: [],
    leaseIds: [7],
    leaseTtls: [30],
    keyLengths: [1, 1, 1],
    keys: Buffer.from('aab', 'latin1'),
    valueLengths: [1, 1, 1],
    values: Buffer.from('123', 'latin1'),
    createRevisions: [2, 2, 4],
    modRevisions: [2, 3, 4],
    versions: [1, 2, 1],
    leases: [0, 0, 7],
  });
  const r = new MvccStore();
  r.restore(v1);
  t.equal(r.revision, 4);
  t.equal(r.compactRevision, 3);
  t.same(
    r
      .range('', { prefix: true })
      .kvs.map((kv) => [Buffer.from(kv.key).toString(), Buffer.from(kv.value).toString(), kv.version, kv.lease]),
    [
      ['a', '2', 2, 0],
      ['b', '3', 1, 7],
    ],
  );
  t.same(
    r.timeToLive(7, { keys: true }).keys.map((k) => Buffer.from(k).toString()),
    ['b'],
  );
});

t.test('an asynchronous snapshot is the state at the call, whatever is applied while it encodes', async (t) => {
  const s = new MvccStore();
  for (let i = 0; i < 80_000; i++) s.put(`k${i % 1000}`, `v${i}`);
  s.compact(40_000); // versions below the compact revision are kept for the live keys, the rest is log
  const expected = Buffer.from(s.snapshot());
  const pending = s.snapshotAsync(() => new Promise((resolve) => setImmediate(resolve)));
  let turns = 0;
  let done = false;
  void pending.finally(() => (done = true)).catch(() => undefined);
  while (!done && turns < 1_000) {
    // Between the encoding's steps: more writes, a delete and a compaction.
    s.put(`k${turns}`, 'later');
    s.deleteRange(`k${turns + 500}`);
    s.compact(s.revision - 5);
    turns += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.ok(turns >= 3, `the encoding took several turns (${turns})`);
  t.ok(expected.equals(Buffer.from(await pending)), 'byte for byte the snapshot taken at the call');
});
