import t from 'tap';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../raft/types.js';
import { StorageError } from './errors.js';
import { payload, tempDir } from './fixtures.test.util.js';
import { SnapshotStore } from './snapshot-store.js';

function snapshot(index: number, term = 1, size = 1000): Snapshot {
  const data = new Uint8Array(size);
  data.set(payload(index).subarray(0, size));
  return { meta: { index, term, confState: { voters: ['a', 'b', 'c'], learners: ['d'] } }, data };
}

t.test('save and load round-trip; list is newest first', async (t) => {
  const dir = tempDir(t);
  const store = await SnapshotStore.open(dir);
  const saved = await store.save(snapshot(100, 2));
  t.match(saved, { index: 100, term: 2 });
  await store.save(snapshot(250, 3, 0));
  t.same(
    (await store.list()).map((f) => [f.index, f.term]),
    [
      [250, 3],
      [100, 2],
    ],
  );
  t.same(await store.load(saved), snapshot(100, 2));
  const { snapshot: newest, corrupt } = await store.loadNewest();
  t.same(newest, snapshot(250, 3, 0), 'an empty state machine is a valid snapshot');
  t.same(corrupt, []);
});

t.test('saving keeps the newest few and removes older ones', async (t) => {
  const dir = tempDir(t);
  const store = await SnapshotStore.open(dir, { retain: 2 });
  for (const index of [10, 20, 30, 40]) await store.save(snapshot(index));
  t.same(
    (await store.list()).map((f) => f.index),
    [40, 30],
  );
  t.equal(await store.prune(1), 1);
  t.same(readdirSync(dir).length, 1);
  await t.rejects(SnapshotStore.open(dir, { retain: 0 }), RangeError);
});

t.test('a damaged snapshot is reported with its file, and loadNewest falls back to an older one', async (t) => {
  const dir = tempDir(t);
  const store = await SnapshotStore.open(dir);
  await store.save(snapshot(10));
  const newest = await store.save(snapshot(20));
  const bytes = readFileSync(newest.path);
  bytes[500] = (bytes[500] ?? 0) ^ 0xff;
  writeFileSync(newest.path, bytes);
  await t.rejects(store.load(newest), { code: 'corrupt', file: newest.path, message: /checksum mismatch/ });
  const { snapshot: loaded, corrupt } = await store.loadNewest();
  t.equal(loaded?.meta.index, 10);
  t.equal(corrupt.length, 1);
  t.equal(corrupt[0]?.file, newest.path);
  t.match(corrupt[0]?.message, newest.path);

  truncateSync(newest.path, 100);
  await t.rejects(store.load(newest), { code: 'corrupt', message: /header says/ });
  writeFileSync(newest.path, 'not a snapshot at all, but long enough to have a header');
  await t.rejects(store.load(newest), { code: 'corrupt', message: /bad magic/ });
  t.same((await store.loadNewest((f) => f.index < 10)).snapshot, undefined, 'accept filters files');
});

t.test('a file whose name disagrees with its metadata is damage; a vanished file is missing', async (t) => {
  const dir = tempDir(t);
  const store = await SnapshotStore.open(dir);
  const file = await store.save(snapshot(5, 1));
  const renamed = join(dir, `${(6).toString(16).padStart(16, '0')}-${(1).toString(16).padStart(16, '0')}.snap`);
  writeFileSync(renamed, readFileSync(file.path));
  const err = await store.load({ index: 6, term: 1, path: renamed }).catch((e: unknown) => e);
  t.ok(err instanceof StorageError && err.code === 'corrupt', String(err));
  await t.rejects(store.load({ index: 7, term: 1, path: join(dir, 'gone.snap') }), { code: 'missing' });
});

t.test('temp files of an interrupted save are removed at open', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'half-written.snap.tmp'), 'x');
  const store = await SnapshotStore.open(dir);
  t.same(readdirSync(dir), []);
  t.same(await store.list(), []);
  t.same((await store.loadNewest()).snapshot, undefined);
});

t.test('a large snapshot is synced every 4 MiB as it is written, and reads back whole', async (t) => {
  const dir = tempDir(t);
  let syncs = 0;
  const store = await SnapshotStore.open(dir, {
    sync: async (file) => {
      syncs += 1;
      await file.datasync();
    },
  });
  const big = snapshot(7, 1, 10 * 1024 * 1024 + 5);
  const saved = await store.save(big);
  t.equal(syncs, 3, 'after 4 MiB, after 8 MiB, and at the end');
  t.same(await store.load(saved), big);
});
