import t from 'tap';
import { FakeClock, realClock, sleep } from './clock.js';

t.test('FakeClock runs due timers in order, each at its due time', async (t) => {
  const clock = new FakeClock(1000);
  const seen: string[] = [];
  clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
  clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
  clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
  const cleared = clock.setTimeout(() => seen.push('never'), 5);
  clock.clearTimeout(cleared);
  await clock.advance(15);
  t.same(seen, ['a@1010']);
  t.equal(clock.now(), 1015);
  await clock.advance(100);
  t.same(seen, ['a@1010', 'b@1020', 'c@1020']);
  t.equal(clock.now(), 1115);
  t.equal(clock.pending(), 0);
});

t.test('timers set by async code woken within the window also run', async (t) => {
  const clock = new FakeClock(0);
  const times: number[] = [];
  const loop = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      await sleep(clock, 10);
      times.push(clock.now());
    }
  };
  const done = loop();
  await clock.advance(35);
  await done;
  t.same(times, [10, 20, 30]);
});

t.test('sleep resolves false on abort, and at once if already aborted', async (t) => {
  const clock = new FakeClock();
  const controller = new AbortController();
  const p = sleep(clock, 1000, controller.signal);
  controller.abort();
  t.equal(await p, false);
  t.equal(clock.pending(), 0);
  t.equal(await sleep(clock, 10, controller.signal), false);
  t.equal(await sleep(realClock, 1), true);
  t.ok(Math.abs(realClock.now() - Date.now()) < 1000);
});
