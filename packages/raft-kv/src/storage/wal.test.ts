import t from 'tap';
import { readdirSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from './errors.js';
import { entries, entry, tempDir } from './fixtures.test.util.js';
import { openWal } from './open-wal.js';

t.test('entries and hard state round-trip through close and reopen', async (t) => {
  const dir = tempDir(t);
  const first = await openWal(dir);
  t.same(first.log.entries, [], 'a new log is empty');
  t.same(first.log.hardState, { term: 0, vote: '', commit: 0 });
  await first.wal.save({ entries: entries(1, 3), hardState: { term: 1, vote: 'a', commit: 1 } });
  await first.wal.save({ entries: entries(4, 10), hardState: { term: 1, vote: 'a', commit: 8 } });
  await first.wal.save({ entries: [{ index: 11, term: 1, type: 'confChange', data: new Uint8Array([9]) }] });
  await first.wal.close();

  const { wal, log } = await openWal(dir);
  t.same(log.entries, [...entries(1, 10), { index: 11, term: 1, type: 'confChange', data: new Uint8Array([9]) }]);
  t.same(log.hardState, { term: 1, vote: 'a', commit: 8 });
  t.equal(log.lastIndex, 11);
  t.equal(log.repairedTail, undefined);
  await wal.save({ entries: entries(12, 12) });
  await wal.close();
  t.same(
    (await reopen(dir)).entries.map((e) => e.index),
    range(1, 12),
    'appending resumes after reopen',
  );
});

t.test('entries starting at i replace everything from i on', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir, { segmentBytes: 512 });
  await wal.save({ entries: entries(1, 10, 1) });
  await wal.save({ entries: entries(6, 8, 2) }); // a new leader overwrites 6..10
  await wal.save({ entries: entries(9, 12, 2) });
  await wal.save({ entries: entries(3, 4, 3) }); // and again, across segments
  await wal.close();
  const log = await reopen(dir);
  t.same(log.entries, [...entries(1, 2, 1), ...entries(3, 4, 3)]);
  t.equal(log.lastIndex, 4);
});

t.test('a hard state alone is persisted', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir);
  await wal.save({ hardState: { term: 7, vote: 'node-b', commit: 0 } });
  await wal.save({ hardState: { term: 8, vote: '', commit: 0 } });
  await wal.close();
  const log = await reopen(dir);
  t.same(log.hardState, { term: 8, vote: '', commit: 0 });
  t.same(log.entries, []);
});

t.test('an installed snapshot restarts the log after its index', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir);
  await wal.save({ entries: entries(1, 10) });
  const hardState = { term: 3, vote: '', commit: 20 };
  await wal.save({ snapshot: { index: 20, term: 3 }, entries: entries(21, 22, 3), hardState });
  await wal.close();
  const log = await reopen(dir);
  t.same(log.entries, entries(21, 22, 3));
  t.same(log.snapshots, [{ index: 20, term: 3 }]);
  t.same(log.hardState, hardState);
});

t.test('segments roll over at the configured size, and releaseTo drops covered ones', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir, { segmentBytes: 2048 });
  for (let i = 1; i <= 200; i += 5) await wal.save({ entries: entries(i, i + 4), hardState: hs(i + 4) });
  t.ok(wal.segmentCount > 5, `rolled over into ${wal.segmentCount} segments`);
  t.equal(await wal.releaseTo(150), 0, 'nothing is released before a snapshot marker');

  await wal.markSnapshot({ index: 120, term: 1 });
  const before = wal.segmentCount;
  const removed = await wal.releaseTo(1000); // capped at the marker
  t.ok(removed > 0 && removed < before, `released ${removed} of ${before} segments`);
  t.equal(wal.stats.segmentsReleased, removed);
  await wal.close();

  const log = await reopen(dir);
  const first = log.entries[0]?.index ?? Infinity;
  t.ok(first <= 121, `the log still holds everything after the marker (starts at ${first})`);
  t.same(log.entries, entries(first, 200), 'what remains is intact');
  t.same(log.snapshots.at(-1), { index: 120, term: 1 });
  t.same(log.hardState, hs(200));
  t.equal(readdirSync(dir).length, before - removed);
});

t.test('releaseTo keeps the segment holding the newest snapshot marker and the last segment', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir, { segmentBytes: 256 });
  await wal.save({ entries: entries(1, 20) }); // segment 0 is now over 256 bytes
  await wal.save({ entries: [tiny(21), tiny(22)] }); // segment 1
  await wal.markSnapshot({ index: 22, term: 1 }); // still segment 1
  for (let i = 0; i < 4; i++) await wal.save({ hardState: hs(22) }); // fills segment 1
  await wal.save({ entries: [tiny(23)] }); // segment 2
  t.equal(wal.segmentCount, 3);
  t.equal(await wal.releaseTo(23), 1, 'segment 1 holds only entries below 23, but also the marker');
  t.equal(wal.segmentCount, 2);
  await wal.close();
  const log = await reopen(dir);
  t.same(log.entries, [tiny(21), tiny(22), tiny(23)]);
  t.same(log.snapshots, [{ index: 22, term: 1 }]);
});

t.test('group commit: concurrent saves share fsyncs', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir);
  const saves: Promise<void>[] = [];
  for (let i = 1; i <= 1000; i++) saves.push(wal.save({ entries: [entry(i)], hardState: hs(i) }));
  await Promise.all(saves);
  t.equal(wal.stats.saves, 1000);
  t.ok(wal.stats.syncs <= 10, `1000 saves took ${wal.stats.syncs} fsyncs`);
  await wal.close();
  const log = await reopen(dir);
  t.same(log.entries, entries(1, 1000));
  t.same(log.hardState, hs(1000));
});

t.test('a save that arrives during a flush goes into the next single fsync, and resolves after it', async (t) => {
  const dir = tempDir(t);
  const gates: (() => void)[] = [];
  const sync = async (file: FileHandle) => {
    await new Promise<void>((resolve) => gates.push(resolve));
    await file.datasync();
  };
  await (await openWal(dir)).wal.close(); // the first segment exists: only batch fsyncs are gated
  const { wal } = await openWal(dir, { sync });
  const order: string[] = [];
  const a = wal.save({ entries: [entry(1)] }).then(() => order.push('a'));
  await until(() => gates.length === 1); // a's fsync is in progress
  const rest = [2, 3, 4].map((i) => wal.save({ entries: [entry(i)] }).then(() => order.push(`s${i}`)));
  await new Promise((resolve) => setImmediate(resolve));
  t.same(order, [], 'nothing resolves before its fsync');
  gates.shift()?.();
  await a;
  t.same(order, ['a']);
  await until(() => gates.length === 1);
  gates.shift()?.();
  await Promise.all(rest);
  t.same(order, ['a', 's2', 's3', 's4']);
  t.equal(wal.stats.syncs, 2, 'one fsync for the first save, one for the three that waited');
  await wal.close();
});

t.test('an empty save resolves once what was queued before it is durable', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir);
  await wal.save({});
  t.equal(wal.stats.syncs, 0, 'nothing to sync');
  const a = wal.save({ entries: [entry(1)] });
  await wal.save({});
  t.equal(wal.stats.syncs, 1);
  await a;
  await wal.close();
});

t.test('malformed batches are programmer errors, not storage errors', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir);
  await wal.save({ entries: entries(1, 3) });
  await t.rejects(wal.save({ entries: entries(5, 6) }), /entries start at 5 but the log ends at 3/);
  await t.rejects(wal.save({ entries: [entry(4), entry(6)] }), /contiguous/);
  await t.rejects(wal.save({ entries: [entry(0)] }), RangeError);
  await t.rejects(wal.save({ hardState: { term: -1, vote: '', commit: 0 } }), RangeError);
  await t.rejects(wal.markSnapshot({ index: 9, term: 1 }), /not within the log \(1\.\.3\)/);
  await wal.save({ entries: entries(4, 4) });
  await wal.close();
  t.same((await reopen(dir)).entries, entries(1, 4));
});

t.test('after close, calls reject with code closed', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir);
  const pending = wal.save({ entries: [entry(1)] });
  await wal.close();
  await pending;
  await t.rejects(wal.save({ entries: [entry(2)] }), { name: 'StorageError', code: 'closed' });
  await t.rejects(wal.releaseTo(1), { code: 'closed' });
  await wal.close();
});

t.test('a failed fsync stops the log; reopening recovers what was durable', async (t) => {
  const dir = tempDir(t);
  let calls = 0;
  const sync = async (file: FileHandle) => {
    calls += 1;
    if (calls === 3) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    await file.datasync();
  };
  const { wal } = await openWal(dir, { sync });
  await wal.save({ entries: [entry(1)] }); // calls 1 and 2: the first segment's header, then this batch
  const err = await wal.save({ entries: [entry(2)] }).catch((e: unknown) => e);
  t.ok(err instanceof StorageError && err.code === 'io', 'the save rejects with io');
  t.match(String(err), /EIO/);
  await t.rejects(wal.save({ entries: [entry(2)] }), { code: 'io' }, 'the log stays stopped');
  await wal.close();
  const log = await reopen(dir);
  t.same(log.entries.slice(0, 1), [entry(1)]);
});

async function reopen(dir: string) {
  const { wal, log } = await openWal(dir);
  await wal.close();
  return log;
}

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

function tiny(index: number) {
  return { index, term: 1, type: 'normal' as const, data: new Uint8Array([index]) };
}

function hs(commit: number) {
  return { term: 1, vote: 'a', commit };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
