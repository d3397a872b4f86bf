import t from 'tap';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshot } from '../raft/types.js';
import { entries, tempDir } from './fixtures.test.util.js';
import { openStorage, saveSnapshot, type RecoveredStorage, type StorageOptions } from './storage.js';

const small: StorageOptions = { wal: { segmentBytes: 1024 } };

function snapshot(index: number, term = 1): Snapshot {
  return {
    meta: { index, term, confState: { voters: ['a'], learners: [] } },
    data: new TextEncoder().encode(`state@${index}`),
  };
}

/** Opens `dir`, writes entries 1..n with commit n, and takes snapshots at `at` through saveSnapshot. */
async function fill(dir: string, n: number, at: number[], options: StorageOptions = small): Promise<void> {
  const storage = await openStorage(dir, options);
  for (let i = 1; i <= n; i += 5) {
    await storage.wal.save({ entries: entries(i, i + 4), hardState: { term: 1, vote: 'a', commit: i + 4 } });
    for (const index of at) if (index > i - 1 && index <= i + 4) await saveSnapshot(storage, snapshot(index));
  }
  await storage.wal.close();
}

async function reopen(dir: string, options: StorageOptions = small): Promise<RecoveredStorage> {
  const storage = await openStorage(dir, options);
  await storage.wal.close();
  return storage;
}

t.test('a new directory recovers to the empty state', async (t) => {
  const storage = await reopen(tempDir(t));
  t.same(storage.hardState, { term: 0, vote: '', commit: 0 });
  t.equal(storage.snapshot, undefined);
  t.same(storage.entries, []);
  t.same(storage.warnings, []);
});

t.test('recovery hands back the newest snapshot and the entries after it', async (t) => {
  const dir = tempDir(t);
  await fill(dir, 100, [40, 80]);
  const storage = await reopen(dir);
  t.same(storage.snapshot, snapshot(80));
  t.same(storage.entries, entries(81, 100));
  t.same(storage.hardState, { term: 1, vote: 'a', commit: 100 });
  t.same(storage.warnings, []);
  t.ok(readdirSync(join(dir, 'wal')).length < 100 / 5, 'saveSnapshot released WAL segments');
});

t.test('a damaged newest snapshot is reported, and an older one used while the WAL covers it', async (t) => {
  const dir = tempDir(t);
  await fill(dir, 100, [40, 80]);
  const newest = join(dir, 'snap', readdirSync(join(dir, 'snap')).sort().at(-1) ?? '');
  const bytes = readFileSync(newest);
  bytes[30] = (bytes[30] ?? 0) ^ 1;
  writeFileSync(newest, bytes);
  const storage = await reopen(dir);
  t.same(storage.snapshot, snapshot(40));
  t.same(storage.entries, entries(41, 100));
  t.equal(storage.warnings.length, 1);
  t.match(storage.warnings[0], { code: 'corrupt', file: newest });
});

t.test('a damaged snapshot with no older one the WAL covers is an error', async (t) => {
  const dir = tempDir(t);
  const options = { ...small, snapshots: { retain: 1 } };
  await fill(dir, 100, [40, 80], options);
  const newest = join(dir, 'snap', readdirSync(join(dir, 'snap'))[0] ?? '');
  appendFileSync(newest, 'x');
  await t.rejects(openStorage(dir, options), { code: 'corrupt', message: /no usable snapshot.*header says/ });
});

t.test('a snapshot the WAL does not vouch for is ignored; one matching a log entry is used', async (t) => {
  const dir = tempDir(t);
  await fill(dir, 10, []);
  const storage = await openStorage(dir, small);
  await storage.snapshots.save(snapshot(12)); // beyond the commit index: a crash before the WAL caught up
  await storage.snapshots.save(snapshot(8, 2)); // a term the log does not have at 8
  await storage.wal.close();
  let again = await reopen(dir);
  t.equal(again.snapshot, undefined);
  t.same(again.entries, entries(1, 10));

  await (await openStorage(dir, small)).snapshots.save(snapshot(6)); // saved, then a crash before its marker
  again = await reopen(dir);
  t.same(again.snapshot, snapshot(6), 'its index and term match an entry of the log');
  t.same(again.entries, entries(7, 10));
});

t.test('an installed snapshot restarts the log', async (t) => {
  const dir = tempDir(t);
  await fill(dir, 10, []);
  const storage = await openStorage(dir, small);
  const installed = snapshot(500, 4);
  await storage.snapshots.save(installed);
  const hardState = { term: 4, vote: '', commit: 500 };
  await storage.wal.save({ snapshot: { index: 500, term: 4 }, hardState, entries: entries(501, 502, 4) });
  await storage.wal.close();
  const again = await reopen(dir);
  t.same(again.snapshot, installed);
  t.same(again.entries, entries(501, 502, 4));
  t.same(again.hardState, hardState);
});

t.test('a marker whose file is gone falls back to replaying the whole log, with a warning', async (t) => {
  const dir = tempDir(t);
  const storage = await openStorage(dir, small);
  await storage.wal.save({ entries: entries(1, 10), hardState: { term: 1, vote: '', commit: 10 } });
  await storage.snapshots.save(snapshot(5));
  await storage.wal.markSnapshot({ index: 5, term: 1 });
  await storage.wal.close();
  rmSync(join(dir, 'snap'), { recursive: true });
  const again = await reopen(dir);
  t.equal(again.snapshot, undefined);
  t.same(again.entries, entries(1, 10));
  t.match(again.warnings, [{ code: 'missing', message: /index 5, term 1/ }]);
});

t.test('a torn tail is cut off and reported as a warning', async (t) => {
  const dir = tempDir(t);
  await fill(dir, 10, []);
  const wal = join(dir, 'wal');
  appendFileSync(join(wal, readdirSync(wal).sort().at(-1) ?? ''), Buffer.from([1, 2, 3]));
  const again = await reopen(dir);
  t.same(again.entries, entries(1, 10));
  t.match(again.warnings, [{ code: 'torn' }]);
});
