import t from 'tap';
import { ApiError } from '../api/errors.js';
import { applyJsonPatch, parsePointer } from './json-patch.js';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return `${err.reason} ${err.code}`;
    throw err;
  }
  return 'no error';
}

t.test('pointers unescape ~1 and ~0', async (t) => {
  t.same(parsePointer(''), []);
  t.same(parsePointer('/a~1b/m~0n/0'), ['a/b', 'm~n', '0']);
  t.equal(
    reasonOf(() => parsePointer('a')),
    'BadRequest 400',
  );
  t.equal(
    reasonOf(() => parsePointer('/a~2')),
    'BadRequest 400',
  );
});

t.test('add, remove, replace on objects and arrays', async (t) => {
  const doc = { metadata: { labels: { a: '1' } }, list: [1, 2] };
  const out = applyJsonPatch(doc, [
    { op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'web' },
    { op: 'add', path: '/list/-', value: 3 },
    { op: 'add', path: '/list/0', value: 0 },
    { op: 'remove', path: '/list/1' },
    { op: 'replace', path: '/metadata/labels/a', value: '2' },
  ]);
  t.same(out, { metadata: { labels: { a: '2', 'app.kubernetes.io/name': 'web' } }, list: [0, 2, 3] });
  t.same(doc, { metadata: { labels: { a: '1' } }, list: [1, 2] }, 'input not mutated');
});

t.test('move, copy and test', async (t) => {
  const out = applyJsonPatch({ a: { b: 1 }, c: [] }, [
    { op: 'test', path: '/a/b', value: 1 },
    { op: 'copy', from: '/a/b', path: '/c/0' },
    { op: 'move', from: '/a', path: '/d' },
  ]);
  t.same(out, { c: [1], d: { b: 1 } });
});

t.test('replace of the root and of whole subtrees (rollout undo)', async (t) => {
  const deploy = {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '3' } },
    spec: { template: { x: 1 } },
  };
  const out = applyJsonPatch(deploy, [
    { op: 'replace', path: '/spec/template', value: { y: 2 } },
    { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } },
  ]);
  t.same(out, {
    metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { template: { y: 2 } },
  });
  t.same(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }]), [1]);
});

t.test('malformed patches are 400 BadRequest', async (t) => {
  t.equal(
    reasonOf(() => applyJsonPatch({}, { op: 'add' })),
    'BadRequest 400',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({}, [{ op: 'frob', path: '/a' }])),
    'BadRequest 400',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({}, [{ op: 'add', value: 1 }])),
    'BadRequest 400',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({}, [{ op: 'add', path: '/a' }])),
    'BadRequest 400',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({}, [{ op: 'move', path: '/a' }])),
    'BadRequest 400',
  );
});

t.test('operations that cannot apply are 422 Invalid', async (t) => {
  t.equal(
    reasonOf(() => applyJsonPatch({}, [{ op: 'remove', path: '/a' }])),
    'Invalid 422',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({}, [{ op: 'replace', path: '/a', value: 1 }])),
    'Invalid 422',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])),
    'Invalid 422',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({}, [{ op: 'add', path: '/a/b', value: 1 }])),
    'Invalid 422',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({ l: [1] }, [{ op: 'add', path: '/l/5', value: 1 }])),
    'Invalid 422',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({ l: [1] }, [{ op: 'remove', path: '/l/01' }])),
    'Invalid 422',
  );
  t.equal(
    reasonOf(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }])),
    'Invalid 422',
  );
});

t.test('the error message names the op and path', async (t) => {
  try {
    applyJsonPatch({ spec: {} }, [{ op: 'replace', path: '/spec/foo', value: 1 }]);
    t.fail('expected an error');
  } catch (err) {
    t.match((err as Error).message, /replace operation does not apply: doc is missing path: "\/spec\/foo"/);
  }
});
