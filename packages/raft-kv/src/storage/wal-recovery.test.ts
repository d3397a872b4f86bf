// Recovery from damaged segments: a torn tail is cut off and appending resumes; damage before
// the tail refuses to start with an error naming the file and byte offset.
import t, { type Test as Tap } from 'tap';
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './errors.js';
import { entries, entry, prng, tempDir } from './fixtures.test.util.js';
import { openWal } from './open-wal.js';

/** A log over two segments; returns the byte ranges of the last two records of the last segment. */
async function buildLog(t: Tap, dir: string) {
  const small = await openWal(dir, { segmentBytes: 1024 });
  for (let i = 1; i <= 12; i += 3) await small.wal.save({ entries: entries(i, i + 2), hardState: hs(i) });
  t.ok(small.wal.segmentCount >= 2, 'the log spans segments');
  await small.wal.close();
  const { wal } = await openWal(dir); // default segment size: no roll-over below
  const path = lastSegment(dir);
  const earlierStart = statSync(path).size;
  await wal.save({ entries: entries(13, 14), hardState: hs(12) });
  const lastStart = statSync(path).size;
  await wal.save({ entries: entries(15, 15) });
  const lastEnd = statSync(path).size;
  await wal.close();
  return { path, earlier: { start: earlierStart, end: lastStart }, last: { start: lastStart, end: lastEnd } };
}

t.test('a log cut at each byte offset inside its last record recovers everything before it', async (t) => {
  const dir = tempDir(t);
  const { path, last } = await buildLog(t, dir);
  const original = readFileSync(path);
  const bodyEnd = last.start + 8 + original.readUInt32LE(last.start);
  for (let cut = last.start; cut < last.end; cut++) {
    writeFileSync(path, original.subarray(0, cut));
    const { wal, log } = await openWal(dir);
    const complete = cut >= bodyEnd; // only padding is missing
    const expected = complete ? entries(1, 15) : entries(1, 14);
    if (!sameEntries(log.entries, expected)) {
      t.fail(`cut at ${cut}: recovered up to ${log.lastIndex}`);
      await wal.close();
      break;
    }
    t.equal(log.repairedTail?.offset, complete || cut === last.start ? undefined : last.start, `cut at ${cut}`);
    t.same(log.hardState, hs(12));
    const next = complete ? entry(16) : entry(15, 1, 7);
    await wal.save({ entries: [next] });
    await wal.close();
    const again = await reopen(dir);
    t.same(again.entries.at(-1), next, `cut at ${cut}: appending resumed`);
    t.equal(again.repairedTail, undefined);
  }
});

t.test('a flipped byte anywhere in an earlier record refuses to open, naming the file and offset', async (t) => {
  const dir = tempDir(t);
  const { path, earlier } = await buildLog(t, dir);
  const original = readFileSync(path);
  const starts = frameStarts(original, earlier.start, earlier.end);
  t.equal(starts.length, 2, 'the batch wrote an entries record and a hard state record');
  for (let at = earlier.start; at < earlier.end; at++) {
    const damaged = Buffer.from(original);
    damaged[at] = (damaged[at] ?? 0) ^ 0x5a;
    writeFileSync(path, damaged);
    const record = starts.filter((start) => start <= at).at(-1);
    const err = await openWal(dir).catch((e: unknown) => e);
    if (!(err instanceof StorageError) || err.code !== 'corrupt' || err.offset !== record) {
      t.fail(`byte ${at}: expected corrupt at ${record}, got ${String(err)}`);
      break;
    }
    t.equal(err.file, path);
    t.ok(err.message.includes(`${path} at byte ${record}`), err.message);
  }
  writeFileSync(path, original);
  t.same((await reopen(dir)).entries, entries(1, 15), 'the undamaged log still opens');
});

t.test('damage in a segment that is not the last is never a torn tail', async (t) => {
  const dir = tempDir(t);
  await buildLog(t, dir);
  const first = join(dir, segments(dir)[0] ?? '');
  const size = statSync(first).size;
  const bytes = readFileSync(first);
  bytes[size - 3] = (bytes[size - 3] ?? 0) ^ 1; // the last record of the first segment
  writeFileSync(first, bytes);
  await t.rejects(openWal(dir), { code: 'corrupt', file: first, message: /not the last segment/ });
});

t.test('records lost from the end of an earlier segment are detected by the next header', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir);
  await wal.save({ entries: entries(1, 5) });
  const cleanEnd = statSync(lastSegment(dir)).size;
  await wal.save({ entries: entries(6, 8) });
  await wal.close();
  const { wal: rolled } = await openWal(dir, { segmentBytes: 1 });
  await rolled.save({ entries: entries(9, 9) }); // rolls into a second segment
  await rolled.close();
  truncateSync(join(dir, segments(dir)[0] ?? ''), cleanEnd); // a clean cut: entries 6..8 vanish
  await t.rejects(openWal(dir), { code: 'corrupt', file: join(dir, segments(dir)[1] ?? ''), offset: 0 });
});

t.test('a missing segment in the middle is reported', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir, { segmentBytes: 1 });
  for (let i = 1; i <= 3; i++) await wal.save({ entries: [entry(i)] });
  await wal.close();
  const names = segments(dir);
  t.equal(names.length, 4, 'the header-only first segment and one per save');
  unlinkSync(join(dir, names[2] ?? ''));
  await t.rejects(openWal(dir), { code: 'missing', message: new RegExp(names[2] ?? '') });
});

t.test('with repairTornTail false a torn tail is an error', async (t) => {
  const dir = tempDir(t);
  const { path, last } = await buildLog(t, dir);
  truncateSync(path, last.start + 5);
  await t.rejects(openWal(dir, { repairTornTail: false }), { code: 'torn', file: path, offset: last.start });
  t.equal(statSync(path).size, last.start + 5, 'the file was left alone');
  t.same((await reopen(dir)).entries, entries(1, 14));
});

t.test('a zero-filled or garbage tail is cut off', async (t) => {
  const dir = tempDir(t);
  const { path, last } = await buildLog(t, dir);
  appendFileSync(path, Buffer.alloc(4096));
  t.same((await reopen(dir)).entries, entries(1, 15), 'zeros after the last record');
  t.equal(statSync(path).size, last.end, 'the file was cut back');

  const random = prng(7);
  const garbage = Buffer.from(Array.from({ length: 999 }, () => Math.floor(random() * 256)));
  appendFileSync(path, garbage);
  const log = await reopen(dir);
  t.same(log.entries, entries(1, 15), 'garbage after the last record');
  t.equal(log.repairedTail?.offset, last.end);
});

t.test('a bad record followed by an intact one is damage, even at the end of the last segment', async (t) => {
  const dir = tempDir(t);
  const { path, earlier, last } = await buildLog(t, dir);
  const original = readFileSync(path);
  // Cut the last record in half, then append a copy of an intact record after it.
  writeFileSync(
    path,
    Buffer.concat([original.subarray(0, last.start + 16), original.subarray(earlier.start, last.start)]),
  );
  await t.rejects(openWal(dir), { code: 'corrupt', offset: last.start, message: /a valid record follows/ });
});

async function reopen(dir: string) {
  const { wal, log } = await openWal(dir);
  await wal.close();
  return log;
}

/** The offsets of the frames between `from` and `to` (frames are 8-byte aligned). */
function frameStarts(buf: Buffer, from: number, to: number): number[] {
  const starts: number[] = [];
  for (let at = from; at < to; at += Math.ceil((8 + buf.readUInt32LE(at)) / 8) * 8) starts.push(at);
  return starts;
}

function segments(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.wal'))
    .sort();
}

function lastSegment(dir: string): string {
  return join(dir, segments(dir).at(-1) ?? '');
}

function sameEntries(a: readonly { index: number; term: number; data: Uint8Array }[], b: typeof a): boolean {
  return (
    a.length === b.length &&
    a.every((e, i) => e.index === b[i]?.index && e.term === b[i]?.term && Buffer.from(e.data).equals(b[i]?.data ?? []))
  );
}

function hs(commit: number) {
  return { term: 1, vote: 'n1', commit };
}
