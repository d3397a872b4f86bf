import t from 'tap';
import { applyMergePatch } from './merge-patch.js';

t.test('merges objects, null deletes, arrays replace (RFC 7386 examples)', async (t) => {
  const target = { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] };
  const patch = { a: 'z', c: { f: null }, list: [3] };
  t.same(applyMergePatch(target, patch), { a: 'z', c: { d: 'e' }, list: [3] });
  t.same(target, { a: 'b', c: { d: 'e', f: 'g' }, list: [1, 2] }, 'target not mutated');
  t.same(patch, { a: 'z', c: { f: null }, list: [3] }, 'patch not mutated');
});

t.test('non-object patch replaces the target', async (t) => {
  t.same(applyMergePatch({ a: 1 }, ['x']), ['x']);
  t.equal(applyMergePatch({ a: 1 }, 'str'), 'str');
  t.same(applyMergePatch('str', { a: 1 }), { a: 1 });
});

t.test('a null inside a new object is dropped', async (t) => {
  t.same(applyMergePatch({}, { a: { b: null, c: 1 } }), { a: { c: 1 } });
});

t.test('kubectl scale body sets spec.replicas', async (t) => {
  const scale = { metadata: { name: 'web' }, spec: { replicas: 1 }, status: { replicas: 1 } };
  t.same(applyMergePatch(scale, { spec: { replicas: 3 } }), {
    metadata: { name: 'web' },
    spec: { replicas: 3 },
    status: { replicas: 1 },
  });
});
