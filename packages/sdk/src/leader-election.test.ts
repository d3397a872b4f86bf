import t from 'tap';
import { FakeClock } from './clock.js';
import { LeaderElector, microTime } from './leader-election.js';
import type { Lease } from './kinds.js';
import type { LeaseStore, LeaderElectionOptions } from './leader-election.js';

class StatusError extends Error {
  constructor(readonly code: number) {
    super(`status ${code}`);
  }
}

/** An in-memory lease API with optimistic concurrency. */
class FakeLeases {
  rv = 0;
  readonly leases = new Map<string, Lease>();
  writes = 0;
  read(name: string): Lease | undefined {
    const lease = this.leases.get(name);
    return lease === undefined ? undefined : structuredClone(lease);
  }
  /** A store for one candidate; setting `cut` makes every call fail with 503 (a partition). */
  client(): LeaseStore & { cut: boolean } {
    const store = {
      cut: false,
      check: (): void => {
        if (store.cut) throw new StatusError(503);
      },
      get: (name: string): Promise<Lease> => {
        return Promise.resolve().then(() => {
          store.check();
          const lease = this.read(name);
          if (lease === undefined) throw new StatusError(404);
          return lease;
        });
      },
      create: (obj: Lease): Promise<Lease> => {
        return Promise.resolve().then(() => {
          store.check();
          const name = obj.metadata.name as string;
          if (this.leases.has(name)) throw new StatusError(409);
          this.writes++;
          const stored = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } });
          this.leases.set(name, stored);
          return structuredClone(stored);
        });
      },
      update: (obj: Lease): Promise<Lease> => {
        return Promise.resolve().then(() => {
          store.check();
          const name = obj.metadata.name as string;
          const current = this.leases.get(name);
          if (current === undefined) throw new StatusError(404);
          if (current.metadata.resourceVersion !== obj.metadata.resourceVersion) throw new StatusError(409);
          this.writes++;
          const stored = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } });
          this.leases.set(name, stored);
          return structuredClone(stored);
        });
      },
    };
    return store;
  }
}

interface Candidate {
  elector: LeaderElector;
  log: string[];
  store: LeaseStore & { cut: boolean };
  controller: AbortController;
  leading: AbortSignal | undefined;
  done: Promise<void>;
}

function candidate(
  leases: FakeLeases,
  clock: FakeClock,
  identity: string,
  extra: Partial<LeaderElectionOptions> = {},
): Candidate {
  const log: string[] = [];
  const store = leases.client();
  const controller = new AbortController();
  const c: Partial<Candidate> = { log, store, controller };
  const elector = new LeaderElector({
    lock: store,
    leaseName: 'ctrl',
    leaseNamespace: 'kube-system',
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    clock,
    callbacks: {
      onStartedLeading: (signal) => {
        c.leading = signal;
        log.push(`started@${clock.now() - START}`);
      },
      onStoppedLeading: () => log.push(`stopped@${clock.now() - START}`),
      onNewLeader: (id) => log.push(`leader ${id}`),
    },
    ...extra,
  });
  c.elector = elector;
  c.done = elector.run(controller.signal);
  return c as Candidate;
}

const START = Date.UTC(2026, 0, 1);

t.test('acquires a missing lease and renews it every retry period', async (t) => {
  const clock = new FakeClock(START);
  const leases = new FakeLeases();
  const a = candidate(leases, clock, 'a');
  await clock.advance(0);
  t.same(a.log, ['leader a', 'started@0']);
  t.ok(a.elector.isLeader());
  t.equal(a.elector.getLeader(), 'a');
  const lease = leases.read('ctrl');
  t.equal(lease?.metadata.namespace, 'kube-system');
  t.same(lease?.spec, {
    holderIdentity: 'a',
    leaseDurationSeconds: 15,
    acquireTime: '2026-01-01T00:00:00.000000Z',
    renewTime: '2026-01-01T00:00:00.000000Z',
    leaseTransitions: 0,
  });
  await clock.advance(2_000);
  t.equal(leases.read('ctrl')?.spec?.renewTime, microTime(START + 2_000));
  t.equal(leases.read('ctrl')?.spec?.acquireTime, microTime(START), 'acquireTime kept on renew');
  await clock.advance(10_000);
  t.equal(leases.read('ctrl')?.spec?.renewTime, microTime(START + 12_000));
  t.equal(leases.writes, 7, 'one create and a renewal every 2 s');
  a.controller.abort();
  await a.done;
  t.same(a.log.slice(2), ['stopped@12000']);
  t.equal(a.leading?.aborted, true, 'the leading signal aborts');
  t.equal(a.elector.state, 'stopped');
  t.equal(leases.read('ctrl')?.spec?.holderIdentity, 'a', 'not released without releaseOnCancel');
});

t.test('another candidate waits while the leader renews', async (t) => {
  const clock = new FakeClock(START);
  const leases = new FakeLeases();
  const a = candidate(leases, clock, 'a');
  await clock.advance(0);
  const b = candidate(leases, clock, 'b');
  await clock.advance(60_000);
  t.same(b.log, ['leader a']);
  t.notOk(b.elector.isLeader());
  t.equal(b.elector.getLeader(), 'a');
  t.ok(a.elector.isLeader());
  a.controller.abort();
  b.controller.abort();
  await Promise.all([a.done, b.done]);
  t.same(b.log, ['leader a'], 'b never led, so it is not told it stopped');
});

t.test('two candidates starting together: exactly one wins (409 on the other create)', async (t) => {
  const clock = new FakeClock(START);
  const leases = new FakeLeases();
  const errors: unknown[] = [];
  const a = candidate(leases, clock, 'a', { onError: (e) => errors.push(e) });
  const b = candidate(leases, clock, 'b', { onError: (e) => errors.push(e) });
  await clock.advance(10_000);
  t.equal([a, b].filter((c) => c.elector.isLeader()).length, 1);
  t.same(errors, [], 'conflicts are not errors');
  a.controller.abort();
  b.controller.abort();
  await Promise.all([a.done, b.done]);
});

t.test(
  'the leader steps down when it cannot renew within the renew deadline; another takes over after expiry',
  async (t) => {
    const clock = new FakeClock(START);
    const leases = new FakeLeases();
    const errors: unknown[] = [];
    const a = candidate(leases, clock, 'a', { onError: (e) => errors.push(e) });
    await clock.advance(0);
    const b = candidate(leases, clock, 'b');
    await clock.advance(4_000);
    const lastRenew = clock.now() - START; // a renewed at 4000
    t.equal(leases.read('ctrl')?.spec?.renewTime, microTime(START + lastRenew));
    a.store.cut = true;
    await clock.advance(2_000); // 6000: first failed renewal; the deadline is 6000 + 10000
    await clock.advance(9_000);
    t.ok(a.elector.isLeader(), 'still leading before the deadline');
    await clock.advance(1_000);
    await a.done;
    t.notOk(a.elector.isLeader());
    t.same(a.log.at(-1), 'stopped@16000');
    t.ok(a.leading?.aborted);
    t.ok(errors.length > 0, 'failed renewals are reported');
    // b observed the record last changing at 4000 (its read at 4000 or 6000 saw renewTime 4000).
    let takeover = -1;
    for (let i = 0; i < 20 && takeover < 0; i++) {
      await clock.advance(1_000);
      if (b.elector.isLeader()) takeover = clock.now() - START;
    }
    t.ok(takeover > lastRenew + 15_000 - 2_000, `not before expiry (took over at ${takeover})`);
    t.ok(takeover <= lastRenew + 15_000 + 2_000, `within leaseDuration + retryPeriod (took over at ${takeover})`);
    t.same(leases.read('ctrl')?.spec?.holderIdentity, 'b');
    t.equal(leases.read('ctrl')?.spec?.leaseTransitions, 1);
    t.equal(leases.read('ctrl')?.spec?.acquireTime, microTime(START + takeover));
    t.ok(b.log.includes('leader b'));
    b.controller.abort();
    await b.done;
  },
);

t.test('the leader steps down when someone else overwrote the lease', async (t) => {
  const clock = new FakeClock(START);
  const leases = new FakeLeases();
  const a = candidate(leases, clock, 'a');
  await clock.advance(0);
  const lease = leases.read('ctrl') as Lease;
  await leases
    .client()
    .update({ ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', renewTime: microTime(clock.now()) } });
  // The intruder keeps renewing; a cannot renew and steps down after the renew deadline.
  const intruder = leases.client();
  for (let i = 0; i < 8 && a.elector.isLeader(); i++) {
    await clock.advance(2_000);
    const cur = leases.read('ctrl') as Lease;
    await intruder.update({ ...cur, spec: { ...cur.spec, renewTime: microTime(clock.now()) } });
  }
  await a.done;
  t.notOk(a.elector.isLeader());
  t.match(a.log, ['leader a', 'started@0', 'leader intruder', /^stopped@/]);
});

t.test('releaseOnCancel clears the holder so another candidate takes over at once', async (t) => {
  const clock = new FakeClock(START);
  const leases = new FakeLeases();
  const a = candidate(leases, clock, 'a', { releaseOnCancel: true });
  await clock.advance(0);
  const b = candidate(leases, clock, 'b');
  await clock.advance(5_000);
  a.controller.abort();
  await a.done;
  t.same(a.log.at(-1), 'stopped@5000');
  t.equal(leases.read('ctrl')?.spec?.holderIdentity, '');
  t.equal(leases.read('ctrl')?.spec?.leaseDurationSeconds, 1);
  await clock.advance(2_000);
  t.ok(b.elector.isLeader(), 'taken over within one retry period');
  t.equal(leases.read('ctrl')?.spec?.holderIdentity, 'b');
  t.equal(leases.read('ctrl')?.spec?.leaseTransitions, 1);
  b.controller.abort();
  await b.done;
});

t.test('cancel before acquiring, run once, and option checks', async (t) => {
  const clock = new FakeClock(START);
  const leases = new FakeLeases();
  const a = candidate(leases, clock, 'a');
  await clock.advance(0);
  const b = candidate(leases, clock, 'b', { releaseOnCancel: true });
  await clock.advance(2_000);
  b.controller.abort();
  await b.done;
  t.equal(b.elector.state, 'stopped');
  t.same(b.log, ['leader a']);
  t.equal(leases.read('ctrl')?.spec?.holderIdentity, 'a', 'a non-leader releases nothing');
  await t.rejects(b.elector.run(new AbortController().signal), /once/);
  a.controller.abort();
  await a.done;
  const base = {
    lock: leases.client(),
    leaseName: 'x',
    identity: 'i',
    callbacks: { onStartedLeading: () => {}, onStoppedLeading: () => {} },
  };
  t.throws(() => new LeaderElector({ ...base, identity: '' }));
  t.throws(() => new LeaderElector({ ...base, leaseDurationMs: 10, renewDeadlineMs: 10 }));
  t.throws(() => new LeaderElector({ ...base, renewDeadlineMs: 2000, retryPeriodMs: 2000 }));
  t.throws(() => new LeaderElector({ ...base, leaseDurationMs: 10, renewDeadlineMs: 5, retryPeriodMs: 0 }));
  t.equal(microTime(Date.UTC(2026, 10, 28, 21, 5, 7, 89)), '2026-11-28T21:05:07.089000Z');
});
