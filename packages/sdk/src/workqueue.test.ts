import t from 'tap';
import { FakeClock } from './clock.js';
import { WorkQueue } from './workqueue.js';

async function key(q: WorkQueue): Promise<string> {
  const item = await q.get();
  if (item.shutdown) throw new Error('unexpected shutdown');
  return item.key;
}

t.test('duplicates added before processing collapse', async (t) => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  q.add('a');
  q.add('a');
  t.equal(q.len(), 2);
  t.equal(await key(q), 'a');
  t.equal(await key(q), 'b');
  t.equal(q.len(), 0);
});

t.test('a key is never processed by two workers at once', async (t) => {
  const q = new WorkQueue({ clock: new FakeClock() });
  const active = new Set<string>();
  let overlaps = 0;
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = await q.get();
      if (item.shutdown) return;
      if (active.has(item.key)) overlaps++;
      active.add(item.key);
      processed++;
      await new Promise((r) => setImmediate(r));
      // Re-adding while processing must not hand the key to another worker.
      if (processed < 50) q.add(item.key);
      active.delete(item.key);
      q.done(item.key);
    }
  };
  q.add('k');
  q.add('j');
  const workers = [worker(), worker(), worker(), worker()];
  for (let i = 0; i < 200 && processed < 50; i++) await new Promise((r) => setImmediate(r));
  q.shutDown();
  await Promise.all(workers);
  t.equal(overlaps, 0, 'no key handed to two workers at once');
  t.ok(processed >= 50, `processed ${processed}`);
});

t.test('a key re-added while processing is processed again after done', async (t) => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('a');
  t.equal(await key(q), 'a');
  q.add('a');
  q.add('a');
  t.equal(q.len(), 0, 'not queued while processing');
  let second: string | undefined;
  const waiting = key(q).then((k) => (second = k));
  await new Promise((r) => setImmediate(r));
  t.equal(second, undefined, 'not handed out before done');
  q.done('a');
  await waiting;
  t.equal(second, 'a');
  q.done('a');
  t.equal(q.len(), 0, 'processed once more, not twice');
});

t.test('rate-limited back-off grows exponentially up to the cap; forget resets it', async (t) => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, baseDelayMs: 5, maxDelayMs: 40 });
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    const before = clock.now();
    q.addRateLimited('a');
    let got = false;
    const p = key(q).then(() => (got = true));
    for (let step = 0; step < 100 && !got; step++) await clock.advance(1);
    await p;
    delays.push(clock.now() - before);
    q.done('a');
  }
  t.same(delays, [5, 10, 20, 40, 40, 40]);
  t.equal(q.numRequeues('a'), 6);
  q.forget('a');
  t.equal(q.numRequeues('a'), 0);
  const before = clock.now();
  q.addRateLimited('a');
  await clock.advance(4);
  t.equal(q.len(), 0, 'not before the base delay');
  await clock.advance(1);
  t.equal(q.len(), 1);
  t.equal(clock.now() - before, 5);
});

t.test('default back-off is 5 ms base and 1000 s cap', async (t) => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  for (let i = 0; i < 30; i++) q.addRateLimited('x');
  // The earliest pending delay wins: 5 ms.
  await clock.advance(5);
  t.equal(q.len(), 1);
  q.forget('x');
  const q2 = new WorkQueue({ clock });
  for (let i = 0; i < 30; i++) {
    q2.addRateLimited('y');
    await clock.advance(2_000_000);
    await key(q2);
    q2.done('y');
  }
  const before = clock.now();
  q2.addRateLimited('y');
  await clock.advance(999_999);
  t.equal(q2.len(), 0);
  await clock.advance(1);
  t.equal(q2.len(), 1, `capped at 1000 s (${clock.now() - before} ms)`);
});

t.test('addAfter adds the key after the delay; the earliest delay wins', async (t) => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 200);
  q.addAfter('b', 0);
  t.equal(q.len(), 1, 'zero delay adds at once');
  await clock.advance(49);
  t.equal(q.len(), 1);
  await clock.advance(1);
  t.equal(q.len(), 2);
  await clock.advance(500);
  t.equal(q.len(), 2, 'no second add of a');
  t.equal(clock.pending(), 0);
});

t.test('shutDown: get answers shutdown, waiting workers wake, adds are ignored', async (t) => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  const waiting = q.get();
  q.add('a');
  q.add('b');
  q.addAfter('c', 10);
  t.same(await waiting, { shutdown: false, key: 'a' });
  const next = q.get();
  t.same(await next, { shutdown: false, key: 'b' });
  const blocked = q.get();
  q.shutDown();
  t.same(await blocked, { shutdown: true });
  q.add('d');
  t.same(await q.get(), { shutdown: true });
  t.equal(q.len(), 0);
  t.equal(clock.pending(), 0, 'delayed adds dropped');
  t.ok(q.shuttingDown());
});

t.test('shutDown drops queued keys', async (t) => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('a');
  q.shutDown();
  t.same(await q.get(), { shutdown: true });
});

t.test('shutDownWithDrain hands out queued keys and resolves when work is done', async (t) => {
  const q = new WorkQueue({ clock: new FakeClock() });
  q.add('a');
  q.add('b');
  t.equal(await key(q), 'a');
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  t.equal(q.state, 'draining');
  q.add('c');
  t.equal(q.len(), 1, 'adds ignored while draining');
  t.equal(await key(q), 'b');
  q.done('a');
  await new Promise((r) => setImmediate(r));
  t.notOk(drained, 'b still processing');
  q.done('b');
  await drain;
  t.ok(drained);
  t.equal(q.state, 'shutdown');
  t.same(await q.get(), { shutdown: true });
  await q.shutDownWithDrain();
});

t.test('options are checked', async (t) => {
  t.throws(() => new WorkQueue({ baseDelayMs: 0 }));
  t.throws(() => new WorkQueue({ baseDelayMs: 10, maxDelayMs: 5 }));
});
