import t from 'tap';
import { RaftError } from '../errors.js';
import { MemoryStorage, bootstrapStorage } from '../storage.js';
import { entry } from '../testing/network.test.util.js';
import type { Snapshot } from '../types.js';
import { RaftLog } from './raft-log.js';
import { Unstable } from './unstable.js';

/** A log whose storage holds the bootstrap snapshot (1/1) and entries of the given terms from index 2. */
function logWith(stable: number[], unstable: number[] = []): RaftLog {
  const storage = new MemoryStorage();
  bootstrapStorage(storage, { voters: ['1'], learners: [] }, new Uint8Array());
  storage.append(stable.map((term, i) => entry(i + 2, term)));
  const log = new RaftLog(storage, Infinity);
  log.append(unstable.map((term, i) => entry(stable.length + i + 2, term)));
  return log;
}

const terms = (log: RaftLog) => {
  const out: number[] = [];
  for (let i = log.firstIndex() - 1; i <= log.lastIndex(); i++) out.push(log.term(i));
  return out;
};

const snapshot = (index: number, term: number): Snapshot => ({
  meta: { index, term, confState: { voters: ['1'], learners: [] } },
  data: new Uint8Array(),
});

t.test('RaftLog: indexes and terms span the stable and the unstable part', async (t) => {
  const log = logWith([1, 2], [2, 3]);
  t.equal(log.firstIndex(), 2);
  t.equal(log.lastIndex(), 5);
  t.equal(log.lastTerm(), 3);
  t.same(terms(log), [1, 1, 2, 2, 3]);
  t.equal(log.committed, 1, 'a new log has committed and applied its snapshot');
  t.equal(log.applied, 1);
  t.throws(() => log.term(0), new RaftError('compacted', 'term of 0: compacted'));
  t.throws(() => log.term(6), /past the last index 5/);
  t.equal(log.zeroTermOnError(0), 0);
  t.equal(log.zeroTermOnError(6), 0);
  t.equal(log.matchTerm(4, 2), true);
  t.equal(log.matchTerm(4, 3), false);
  t.equal(log.matchTerm(6, 0), false, 'a missing entry does not match term 0');
});

t.test('RaftLog §5.4.1: isUpToDate compares last terms, then last indexes', async (t) => {
  const log = logWith([2, 2]);
  t.equal(log.isUpToDate(3, 2), true, 'same term, same index');
  t.equal(log.isUpToDate(2, 2), false, 'same term, shorter');
  t.equal(log.isUpToDate(9, 1), false, 'older term, longer');
  t.equal(log.isUpToDate(1, 3), true, 'newer term, shorter');
});

t.test('RaftLog §5.3: maybeAppend checks the previous entry, truncates a conflict, and commits', async (t) => {
  const log = logWith([2, 2, 2]);
  t.equal(log.maybeAppend(4, 3, 4, [entry(5, 3)]), undefined, 'entry 4 is of term 2, not 3');
  t.equal(log.maybeAppend(2, 2, 3, [entry(3, 3)]), 3, 'the new last index');
  t.same(terms(log), [1, 2, 3], 'entry 3 replaced, entry 4 dropped');
  t.equal(log.committed, 3, 'commit = min(leader commit, last new entry)');
  t.equal(log.maybeAppend(1, 1, 9, [entry(2, 2)]), 2, 'a stale append that matches');
  t.same(terms(log), [1, 2, 3], 'nothing truncated');
  t.equal(log.committed, 3, 'and commit does not go back');
  t.throws(() => log.maybeAppend(1, 1, 3, [entry(2, 9)]), /conflicts with committed entry 3/);
  t.throws(() => log.append([entry(2, 9)]), /would overwrite committed 3/);
});

t.test('RaftLog: findConflictByTerm finds the last index of a term at or below the given one', async (t) => {
  const log = logWith([2, 2, 4, 4, 5]);
  t.same(log.findConflictByTerm(6, 4), { index: 5, term: 4 });
  t.same(log.findConflictByTerm(6, 3), { index: 3, term: 2 });
  t.same(log.findConflictByTerm(99, 9), { index: 6, term: 5 }, 'from the last index at most');
  t.same(log.findConflictByTerm(6, 0), { index: 0, term: 0 }, 'nothing that old');
});

t.test('RaftLog: commit only by entries of the current term, unless told otherwise', async (t) => {
  const log = logWith([2, 3]);
  t.equal(log.maybeCommit(2, 3), false, 'index 2 is of term 2');
  t.equal(log.maybeCommit(3, 3), true);
  t.equal(log.committed, 3);
  t.equal(log.maybeCommit(2, 3), false, 'never backwards');
  const buggy = logWith([2, 3]);
  t.equal(buggy.maybeCommit(2, 3, true), true, 'anyTerm: the deliberate bug');
  t.throws(() => log.commitTo(9), /commit 9 is past the last index 3/);
});

t.test('RaftLog: committed entries are handed out from applied + 1, limited in size', async (t) => {
  const storage = new MemoryStorage();
  bootstrapStorage(storage, { voters: ['1'], learners: [] }, new Uint8Array());
  storage.append([entry(2, 1), entry(3, 1), entry(4, 1)]);
  const log = new RaftLog(storage, 40);
  t.equal(log.hasNextCommittedEntries(), false);
  log.commitTo(4);
  t.same(
    log.nextCommittedEntries().map((e) => e.index),
    [2, 3],
    '19 + 19 bytes fit in 40, a third would not',
  );
  log.appliedTo(3);
  t.same(
    log.nextCommittedEntries().map((e) => e.index),
    [4],
  );
  log.appliedTo(4);
  t.same(log.nextCommittedEntries(), []);
  t.throws(() => log.appliedTo(3), /applied 3 outside \[4, 4\]/);
  log.appliedTo(0);
  t.equal(log.applied, 4, 'appliedTo(0) is a no-op');
});

t.test('RaftLog: slice joins storage and unstable entries and honours the size limit', async (t) => {
  const log = logWith([1, 1], [1, 1]);
  t.same(
    log.slice(2, 6, Infinity).map((e) => e.index),
    [2, 3, 4, 5],
  );
  t.same(
    log.slice(4, 6, Infinity).map((e) => e.index),
    [4, 5],
    'unstable only',
  );
  t.same(
    log.slice(2, 6, 40).map((e) => e.index),
    [2, 3],
    'cut in the stable part',
  );
  t.same(
    log.slice(3, 6, 40).map((e) => e.index),
    [3, 4],
    'cut across both',
  );
  t.same(log.slice(4, 4, Infinity), []);
  t.same(log.entries(6, Infinity), [], 'nothing past the end');
  t.throws(() => log.slice(1, 3, Infinity), new RaftError('compacted', 'entries from 1: compacted'));
  t.throws(() => log.slice(2, 9, Infinity), /past the last index 5/);
});

t.test('RaftLog: restoring a snapshot replaces the log until it is persisted', async (t) => {
  const log = logWith([1, 2], [2]);
  log.restore(snapshot(10, 3));
  t.equal(log.firstIndex(), 11);
  t.equal(log.lastIndex(), 10);
  t.equal(log.term(10), 3);
  t.equal(log.committed, 10);
  t.equal(log.hasNextCommittedEntries(), false, 'the state machine gets the snapshot, not entries');
  t.equal(log.snapshot().meta.index, 10, 'the pending snapshot is the one to send');
  log.stableSnapTo(9);
  t.ok(log.unstable.snapshot, 'a different index does not mark it persisted');
  log.stableSnapTo(10);
  log.appliedSnapshot(10);
  t.equal(log.unstable.snapshot, undefined);
  t.equal(log.applied, 10);
  t.throws(() => log.appliedSnapshot(11), /applied snapshot 11 past commit 10/);
});

t.test('Unstable: appending, truncating and persisting', async (t) => {
  const u = new Unstable(5);
  u.truncateAndAppend([entry(5, 1), entry(6, 1)]);
  u.truncateAndAppend([entry(7, 2)]);
  t.same(
    u.entries.map((e) => e.index),
    [5, 6, 7],
    'appended at the end',
  );
  u.truncateAndAppend([entry(6, 3)]);
  t.same(
    u.entries.map((e) => `${e.index}:${e.term}`),
    ['5:1', '6:3'],
    'a suffix replaced',
  );
  u.truncateAndAppend([entry(4, 3)]);
  t.match(u, { offset: 4 }, 'replacing from before the offset (stable entries are being overwritten)');
  t.same(
    u.entries.map((e) => e.index),
    [4],
  );
  u.truncateAndAppend([]);
  u.truncateAndAppend([entry(5, 3), entry(6, 3)]);
  u.stableTo(5, 1);
  t.equal(u.offset, 4, 'a persisted entry that has since been replaced stays unstable');
  u.stableTo(3, 3);
  t.equal(u.offset, 4, 'an index before the unstable part changes nothing');
  u.stableTo(5, 3);
  t.match(u, { offset: 6 });
  t.same(
    u.slice(6, 7).map((e) => e.index),
    [6],
  );
  t.throws(() => u.slice(5, 7), /unstable slice \[5,7\) out of \[6,7\]/);
  t.equal(u.maybeTerm(99), undefined);
  t.equal(u.maybeTerm(3), undefined);
  t.equal(u.maybeFirstIndex(), undefined);
  u.restore(snapshot(20, 4));
  t.match(u, { offset: 21, entries: [] });
  t.equal(u.maybeTerm(20), 4);
  t.equal(u.maybeFirstIndex(), 21);
  t.equal(u.maybeLastIndex(), 20);
});
