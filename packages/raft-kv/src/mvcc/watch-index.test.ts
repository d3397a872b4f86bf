import t from 'tap';
import { Prng } from './random.test.util.js';
import { inSpan, prefixSpan } from './validate.js';
import type { Span } from './validate.js';
import { WatcherIndex } from './watch-index.js';

const ALPHABET = ['a', 'b', '\xff'];

function randomKey(rng: Prng): string {
  let k = '';
  for (let n = 1 + rng.int(3); n > 0; n--) k += rng.pick(ALPHABET);
  return k;
}

function randomSpan(rng: Prng): Span {
  const start = randomKey(rng);
  switch (rng.int(4)) {
    case 0:
      return { start, end: '' };
    case 1:
      return prefixSpan(start);
    case 2:
      return { start, end: '\x00' };
    default:
      return { start, end: randomKey(rng) };
  }
}

function matches(index: WatcherIndex<number>, key: string): number[] {
  const out: number[] = [];
  index.forEachMatch(key, (w) => out.push(w));
  return out.sort((a, b) => a - b);
}

t.test('the index finds exactly the watchers whose span holds the key', async (t) => {
  const rng = new Prng(11);
  const index = new WatcherIndex<number>();
  const live = new Map<number, Span>();
  let mismatches = 0;
  for (let step = 0; step < 2000; step++) {
    if (live.size > 0 && rng.chance(0.4)) {
      const id = rng.pick([...live.keys()]);
      index.remove(live.get(id) as Span, id);
      live.delete(id);
    } else {
      const span = randomSpan(rng);
      live.set(step, span);
      index.add(span, step);
    }
    const key = randomKey(rng);
    const want = [...live].filter(([, s]) => inSpan(key, s)).map(([id]) => id);
    if (JSON.stringify(matches(index, key)) !== JSON.stringify(want)) mismatches += 1;
  }
  t.equal(mismatches, 0);
  t.equal(index.size, live.size);
  const all: number[] = [];
  index.forEachWatcher((w) => all.push(w));
  t.same(
    all.sort((a, b) => a - b),
    [...live.keys()].sort((a, b) => a - b),
  );
});

t.test('removing a watcher that is not there changes nothing', async (t) => {
  const index = new WatcherIndex<string>();
  index.add({ start: 'a', end: '' }, 'x');
  index.remove({ start: 'a', end: '' }, 'y');
  index.remove(prefixSpan('a'), 'y');
  index.remove({ start: 'a', end: 'c' }, 'y');
  t.equal(index.size, 1);
  t.same(
    (() => {
      const out: string[] = [];
      index.forEachMatch('a', (w) => out.push(w));
      return out;
    })(),
    ['x'],
  );
});

t.test('a lookup does not visit ranges that end before the key', async (t) => {
  const index = new WatcherIndex<number>();
  for (let i = 0; i < 1000; i++)
    index.add({ start: `k${String(i).padStart(4, '0')}`, end: `k${String(i).padStart(4, '0')}z` }, i);
  let visited = 0;
  index.forEachMatch('k0999a', () => (visited += 1));
  t.equal(visited, 1);
});
