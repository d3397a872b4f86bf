import t from 'tap';
import { duplicateFields } from './duplicates.js';

t.test('finds keys given twice in one object, with their paths', async (t) => {
  t.same(duplicateFields('{"a":1,"a":2}'), ['a']);
  t.same(duplicateFields('{"metadata":{"name":"x","name":"y"},"spec":{}}'), ['metadata.name']);
  t.same(duplicateFields('{"spec":{"containers":[{"name":"a"},{"name":"b","image":"i","image":"j"}]}}'), [
    'spec.containers[1].image',
  ]);
});

t.test('the same key in different objects, keys inside strings and escapes are not duplicates', async (t) => {
  t.same(duplicateFields('{"a":{"x":1},"b":{"x":1}}'), []);
  t.same(duplicateFields('{"a":"\\"a\\":1","b":"{\\"a\\":2}"}'), []);
  t.same(duplicateFields('[{"a":1},{"a":1}]'), []);
  t.same(duplicateFields('{"\\u0061":1,"a":2}'), ['a'], 'escaped keys compare by value');
});
