import t from 'tap';
import { RaftError } from './errors.js';
import { MemoryStorage, bootstrapStorage, entrySize, limitSize } from './storage.js';
import { entry } from './testing/network.test.util.js';

const confState = { voters: ['1', '2', '3'], learners: [] };

function storageWith(lastIndex: number): MemoryStorage {
  const s = new MemoryStorage();
  bootstrapStorage(s, confState, new Uint8Array([7]));
  s.append(Array.from({ length: lastIndex - 1 }, (_, i) => entry(i + 2, 1)));
  return s;
}

t.test('MemoryStorage: an empty storage', async (t) => {
  const s = new MemoryStorage();
  t.same(s.initialState(), { hardState: { term: 0, vote: '', commit: 0 }, confState: { voters: [], learners: [] } });
  t.equal(s.firstIndex(), 1);
  t.equal(s.lastIndex(), 0);
  t.equal(s.term(0), 0);
});

t.test('bootstrapStorage: a snapshot at 1/1 with the membership, committed', async (t) => {
  const s = new MemoryStorage();
  bootstrapStorage(s, confState, new Uint8Array([7]));
  t.same(s.initialState(), { hardState: { term: 1, vote: '', commit: 1 }, confState });
  t.match(s.snapshot(), { meta: { index: 1, term: 1, confState }, data: new Uint8Array([7]) });
  t.equal(s.firstIndex(), 2);
  t.equal(s.lastIndex(), 1);
  t.equal(s.term(1), 1);
});

t.test('MemoryStorage: entries and terms, with compacted and unavailable errors', async (t) => {
  const s = storageWith(5);
  t.same(
    s.entries(2, 6, Infinity).map((e) => e.index),
    [2, 3, 4, 5],
  );
  t.same(
    s.entries(2, 6, 30).map((e) => e.index),
    [2],
    'at least one entry, even over the limit',
  );
  t.throws(() => s.entries(1, 3, Infinity), new RaftError('compacted', 'entries from 1: compacted up to 1'));
  t.throws(() => s.entries(2, 7, Infinity), new RaftError('unavailable', 'entries up to 6: last is 5'));
  t.throws(() => s.term(0), new RaftError('compacted', 'term of 0: compacted up to 1'));
  t.throws(() => s.term(6), new RaftError('unavailable', 'term of 6: last is 5'));
});

t.test('MemoryStorage: append replaces the suffix it overlaps and skips what is compacted', async (t) => {
  const s = storageWith(5);
  s.append([entry(4, 2)]);
  t.equal(s.lastIndex(), 4);
  t.equal(s.term(4), 2);
  s.append([entry(1, 1)]);
  t.equal(s.lastIndex(), 4, 'entries at or before the snapshot are ignored');
  s.append([entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 2), entry(5, 2)]);
  t.equal(s.lastIndex(), 5, 'the part after the snapshot is kept');
  s.append([]);
  t.throws(() => s.append([entry(9, 2)]), /append at 9 leaves a gap after 5/);
});

t.test('MemoryStorage: createSnapshot, then compact', async (t) => {
  const s = storageWith(5);
  const snap = s.createSnapshot(4, confState, new Uint8Array([9]));
  t.match(snap.meta, { index: 4, term: 1 });
  t.equal(s.firstIndex(), 2, 'not compacted yet');
  s.compact(4);
  t.equal(s.firstIndex(), 5);
  t.equal(s.term(4), 1, 'the snapshot index keeps its term');
  s.compact(3);
  t.equal(s.firstIndex(), 5, 'compacting backwards is a no-op');
  t.throws(() => s.createSnapshot(4, confState, new Uint8Array()), /is not newer than 4/);
  t.throws(() => s.createSnapshot(9, confState, new Uint8Array()), /past the last index 5/);
  t.throws(() => s.compact(9), /compact 9 is past 5/);
});

t.test('MemoryStorage: applySnapshot replaces the log; an older one is refused', async (t) => {
  const s = storageWith(5);
  s.applySnapshot({ meta: { index: 9, term: 3, confState }, data: new Uint8Array() });
  t.equal(s.firstIndex(), 10);
  t.equal(s.lastIndex(), 9);
  t.equal(s.term(9), 3);
  t.throws(
    () => s.applySnapshot({ meta: { index: 4, term: 1, confState }, data: new Uint8Array() }),
    new RaftError('snapshotOutOfDate', 'snapshot at 4 is older than 9'),
  );
});

t.test('limitSize keeps a prefix within the byte budget, at least one entry', async (t) => {
  const ents = [entry(2, 1), entry(3, 1), entry(4, 1)];
  t.equal(entrySize(entry(2, 1)), 3 + 16);
  t.equal(limitSize(ents, 0).length, 1);
  t.equal(limitSize(ents, 38).length, 2);
  t.equal(limitSize(ents, 1000), ents, 'the same array when nothing is cut');
  t.same(limitSize([], 10), []);
});
