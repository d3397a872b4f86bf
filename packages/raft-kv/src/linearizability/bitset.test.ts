import t from 'tap';
import { Bitset } from './bitset.js';

t.test('sets, clears and tests members', async (t) => {
  const set = new Bitset(70);
  for (const i of [0, 31, 32, 69]) set.set(i);
  t.same(
    [0, 1, 31, 32, 33, 69].map((i) => set.has(i)),
    [true, false, true, true, false, true],
  );
  set.clear(31);
  t.notOk(set.has(31));
  t.notOk(set.has(1000), 'out of range is not a member');
});

t.test('keys: equal sets give equal strings, of a length fixed by the size', async (t) => {
  const a = new Bitset(100);
  const b = new Bitset(100);
  t.equal(a.key().length, 8, '4 words of two units');
  a.set(3);
  a.set(99);
  b.set(99);
  t.not(a.key(), b.key());
  b.set(3);
  t.equal(a.key(), b.key());
  const huge = new Bitset(200_000);
  huge.set(199_999);
  t.equal(huge.key().length, 12_500, 'keys longer than one chunk of units');
  t.equal(new Bitset(0).key(), '');
});

t.test('snapshots and containment', async (t) => {
  const set = new Bitset(40);
  set.set(1);
  const small = set.snapshot();
  set.set(35);
  t.ok(set.containsAll(small));
  t.ok(set.containsAll(set.snapshot()));
  set.clear(1);
  t.notOk(set.containsAll(small));
  t.ok(set.containsAll(new Bitset(40).snapshot()), 'the empty set is in every set');
});

t.test('a size must be a natural number', async (t) => {
  t.throws(() => new Bitset(-1), RangeError);
  t.throws(() => new Bitset(1.5), RangeError);
});
