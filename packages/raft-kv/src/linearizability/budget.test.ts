import t from 'tap';
import { Budget } from './budget.js';

t.test('counts steps up to the limit, then stays exhausted', async (t) => {
  const budget = Budget.start({ maxSteps: 2 });
  t.same([budget.spend(), budget.spend(), budget.spend(), budget.spend()], [true, true, false, false]);
  t.equal(budget.used, 2);
  t.equal(budget.exhausted, 'steps');
});

t.test('reads the injected clock on the first step and every 1024 steps after', async (t) => {
  let time = 0;
  let reads = 0;
  const now = (): number => {
    reads += 1;
    return time;
  };
  const budget = Budget.start({ maxSteps: 10_000, now, deadlineMs: 100 });
  t.equal(reads, 1, 'once to start the deadline');
  for (let i = 0; i < 1024; i += 1) budget.spend();
  t.equal(reads, 2, 'and on step 1');
  time = 99;
  t.ok(budget.spend(), 'step 1025 reads the clock: not yet');
  t.equal(reads, 3);
  time = 100;
  let spent = 0;
  for (let i = 0; i < 1023; i += 1) spent += budget.spend() ? 1 : 0;
  t.same([spent, reads], [1023, 3], 'steps 1026 to 2048 do not read it');
  t.notOk(budget.spend(), 'step 2049 reads it again and sees the deadline passed');
  t.equal(budget.exhausted, 'deadline');
  t.equal(reads, 4);
});

t.test('a child has at most what its parent has left, and the same deadline', async (t) => {
  let time = 0;
  const parent = Budget.start({ maxSteps: 10, now: () => time, deadlineMs: 5 });
  for (let i = 0; i < 7; i += 1) parent.spend();
  const child = parent.child(100);
  t.equal(child.maxSteps, 3);
  t.equal(parent.child(2).maxSteps, 2);
  time = 5;
  t.notOk(child.spend());
  t.equal(child.exhausted, 'deadline');
});

t.test('rejects nonsense', async (t) => {
  t.throws(() => Budget.start({ maxSteps: -1 }), RangeError);
  t.throws(() => Budget.start({ maxSteps: NaN }), RangeError);
  t.throws(() => Budget.start({ maxSteps: 1, deadlineMs: 5 }), TypeError);
  t.throws(() => Budget.start({ maxSteps: 1, now: () => 0, deadlineMs: -5 }), RangeError);
  t.doesNotThrow(() => Budget.start({ maxSteps: 1, now: () => 0 }), 'a clock alone is unused');
});
