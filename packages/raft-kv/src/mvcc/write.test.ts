import t from 'tap';
import { keysOf, text, valuesOf } from './model.test.util.js';
import { MvccStore } from './store.js';

t.test('every put creates a revision; the key keeps its create revision and counts versions', async (t) => {
  const s = new MvccStore();
  t.same(s.put('k', 'a'), { type: 'put', header: { revision: 2 } });
  t.equal(s.put('k', 'b').header.revision, 3);
  t.match(s.range('k').kvs[0], { createRevision: 2, modRevision: 3, version: 2 });
  t.equal(s.revision, 3);
});

t.test('prevKv returns the key before the put, when it existed', async (t) => {
  const s = new MvccStore();
  t.equal(s.put('k', 'a', { prevKv: true }).prevKv, undefined);
  const r = s.put('k', 'b', { prevKv: true });
  t.equal(text(r.prevKv?.value ?? new Uint8Array()), 'a');
  t.match(r.prevKv, { version: 1, modRevision: 2 });
});

t.test('a delete resets the version; the next put creates the key anew', async (t) => {
  const s = new MvccStore();
  s.put('k', 'a');
  s.put('k', 'b');
  s.deleteRange('k');
  s.put('k', 'c');
  t.match(s.range('k').kvs[0], { createRevision: 5, modRevision: 5, version: 1 });
});

t.test('ignoreValue keeps the value, ignoreLease keeps the lease', async (t) => {
  const s = new MvccStore();
  s.grant(7, 60);
  s.put('k', 'a', { lease: 7 });
  s.put('k', '', { ignoreValue: true });
  t.match(s.range('k').kvs[0], { version: 2, lease: 0 }, 'without ignoreLease the lease is dropped');
  t.same(valuesOf(s.range('k').kvs), ['a']);
  s.put('k', 'b', { lease: 7 });
  s.put('k', 'c', { ignoreLease: true });
  t.match(s.range('k').kvs[0], { lease: 7, version: 4 });
  t.same(valuesOf(s.range('k').kvs), ['c']);
  t.same(keysOf(s.timeToLive(7, { keys: true }).keys.map((key) => ({ key }))), ['k']);
});

t.test('ignoreValue and ignoreLease need an existing key and no value or lease of their own', async (t) => {
  const s = new MvccStore();
  s.grant(7, 60);
  t.throws(() => s.put('k', '', { ignoreValue: true }), { code: 'keyNotFound' });
  t.throws(() => s.put('k', 'v', { ignoreLease: true }), { code: 'keyNotFound' });
  t.throws(() => s.put('k', 'v', { ignoreValue: true }), { code: 'valueProvided' });
  t.throws(() => s.put('k', 'v', { ignoreLease: true, lease: 7 }), { code: 'leaseProvided' });
  t.equal(s.revision, 1, 'nothing was written');
});

t.test('a put with a lease that does not exist fails', async (t) => {
  const s = new MvccStore();
  t.throws(() => s.put('k', 'v', { lease: 42 }), { code: 'leaseNotFound' });
  t.equal(s.revision, 1);
});

t.test('a put of an empty key fails', async (t) => {
  const s = new MvccStore();
  t.throws(() => s.put('', 'v'), { code: 'emptyKey' });
});

t.test('deleteRange deletes a key or a range at one revision and counts them', async (t) => {
  const s = new MvccStore();
  for (const k of ['a', 'a/1', 'a/2', 'b']) s.put(k, `v-${k}`);
  const one = s.deleteRange('b', { prevKv: true });
  t.equal(one.deleted, 1);
  t.same(valuesOf(one.prevKvs), ['v-b']);
  t.equal(one.header.revision, 6);
  const many = s.deleteRange('a/', { prefix: true });
  t.equal(many.deleted, 2);
  t.same(many.prevKvs, [], 'no prevKvs unless asked');
  t.equal(many.header.revision, 7, 'all in one revision');
  t.same(keysOf(s.range('a', { fromKey: true }).kvs), ['a']);
});

t.test('deleting nothing creates no revision', async (t) => {
  const s = new MvccStore();
  s.put('a', 'v');
  s.deleteRange('a');
  const r = s.deleteRange('a');
  t.equal(r.deleted, 0);
  t.equal(r.header.revision, 3);
  t.equal(s.revision, 3);
  t.equal(s.deleteRange('x', { fromKey: true }).deleted, 0);
});

t.test('deleting a leased key detaches it from the lease', async (t) => {
  const s = new MvccStore();
  s.grant(1, 60);
  s.put('k', 'v', { lease: 1 });
  s.deleteRange('k');
  t.same(s.timeToLive(1, { keys: true }).keys, []);
  s.revoke(1);
  t.equal(s.revision, 3, 'revoking the lease deletes nothing more');
});

t.test('moving a key to another lease detaches it from the first', async (t) => {
  const s = new MvccStore();
  s.grant(1, 60);
  s.grant(2, 60);
  s.put('k', 'v', { lease: 1 });
  s.put('k', 'v', { lease: 2 });
  t.same(s.timeToLive(1, { keys: true }).keys, []);
  t.equal(s.timeToLive(2, { keys: true }).keys.length, 1);
});
