import t from 'tap';
import { sameJson } from './json-equal.js';

t.test('compares JSON deeply, ignoring key order and absent versus null', async (t) => {
  t.ok(sameJson({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }));
  t.ok(sameJson({ a: 1, b: undefined }, { a: 1 }));
  t.ok(sameJson({ a: null }, {}));
  t.notOk(sameJson({ a: 1 }, { a: 2 }));
  t.notOk(sameJson([1, 2], [2, 1]));
  t.notOk(sameJson({ a: [] }, { a: {} }));
  t.notOk(sameJson('1', 1));
});
