import t from 'tap';
import { ExpiryHeap } from './expiry-heap.js';
import { Lessor } from './lessor.js';
import { Prng } from './random.test.util.js';
import { MvccStore } from './store.js';

/** A lessor on a fake clock, promoted at time 0. */
function primary(): { lessor: Lessor; clock: { now: number } } {
  const clock = { now: 0 };
  const lessor = new Lessor({ now: () => clock.now });
  lessor.promote(0, 0);
  return { lessor, clock };
}

t.test('a granted lease expires after its TTL on the primary', async (t) => {
  const { lessor, clock } = primary();
  lessor.granted(1, 10);
  t.same(lessor.expired(9_999), []);
  t.same(lessor.expired(10_000), [1]);
  t.equal(lessor.remainingSeconds(1, 9_000), 1);
  clock.now = 10_000;
  t.equal(lessor.remainingSeconds(1), 0);
});

t.test('keepAlive renews for the full TTL', async (t) => {
  const { lessor, clock } = primary();
  lessor.granted(1, 10);
  clock.now = 8_000;
  t.equal(lessor.keepAlive(1), 10);
  t.same(lessor.expired(10_000), [], 'the old expiry no longer counts');
  t.same(lessor.expired(18_000), [1]);
});

t.test('keepAlive errors: follower, unknown lease, expired lease', async (t) => {
  const { lessor } = primary();
  lessor.granted(1, 1);
  t.throws(() => lessor.keepAlive(2, 0), { code: 'leaseNotFound' });
  t.throws(() => lessor.keepAlive(1, 1_000), { code: 'leaseExpired' });
  lessor.demote();
  t.throws(() => lessor.keepAlive(1, 0), { code: 'notPrimary' });
});

t.test('an expired lease is reported again after retryMs until its revoke applies', async (t) => {
  const clock = { now: 0 };
  const lessor = new Lessor({ now: () => clock.now, retryMs: 500 });
  lessor.promote();
  lessor.granted(1, 1);
  t.same(lessor.expired(1_000), [1]);
  t.same(lessor.expired(1_400), [], 'not before the retry');
  t.same(lessor.expired(1_500), [1]);
  lessor.revoked(1);
  t.same(lessor.expired(10_000), []);
  t.equal(lessor.size, 0);
});

t.test('expired reports earliest first, up to a limit', async (t) => {
  const { lessor } = primary();
  lessor.granted(3, 3);
  lessor.granted(1, 5);
  lessor.granted(2, 3);
  t.same(lessor.expired(10_000, 2), [2, 3], 'equal expiries in id order');
  t.same(lessor.expired(10_000), [1]);
});

t.test('a follower tracks no time; promote extends every lease', async (t) => {
  const clock = { now: 0 };
  const lessor = new Lessor({ now: () => clock.now });
  lessor.granted(1, 10);
  t.equal(lessor.isPrimary, false);
  t.same(lessor.expired(1e12), [], 'nothing expires on a follower');
  t.equal(lessor.remainingSeconds(1), 10, 'a follower answers the granted TTL');
  lessor.promote(50_000, 2_000);
  t.equal(lessor.isPrimary, true);
  t.same(lessor.expired(61_999), [], 'the TTL counts from the promotion, plus the extension');
  t.same(lessor.expired(62_000), [1]);
});

t.test('leadership moving does not expire a lease that was kept alive', async (t) => {
  const { lessor, clock } = primary();
  lessor.granted(1, 10);
  clock.now = 9_000;
  lessor.keepAlive(1);
  lessor.demote();
  t.same(lessor.expired(100_000), []);
  lessor.promote(100_000, 1_000);
  t.same(lessor.expired(110_999), []);
  t.same(lessor.expired(111_000), [1]);
  t.equal(lessor.remainingSeconds(404), -1);
});

t.test('the lessor follows the store through the lease listener, and a restore resets it', async (t) => {
  const clock = { now: 1_000 };
  const lessor = new Lessor({ now: () => clock.now });
  lessor.promote();
  const store = new MvccStore({ leaseListener: lessor });
  store.grant(1, 5);
  store.grant(2, 50);
  store.revoke(1);
  t.equal(lessor.size, 1);
  const other = new MvccStore();
  other.grant(3, 1);
  clock.now = 2_000;
  store.restore(other.snapshot());
  t.equal(lessor.size, 1);
  t.same(lessor.expired(2_999), []);
  t.same(lessor.expired(3_000), [3]);
  for (const id of lessor.expired(1e9)) store.revoke(id);
  t.equal(lessor.size, 0);
});

t.test('many renewals do not grow the queue without bound', async (t) => {
  const { lessor } = primary();
  lessor.granted(1, 10);
  for (let i = 0; i < 10_000; i++) lessor.keepAlive(1, i);
  t.same(lessor.expired(10_000 + 9_998), []);
  t.same(lessor.expired(10_000 + 9_999), [1]);
});

t.test('the expiry heap pops in order', async (t) => {
  const heap = new ExpiryHeap();
  const rng = new Prng(7);
  const items = Array.from({ length: 200 }, (_, id) => ({ id, expiry: rng.int(50) }));
  for (const item of items) heap.push(item);
  const popped = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) popped.push(item);
  const sorted = [...items].sort((a, b) => a.expiry - b.expiry || a.id - b.id);
  t.same(popped, sorted);
  t.equal(heap.size, 0);
  t.equal(heap.peek(), undefined);
});
