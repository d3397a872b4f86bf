import t from 'tap';
import { isMvccError } from './errors.js';
import { keysOf, text, valuesOf } from './model.test.util.js';
import { MvccStore } from './store.js';

/** a=1 (rev 2), a/x=2 (3), a/y=3 (4), b=4 (5), then a=5 (6): a has version 2. */
function fixture(): MvccStore {
  const s = new MvccStore();
  s.put('a', '1');
  s.put('a/x', '2');
  s.put('a/y', '3');
  s.put('b', '4');
  s.put('a', '5');
  return s;
}

t.test('an empty store is at revision 1, as in etcd', async (t) => {
  const s = new MvccStore();
  t.equal(s.revision, 1);
  t.same(s.range('a'), { type: 'range', header: { revision: 1 }, kvs: [], more: false, count: 0 });
});

t.test('a point read returns the key with its revisions and version', async (t) => {
  const s = fixture();
  const r = s.range('a');
  t.equal(r.header.revision, 6);
  t.equal(r.count, 1);
  const kv = r.kvs[0];
  t.ok(kv);
  t.equal(text(kv?.key ?? new Uint8Array()), 'a');
  t.match(kv, { createRevision: 2, modRevision: 6, version: 2, lease: 0 });
  t.equal(text(kv?.value ?? new Uint8Array()), '5');
  t.same(s.range('nope').kvs, []);
});

t.test('prefix, fromKey and rangeEnd select ranges', async (t) => {
  const s = fixture();
  t.same(keysOf(s.range('a/', { prefix: true }).kvs), ['a/x', 'a/y']);
  t.same(keysOf(s.range('a', { prefix: true }).kvs), ['a', 'a/x', 'a/y']);
  t.same(keysOf(s.range('', { prefix: true }).kvs), ['a', 'a/x', 'a/y', 'b'], 'an empty prefix is every key');
  t.same(keysOf(s.range('a/y', { fromKey: true }).kvs), ['a/y', 'b']);
  t.same(keysOf(s.range('', { fromKey: true }).kvs), ['a', 'a/x', 'a/y', 'b']);
  t.same(keysOf(s.range('a/x', { rangeEnd: 'b' }).kvs), ['a/x', 'a/y']);
  t.same(keysOf(s.range('a', { rangeEnd: '\x00' }).kvs), ['a', 'a/x', 'a/y', 'b'], 'a rangeEnd of \\0 is unbounded');
});

t.test('limit cuts the answer; more and count describe the whole range', async (t) => {
  const s = fixture();
  const r = s.range('a', { fromKey: true, limit: 2 });
  t.same(keysOf(r.kvs), ['a', 'a/x']);
  t.equal(r.more, true);
  t.equal(r.count, 4);
  const all = s.range('a', { fromKey: true, limit: 4 });
  t.equal(all.more, false);
  t.equal(all.kvs.length, 4);
});

t.test('keysOnly drops values; countOnly drops key-values', async (t) => {
  const s = fixture();
  t.same(valuesOf(s.range('a', { prefix: true, keysOnly: true }).kvs), ['', '', '']);
  const c = s.range('a', { prefix: true, countOnly: true, limit: 1 });
  t.same(c.kvs, []);
  t.equal(c.count, 3);
  t.equal(c.more, false);
});

t.test('reads at a past revision see the keyspace as it was', async (t) => {
  const s = fixture();
  s.deleteRange('a/x');
  t.same(valuesOf(s.range('a', { revision: 2 }).kvs), ['1']);
  t.same(keysOf(s.range('a', { prefix: true, revision: 3 }).kvs), ['a', 'a/x']);
  t.same(keysOf(s.range('a', { prefix: true, revision: 7 }).kvs), ['a', 'a/y'], 'after the delete');
  t.equal(s.range('a', { revision: 1 }).count, 0, 'before the first write');
  t.equal(s.range('a', { revision: 4 }).header.revision, 7, 'the header carries the current revision');
});

t.test('a future revision is an error', async (t) => {
  const s = fixture();
  t.throws(() => s.range('a', { revision: 7 }), { code: 'futureRevision' });
});

t.test('a compacted revision is an error that names the compact revision', async (t) => {
  const s = fixture();
  s.compact(4);
  t.equal(s.range('a', { revision: 4 }).count, 1, 'the compact revision itself can be read');
  try {
    s.range('a', { revision: 3 });
    t.fail('should throw');
  } catch (e) {
    t.ok(isMvccError(e, 'compacted'));
    t.equal((e as { compactRevision?: number }).compactRevision, 4);
  }
});

t.test('sorting by each target, both orders', async (t) => {
  const s = new MvccStore();
  s.put('k1', 'c');
  s.put('k2', 'a');
  s.put('k3', 'b');
  s.put('k2', 'a2');
  s.put('k1', 'c2');
  s.put('k1', 'c3');
  const sorted = (target: 'key' | 'version' | 'create' | 'mod' | 'value', order: 'none' | 'ascend' | 'descend') =>
    keysOf(s.range('k', { prefix: true, sort: { target, order } }).kvs);
  t.same(sorted('key', 'none'), ['k1', 'k2', 'k3']);
  t.same(sorted('key', 'ascend'), ['k1', 'k2', 'k3']);
  t.same(sorted('key', 'descend'), ['k3', 'k2', 'k1']);
  t.same(sorted('version', 'ascend'), ['k3', 'k2', 'k1']);
  t.same(sorted('version', 'descend'), ['k1', 'k2', 'k3']);
  t.same(sorted('create', 'descend'), ['k3', 'k2', 'k1']);
  t.same(sorted('mod', 'ascend'), ['k3', 'k2', 'k1']);
  t.same(sorted('value', 'ascend'), ['k2', 'k3', 'k1']);
  t.same(sorted('value', 'none'), ['k2', 'k3', 'k1'], 'order none with a target other than key sorts ascending');
});

t.test('a sorted range with a limit sorts everything, then cuts', async (t) => {
  const s = new MvccStore();
  for (const k of ['a', 'b', 'c', 'd']) s.put(k, 'v');
  const r = s.range('a', { fromKey: true, limit: 2, sort: { target: 'key', order: 'descend' } });
  t.same(keysOf(r.kvs), ['d', 'c']);
  t.equal(r.more, true);
  t.equal(r.count, 4);
});

t.test('binary keys and values round-trip', async (t) => {
  const s = new MvccStore();
  const key = new Uint8Array([0x00, 0xff, 0x80]);
  const value = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
  s.put(key, value);
  const kv = s.range(key).kvs[0];
  t.same([...(kv?.key ?? [])], [...key]);
  t.same([...(kv?.value ?? [])], [...value]);
  t.same(keysOf(s.range('\u00e9', { prefix: true }).kvs), [], 'UTF-8 strings are their bytes');
  s.put('\u00e9t\u00e9', 'summer');
  t.same(keysOf(s.range('\u00e9', { prefix: true }).kvs), ['\u00e9t\u00e9']);
  t.same(keysOf(s.range(new Uint8Array([0xff]), { prefix: true }).kvs), [], '0xff prefix range');
});

t.test('an empty key is an error', async (t) => {
  const s = new MvccStore();
  t.throws(() => s.range(''), { code: 'emptyKey' });
  t.throws(() => s.apply({ type: 'range', key: new Uint8Array() }), { code: 'emptyKey' });
});
