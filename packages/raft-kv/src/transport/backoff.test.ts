import t from 'tap';
import { backoffDelay } from './backoff.js';

const opts = { initialMs: 100, maxMs: 1_000 };

t.test('the wait doubles up to the cap, between half and all of it', async (t) => {
  const low = [1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, opts, () => 0));
  const high = [1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, opts, () => 0.999999));
  t.same(low, [50, 100, 200, 400, 500, 500]);
  t.same(high, [100, 200, 400, 800, 1000, 1000]);
  t.equal(
    backoffDelay(1_000_000, opts, () => 0.5),
    750,
    'huge failure counts stay at the cap',
  );
});

t.test('nonsense is a programmer error', async (t) => {
  t.throws(() => backoffDelay(0, opts, () => 0));
  t.throws(() => backoffDelay(1, { initialMs: 0, maxMs: 10 }, () => 0));
  t.throws(() => backoffDelay(1, { initialMs: 10, maxMs: 5 }, () => 0));
});
