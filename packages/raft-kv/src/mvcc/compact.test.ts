import t from 'tap';
import { keysOf, valuesOf } from './model.test.util.js';
import { MvccStore } from './store.js';

function history(): MvccStore {
  const s = new MvccStore();
  s.put('a', '1'); // 2
  s.put('a', '2'); // 3
  s.put('b', '1'); // 4
  s.deleteRange('b'); // 5
  s.put('c', '1'); // 6
  s.put('a', '3'); // 7
  return s;
}

t.test('after compaction, reads at or above the compact revision answer as before', async (t) => {
  const s = history();
  const before = [5, 6, 7].map((rev) => s.range('a', { fromKey: true, revision: rev }));
  s.compact(5);
  t.equal(s.compactRevision, 5);
  const after = [5, 6, 7].map((rev) => s.range('a', { fromKey: true, revision: rev }));
  t.same(after, before);
  t.same(valuesOf(s.range('a', { revision: 5 }).kvs), ['2'], 'the newest version at the compact revision stays');
});

t.test('reads below the compact revision fail with compacted', async (t) => {
  const s = history();
  s.compact(5);
  t.throws(() => s.range('a', { revision: 4 }), { code: 'compacted', compactRevision: 5 });
  t.throws(() => s.range('a', { revision: 1 }), { code: 'compacted' });
  t.same(keysOf(s.range('a', { fromKey: true }).kvs), ['a', 'c'], 'current reads are unaffected');
});

t.test('compaction frees the old versions and the deleted keys', async (t) => {
  const s = history();
  const used = s.usedBytes;
  s.compact(7);
  t.ok(s.usedBytes < used, `${s.usedBytes} < ${used}`);
  s.deleteRange('a', { fromKey: true });
  s.compact(8);
  t.equal(s.usedBytes, 0, 'nothing is left once everything is deleted and compacted');
  t.equal(s.range('a', { fromKey: true, revision: 8 }).count, 0);
});

t.test('compacting an already compacted or a future revision fails', async (t) => {
  const s = history();
  t.throws(() => s.compact(8), { code: 'futureRevision' });
  s.compact(4);
  t.throws(() => s.compact(4), { code: 'compacted', compactRevision: 4 });
  t.throws(() => s.compact(3), { code: 'compacted' });
  t.doesNotThrow(() => s.compact(7), 'the current revision can be compacted');
});

t.test('compaction does not change the revision', async (t) => {
  const s = history();
  t.same(s.compact(6), { type: 'compact', header: { revision: 7 } });
  t.equal(s.revision, 7);
  t.equal(s.put('d', '1').header.revision, 8);
});

t.test('history written after a compaction is kept until the next one', async (t) => {
  const s = history();
  s.compact(7);
  s.put('a', '4'); // 8
  s.put('a', '5'); // 9
  t.same(valuesOf(s.range('a', { revision: 8 }).kvs), ['4']);
  t.same(valuesOf(s.range('a', { revision: 7 }).kvs), ['3']);
  s.compact(9);
  t.throws(() => s.range('a', { revision: 8 }), { code: 'compacted' });
});

t.test('a key with a long history compacts once, keeping what later reads need', async (t) => {
  const s = new MvccStore();
  for (let i = 0; i < 5000; i++) s.put('hot', String(i)); // revisions 2..5001
  s.compact(4000);
  t.same(valuesOf(s.range('hot', { revision: 4000 }).kvs), ['3998']);
  t.same(valuesOf(s.range('hot', { revision: 4500 }).kvs), ['4498']);
  t.throws(() => s.range('hot', { revision: 3999 }), { code: 'compacted' });
  const w = s.watch('hot', { startRevision: 4000 });
  let events = 0;
  for (let b = w.take(); b !== undefined; b = w.take()) events += b.type === 'events' ? b.events.length : 0;
  t.equal(events, 1002, 'revisions 4000..5001');
});
