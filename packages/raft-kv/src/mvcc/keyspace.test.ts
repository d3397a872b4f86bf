import t from 'tap';
import { Keyspace, VERSION_OVERHEAD_BYTES, versionAt } from './keyspace.js';
import type { KeyVersion } from './keyspace.js';

function keys(ks: Keyspace, start: string, end: string): string[] {
  const out: string[] = [];
  ks.scan(start, end, (k) => out.push(k));
  return out;
}

t.test('put creates, then increments the version; remove writes a tombstone', async (t) => {
  const ks = new Keyspace();
  const a1 = ks.put('a', 'x', 0, 2);
  const a2 = ks.put('a', 'y', 7, 3);
  t.match(a1, { createRevision: 2, modRevision: 2, version: 1, value: 'x' });
  t.match(a2, { createRevision: 2, modRevision: 3, version: 2, value: 'y', lease: 7 });
  t.equal(a2.prev, a1);
  t.equal(ks.remove('a', 4), a2, 'remove returns the version it ended');
  t.equal(ks.remove('a', 5), undefined, 'removing a deleted key does nothing');
  t.equal(ks.remove('zz', 5), undefined, 'nor does removing a missing one');
  t.equal(ks.head('a')?.version, 0, 'the head is a tombstone');
  const a3 = ks.put('a', 'z', 0, 5);
  t.match(a3, { createRevision: 5, version: 1 }, 'a put after a delete starts a new generation');
  t.equal(ks.logLength, 4);
});

t.test('reads at past revisions walk the chain', async (t) => {
  const ks = new Keyspace();
  ks.put('a', 'x', 0, 2);
  ks.put('a', 'y', 0, 4);
  ks.remove('a', 6);
  t.equal(ks.get('a', 1), undefined);
  t.equal(ks.get('a', 2)?.value, 'x');
  t.equal(ks.get('a', 3)?.value, 'x');
  t.equal(ks.get('a', 5)?.value, 'y');
  t.equal(ks.get('a', 6), undefined);
  t.equal(versionAt(undefined, 9), undefined);
});

t.test('scan follows etcd range ends', async (t) => {
  const ks = new Keyspace();
  for (const [i, k] of ['a', 'ab', 'b', 'c'].entries()) ks.put(k, 'v', 0, i + 2);
  t.same(keys(ks, 'a', ''), ['a'], "'' is the single key");
  t.same(keys(ks, 'x', ''), [], 'a missing single key');
  t.same(keys(ks, 'a', 'b'), ['a', 'ab'], 'the end is exclusive');
  t.same(keys(ks, 'ab', '\x00'), ['ab', 'b', 'c'], '\\0 is unbounded');
  t.same(keys(ks, 'd', '\x00'), []);
  t.same(keys(ks, 'b', 'a'), [], 'an end before the start is empty');
  t.same(keys(new Keyspace(), 'a', '\x00'), [], 'an empty keyspace');
});

t.test('keys are stored as fresh strings and shared by the map, the tree and the log', async (t) => {
  const ks = new Keyspace();
  const big = 'x'.repeat(1000) + 'key';
  const slice = big.slice(1000);
  ks.put(slice, 'v', 0, 2);
  ks.put('key', 'w', 0, 3);
  t.equal(ks.logKey(0), ks.logKey(1), 'one string for both changes');
  t.equal(keys(ks, 'key', '\x00')[0], ks.logKey(0));
});

t.test('compaction keeps the newest version at or below the revision, unless it is a tombstone', async (t) => {
  const ks = new Keyspace();
  ks.put('a', '1', 0, 2);
  ks.put('a', '2', 0, 3);
  ks.put('b', '1', 0, 4);
  ks.remove('b', 5);
  ks.put('c', '1', 0, 6);
  ks.remove('c', 7);
  ks.put('c', '2', 0, 8);
  ks.revision = 8;
  ks.compact(7);
  t.equal(ks.compactRevision, 7);
  t.equal(ks.head('a')?.value, '2');
  t.equal(ks.head('a')?.prev, undefined, 'older versions of a are gone');
  t.equal(ks.head('b'), undefined, 'b, deleted below the compact revision, is gone');
  t.same(keys(ks, 'a', '\x00'), ['a', 'c']);
  t.equal(ks.head('c')?.prev, undefined, "c's tombstone at the compact revision is gone from the chain");
  t.equal(ks.logLength, 2, 'the log keeps the changes at and after the compact revision');
  t.equal(ks.logVersion(0).modRevision, 7, "c's delete stays in the log for watch replay");
  t.equal(ks.logIndex(8), 1);
  t.equal(ks.size, 2);
});

t.test('usedBytes counts every kept version and drops with compaction', async (t) => {
  const ks = new Keyspace();
  ks.put('k', 'abc', 0, 2);
  t.equal(ks.usedBytes, 1 + 3 + VERSION_OVERHEAD_BYTES);
  ks.put('k', 'de', 0, 3);
  ks.remove('k', 4);
  t.equal(ks.usedBytes, 3 * (1 + VERSION_OVERHEAD_BYTES) + 5);
  ks.revision = 4;
  ks.compact(4);
  t.equal(ks.usedBytes, 0, 'a key deleted at the compact revision leaves nothing');
});

t.test('load rebuilds chains and log; retrim repeats the compaction', async (t) => {
  const ks = new Keyspace();
  ks.compactRevision = 5;
  const v = (value: string, mod: number, version: number): KeyVersion =>
    ({
      value,
      createRevision: version === 0 ? 0 : 2,
      modRevision: mod,
      version,
      lease: 0,
      prev: undefined,
    }) as KeyVersion;
  ks.load('a', v('old', 3, 1));
  ks.load('a', v('new', 6, 2));
  ks.load('b', v('', 5, 0));
  ks.retrim();
  t.equal(ks.head('a')?.value, 'new');
  t.equal(ks.head('a')?.prev?.value, 'old');
  t.equal(ks.head('b'), undefined, 'a tombstone at the compact revision is trimmed');
  t.equal(ks.logLength, 2);
  const seen: string[] = [];
  ks.forEach((k, h) => seen.push(`${k}=${h.value}`));
  t.same(seen, ['a=new']);
});
