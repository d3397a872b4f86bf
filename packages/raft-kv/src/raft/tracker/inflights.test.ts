import t from 'tap';
import { Inflights } from './inflights.js';

t.test('Inflights: full at maxCount messages', async (t) => {
  const f = new Inflights(3, 0);
  f.add(1, 10);
  f.add(2, 10);
  t.equal(f.full(), false);
  f.add(3, 10);
  t.equal(f.full(), true);
  t.equal(f.count(), 3);
});

t.test('Inflights: full at maxBytes, which 0 disables', async (t) => {
  const f = new Inflights(100, 25);
  f.add(1, 10);
  f.add(2, 10);
  t.equal(f.full(), false, '20 < 25');
  f.add(3, 10);
  t.equal(f.full(), true, '30 >= 25');
  const unlimited = new Inflights(100, 0);
  unlimited.add(1, 1e9);
  t.equal(unlimited.full(), false);
});

t.test('Inflights: freeLE frees every message up to an acknowledged index, and their bytes', async (t) => {
  const f = new Inflights(3, 25);
  f.add(2, 10);
  f.add(4, 10);
  f.add(6, 10);
  f.freeLE(1);
  t.equal(f.count(), 3, 'nothing at or below 1');
  f.freeLE(5);
  t.equal(f.count(), 1);
  t.equal(f.full(), false, 'the bytes were freed too');
  f.freeLE(6);
  t.equal(f.count(), 0);
});

t.test('Inflights: freeFirstOne frees the oldest; reset frees all', async (t) => {
  const f = new Inflights(2, 0);
  f.add(1, 5);
  f.add(2, 5);
  f.freeFirstOne();
  t.equal(f.count(), 1);
  f.freeFirstOne();
  f.freeFirstOne();
  t.equal(f.count(), 0, 'freeing from empty is harmless');
  f.add(3, 5);
  f.reset();
  t.equal(f.count(), 0);
  t.equal(f.full(), false);
});
