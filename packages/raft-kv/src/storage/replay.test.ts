// Replay checked against a naive oracle: random sequences of saves (appends that overwrite a
// suffix, installed and local snapshots, hard states), through real segment files with
// roll-over and reopening, must rebuild exactly the log the oracle holds.
import t from 'tap';
import type { Entry, HardState } from '../raft/types.js';
import { entries, prng, tempDir } from './fixtures.test.util.js';
import { openWal } from './open-wal.js';
import { EMPTY_HARD_STATE, LogReplay } from './replay.js';

/** The oracle: a map from index to entry, the obvious way. */
class NaiveLog {
  readonly byIndex = new Map<number, Entry>();
  lastIndex = 0;
  hardState: HardState = EMPTY_HARD_STATE;

  append(batch: readonly Entry[]): void {
    const first = batch[0]?.index ?? this.lastIndex + 1;
    for (const index of [...this.byIndex.keys()]) if (index >= first) this.byIndex.delete(index);
    for (const e of batch) this.byIndex.set(e.index, e);
    this.lastIndex = batch.at(-1)?.index ?? this.lastIndex;
  }

  install(index: number): void {
    this.byIndex.clear();
    this.lastIndex = index;
  }

  list(): Entry[] {
    return [...this.byIndex.values()].sort((a, b) => a.index - b.index);
  }
}

t.test('replay through segment files matches a naive log for random save sequences', async (t) => {
  for (let seed = 1; seed <= 25; seed++) {
    const random = prng(seed);
    const pick = (n: number) => Math.floor(random() * n);
    const dir = tempDir(t);
    const segmentBytes = 256 + pick(4096);
    const oracle = new NaiveLog();
    let { wal } = await openWal(dir, { segmentBytes });
    let term = 1;
    for (let step = 0; step < 60; step++) {
      const roll = random();
      if (roll < 0.6) {
        const lowest = Math.max(1, oracle.list()[0]?.index ?? oracle.lastIndex + 1);
        const from = oracle.lastIndex + 1 - Math.min(pick(4), oracle.lastIndex + 1 - lowest);
        if (from < oracle.lastIndex + 1) term += 1; // a new leader overwrites
        const batch = entries(from, from + pick(6), term, seed);
        const hardState = { term, vote: `n${pick(3)}`, commit: Math.max(oracle.hardState.commit, from - 1) };
        await wal.save({ entries: batch, hardState });
        oracle.append(batch);
        oracle.hardState = hardState;
      } else if (roll < 0.7) {
        const index = oracle.lastIndex + 1 + pick(10);
        const hardState = { term, vote: '', commit: index };
        await wal.save({ snapshot: { index, term }, hardState });
        oracle.install(index);
        oracle.hardState = hardState;
      } else if (roll < 0.8 && oracle.lastIndex > 0) {
        await wal.markSnapshot({ index: oracle.lastIndex, term });
      } else if (roll < 0.9) {
        const hardState = { term: term + 1, vote: 'n1', commit: oracle.hardState.commit };
        await wal.save({ hardState });
        oracle.hardState = hardState;
      } else {
        await wal.close();
        ({ wal } = await openWal(dir, { segmentBytes }));
      }
    }
    await wal.close();
    const { wal: again, log } = await openWal(dir, { segmentBytes });
    await again.close();
    t.same(log.entries, oracle.list(), `seed ${seed}: entries`);
    t.equal(log.lastIndex, oracle.lastIndex, `seed ${seed}: last index`);
    t.same(log.hardState, oracle.hardState, `seed ${seed}: hard state`);
  }
});

t.test('a gap between entries records is corruption, named by file and offset', async (t) => {
  const replay = new LogReplay();
  const where = { file: '/data/wal/0000000000000003.wal', offset: 4096 };
  replay.apply({ kind: 'entries', entries: entries(1, 3) }, { ...where, offset: 64 });
  t.throws(() => replay.apply({ kind: 'entries', entries: entries(5, 6) }, where), {
    name: 'StorageError',
    code: 'corrupt',
    message: '/data/wal/0000000000000003.wal at byte 4096: entries start at 5 but the log ends at 3',
  });
  t.throws(() => replay.apply({ kind: 'entries', entries: [...entries(4, 4), ...entries(6, 6)] }, where), {
    code: 'corrupt',
    message: /not contiguous/,
  });
});

t.test('a segment header that disagrees with the log before it is corruption', async (t) => {
  const replay = new LogReplay();
  const header = { kind: 'header', seq: 0, lastIndex: 0, hardState: EMPTY_HARD_STATE, snapshot: undefined } as const;
  replay.apply(header, { offset: 0 });
  replay.apply({ kind: 'entries', entries: entries(1, 3) }, { offset: 64 });
  t.throws(() => replay.apply({ ...header, seq: 1, lastIndex: 2 }, { file: 'next.wal', offset: 0 }), {
    code: 'corrupt',
    file: 'next.wal',
  });
  replay.apply({ ...header, seq: 1, lastIndex: 3 }, { offset: 0 });
  t.same(replay.entries, entries(1, 3));
});

t.test('the oldest remaining segment seeds the hard state and snapshot marker from its header', async (t) => {
  const dir = tempDir(t);
  const { wal } = await openWal(dir, { segmentBytes: 512 });
  await wal.save({ entries: entries(1, 10), hardState: { term: 2, vote: 'x', commit: 10 } });
  await wal.markSnapshot({ index: 10, term: 1 });
  for (let i = 11; i <= 40; i += 3) await wal.save({ entries: entries(i, i + 2) });
  await wal.markSnapshot({ index: 40, term: 1 });
  await wal.save({ entries: entries(41, 41) });
  t.ok((await wal.releaseTo(41)) >= 2, 'released the segments holding the hard state and first marker');
  await wal.close();
  const { wal: again, log } = await openWal(dir);
  await again.close();
  t.same(log.hardState, { term: 2, vote: 'x', commit: 10 }, 'from a segment header');
  t.same(log.snapshots.at(-1), { index: 40, term: 1 });
  t.same(log.entries.at(-1), entries(41, 41)[0]);
});
