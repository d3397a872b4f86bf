import t from 'tap';
import { seededRandom } from '../testing/network.test.util.js';
import { committedIndex, hasQuorum, voteResult } from './majority.js';

const ids = (n: number) => new Set(Array.from({ length: n }, (_, i) => String(i + 1)));

/** The naive definition: the largest index that more than half of the voters have. */
function naiveCommitted(voters: ReadonlySet<string>, match: (id: string) => number): number {
  let best = 0;
  for (const id of voters) {
    const i = match(id);
    const have = [...voters].filter((v) => match(v) >= i).length;
    if (have > voters.size / 2) best = Math.max(best, i);
  }
  return best;
}

t.test('committedIndex: the largest index held by a majority', async (t) => {
  const match = (m: Record<string, number>) => (id: string) => m[id] ?? 0;
  t.equal(committedIndex(ids(1), match({ '1': 7 })), 7);
  t.equal(committedIndex(ids(3), match({ '1': 5, '2': 3, '3': 1 })), 3);
  t.equal(committedIndex(ids(4), match({ '1': 5, '2': 5, '3': 3, '4': 1 })), 3, 'three of four are needed');
  t.equal(committedIndex(ids(5), match({ '1': 9, '2': 8 })), 0, 'unknown members count as 0');
  t.equal(
    committedIndex(new Set(), () => 9),
    0,
    'no voters commit nothing',
  );
});

t.test('committedIndex agrees with the naive definition (property, 2000 cases)', async (t) => {
  const random = seededRandom(42);
  let disagreements = 0;
  for (let c = 0; c < 2000; c++) {
    const voters = ids(1 + Math.floor(random() * 7));
    const m = new Map([...voters].map((id) => [id, Math.floor(random() * 10)]));
    const match = (id: string) => m.get(id) ?? 0;
    if (committedIndex(voters, match) !== naiveCommitted(voters, match)) disagreements++;
  }
  t.equal(disagreements, 0);
});

t.test('voteResult: won with a majority of grants, lost once a majority is out of reach', async (t) => {
  const votes = (v: Record<string, boolean>) => new Map(Object.entries(v));
  t.equal(voteResult(ids(3), votes({ '1': true })), 'pending');
  t.equal(voteResult(ids(3), votes({ '1': true, '2': true })), 'won');
  t.equal(voteResult(ids(3), votes({ '1': true, '2': false })), 'pending', '3 may still grant');
  t.equal(voteResult(ids(3), votes({ '1': true, '2': false, '3': false })), 'lost');
  t.equal(voteResult(ids(4), votes({ '1': true, '2': true })), 'pending', 'two of four are not a majority');
  t.equal(voteResult(ids(4), votes({ '1': true, '2': false, '3': false })), 'lost');
  t.equal(voteResult(ids(1), votes({ '1': true })), 'won');
  t.equal(voteResult(ids(3), votes({ '1': true, '2': true, '9': false })), 'won', 'non-voters do not count');
  t.equal(voteResult(new Set(), new Map()), 'won', 'an empty configuration decides at once');
});

t.test('hasQuorum: a majority of the voters', async (t) => {
  t.equal(
    hasQuorum(ids(5), (id) => ['1', '2', '3'].includes(id)),
    true,
  );
  t.equal(
    hasQuorum(ids(4), (id) => ['1', '2'].includes(id)),
    false,
  );
  t.equal(
    hasQuorum(new Set(), () => true),
    false,
  );
});
