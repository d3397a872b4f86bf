import t from 'tap';
import { text } from './model.test.util.js';
import { putRequest } from './requests.js';
import { MvccStore } from './store.js';
import type { MvccStoreOptions } from './store.js';
import type { Watch, WatchBatch, WatchEvent } from './watch.js';

/** Every batch ready now. */
function drain(w: Watch): WatchBatch[] {
  const out: WatchBatch[] = [];
  for (let b = w.take(); b !== undefined; b = w.take()) out.push(b);
  return out;
}

/** The events of some batches as `rev:type:key=value`. */
function flat(batches: readonly WatchBatch[]): string[] {
  return batches.flatMap((b) =>
    b.type === 'events' ? b.events.map((e) => `${b.revision}:${e.type}:${text(e.kv.key)}=${text(e.kv.value)}`) : [],
  );
}

/** A store with ten revisions of changes under k/: puts, a txn, deletes. */
function busy(options?: MvccStoreOptions): MvccStore {
  const s = new MvccStore(options);
  s.put('k/a', '1'); // 2
  s.put('k/b', '1'); // 3
  s.txn({ success: [putRequest('k/a', '2'), putRequest('k/c', '1'), putRequest('other', '1')] }); // 4
  s.deleteRange('k/b'); // 5
  s.put('k/b', '2'); // 6
  s.deleteRange('k/', { prefix: true }); // 7
  return s;
}

const HISTORY = [
  '2:put:k/a=1',
  '3:put:k/b=1',
  '4:put:k/a=2',
  '4:put:k/c=1',
  '5:delete:k/b=',
  '6:put:k/b=2',
  '7:delete:k/a=',
  '7:delete:k/b=',
  '7:delete:k/c=',
];

t.test('ordered: batches come in revision order, events in apply order', async (t) => {
  const s = busy();
  const w = s.watch('k/', { prefix: true, startRevision: 1 });
  const batches = drain(w);
  t.same(flat(batches), HISTORY);
  const revisions = batches.map((b) => (b.type === 'events' ? b.revision : -1));
  t.same(revisions, [2, 3, 4, 5, 6, 7]);
});

t.test('unique and reliable: replay then live, with writes in between, no gap and no repeat', async (t) => {
  const s = busy({ watch: { replayBatchEvents: 1 } });
  const w = s.watch('k/', { prefix: true, startRevision: 2 });
  const seen: WatchBatch[] = [];
  const first = w.take();
  if (first !== undefined) seen.push(first);
  s.put('k/d', '1'); // 8, while the watcher is still replaying
  seen.push(...drain(w));
  s.put('k/e', '1'); // 9, live
  s.put('zzz', '1'); // 10, not watched
  seen.push(...drain(w));
  t.same(flat(seen), [...HISTORY, '8:put:k/d=1', '9:put:k/e=1']);
});

t.test('atomic: the events of one revision arrive in one batch, in replay and live', async (t) => {
  const s = new MvccStore({ watch: { replayBatchEvents: 1 } });
  const replaying = s.watch('k/', { prefix: true, startRevision: 1 });
  const live = s.watch('k/', { prefix: true });
  s.txn({ success: [putRequest('k/1', 'a'), putRequest('k/2', 'b'), putRequest('k/3', 'c')] });
  for (const w of [replaying, live]) {
    const batches = drain(w);
    t.equal(batches.length, 1);
    const [batch] = batches;
    t.equal(batch?.type === 'events' ? batch.events.length : 0, 3, `watch ${w.id}`);
  }
});

t.test('resumable: watching again from the last revision + 1 continues seamlessly', async (t) => {
  const s = busy();
  const w = s.watch('k/', { prefix: true, startRevision: 1 });
  const part = [w.take(), w.take(), w.take()].filter((b): b is WatchBatch => b !== undefined);
  w.cancel();
  t.equal(w.take(), undefined, 'a canceled watch yields nothing more');
  const last = part.at(-1);
  const resumeAt = last?.type === 'events' ? last.revision + 1 : 0;
  t.equal(w.ended?.resumeRevision, resumeAt, 'the end names the same resume point');
  const again = s.watch('k/', { prefix: true, startRevision: resumeAt });
  t.same([...flat(part), ...flat(drain(again))], HISTORY);
});

t.test('bookmarkable: progress notifications carry the current revision', async (t) => {
  const s = busy();
  const idle = s.watch('k/', { prefix: true, progressNotify: true });
  const quiet = s.watch('k/', { prefix: true });
  s.watchHub.progress();
  t.same(drain(idle), [{ type: 'progress', revision: 7 }]);
  t.same(drain(quiet), [], 'only watches that asked for progress notifications get them');
  s.put('other', '1');
  quiet.requestProgress();
  t.same(drain(quiet), [{ type: 'progress', revision: 8 }], 'asked for explicitly');
  s.put('k/x', '1');
  s.watchHub.progress();
  t.same(
    drain(idle).map((b) => b.type),
    ['events'],
    'no progress notification while events wait to be read',
  );
});

t.test('bookmarkable: a replaying watch gets its requested progress once caught up', async (t) => {
  const s = busy({ watch: { replayBatchEvents: 2 } });
  const w = s.watch('k/', { prefix: true, startRevision: 1 });
  w.requestProgress();
  const batches = drain(w);
  t.same(flat(batches), HISTORY);
  t.same(batches.at(-1), { type: 'progress', revision: 7 }, 'after every event up to it');
});

t.test('a slow consumer is buffered up to the bound, then the watch ends with a reason', async (t) => {
  const s = new MvccStore({ watch: { maxBufferedEvents: 3 } });
  const w = s.watch('k', { prefix: true });
  for (let i = 0; i < 5; i++) s.put(`k${i}`, 'v'); // revisions 2..6
  const batches = drain(w);
  t.same(flat(batches), ['2:put:k0=v', '3:put:k1=v', '4:put:k2=v'], 'everything buffered is delivered');
  t.same(batches.at(-1), { type: 'end', reason: 'slowConsumer', resumeRevision: 5 });
  t.same(w.ended, { reason: 'slowConsumer', resumeRevision: 5 });
  const resumed = s.watch('k', { prefix: true, startRevision: 5 });
  t.same(flat(drain(resumed)), ['5:put:k3=v', '6:put:k4=v'], 'resuming loses nothing');
});

t.test('the buffer bound also counts bytes, and one oversized batch still goes to an empty buffer', async (t) => {
  const s = new MvccStore({ watch: { maxBufferedBytes: 300 } });
  const w = s.watch('k', { prefix: true });
  s.put('k1', 'v'.repeat(1000));
  s.put('k2', 'v');
  const batches = drain(w);
  t.equal(batches.length, 2);
  t.equal(batches[0]?.type, 'events');
  t.match(batches[1], { type: 'end', reason: 'slowConsumer', resumeRevision: 3 });
});

t.test('a consumer that keeps up is never ended', async (t) => {
  const s = new MvccStore({ watch: { maxBufferedEvents: 2 } });
  const w = s.watch('k', { prefix: true });
  for (let i = 0; i < 100; i++) {
    s.put(`k${i}`, 'v');
    t.equal(drain(w).length, 1);
  }
  t.equal(w.ended, undefined);
});

t.test('watching from a compacted revision fails; compaction overtaking a replay ends it', async (t) => {
  const s = busy({ watch: { replayBatchEvents: 1 } });
  s.compact(4);
  t.throws(() => s.watch('k/', { prefix: true, startRevision: 3 }), { code: 'compacted', compactRevision: 4 });
  const atCompact = s.watch('k/', { prefix: true, startRevision: 4 });
  t.same(flat(drain(atCompact)), HISTORY.slice(2), 'the compact revision itself can be watched');
  const w = s.watch('k/', { prefix: true, startRevision: 5 });
  t.same(flat([w.take() as WatchBatch]), ['5:delete:k/b=']);
  s.compact(7);
  const rest = drain(w);
  t.same(rest, [{ type: 'end', reason: 'compacted', resumeRevision: 6, compactRevision: 7 }]);
});

t.test('filters drop puts or deletes; prevKv adds the key before the change', async (t) => {
  const s = busy();
  const noPut = s.watch('k/', { prefix: true, startRevision: 1, filters: ['noPut'] });
  t.same(flat(drain(noPut)), ['5:delete:k/b=', '7:delete:k/a=', '7:delete:k/b=', '7:delete:k/c=']);
  const noDelete = s.watch('k/b', { startRevision: 1, filters: ['noDelete'], prevKv: true });
  const events: WatchEvent[] = drain(noDelete).flatMap((b) => (b.type === 'events' ? [...b.events] : []));
  t.same(
    events.map((e) => `${e.type} ${text(e.kv.value)} prev=${e.prevKv === undefined ? '-' : text(e.prevKv.value)}`),
    ['put 1 prev=-', 'put 2 prev=-'],
    'a put after a delete has no prevKv',
  );
  const deletes = s.watch('k/a', { startRevision: 1, prevKv: true, filters: ['noPut'] });
  const [del] = drain(deletes).flatMap((b) => (b.type === 'events' ? [...b.events] : []));
  t.match(del?.kv, { modRevision: 7, version: 0, createRevision: 0 });
  t.equal(text(del?.prevKv?.value ?? new Uint8Array()), '2', 'a delete carries the deleted value');
});

t.test('range and single-key watches see only their keys', async (t) => {
  const s = new MvccStore();
  const one = s.watch('b');
  const range = s.watch('b', { rangeEnd: 'd' });
  const from = s.watch('c', { fromKey: true });
  const all = s.watch('', { prefix: true });
  for (const k of ['a', 'b', 'bb', 'c', 'd', 'z']) s.put(k, 'v');
  const keys = (w: Watch) => flat(drain(w)).map((e) => e.split(':')[2]?.split('=')[0]);
  t.same(keys(one), ['b']);
  t.same(keys(range), ['b', 'bb', 'c']);
  t.same(keys(from), ['c', 'd', 'z']);
  t.same(keys(all), ['a', 'b', 'bb', 'c', 'd', 'z']);
  t.equal(s.watchHub.size, 4);
  t.throws(() => s.watch(''), { code: 'emptyKey' });
});

t.test('a watch can start in the future', async (t) => {
  const s = new MvccStore();
  const w = s.watch('k', { startRevision: 4 });
  for (let i = 0; i < 4; i++) s.put('k', String(i)); // 2..5
  t.same(flat(drain(w)), ['4:put:k=2', '5:put:k=3']);
});

t.test('async iteration waits for events; leaving the loop cancels', async (t) => {
  const s = new MvccStore();
  const w = s.watch('k', { prefix: true });
  const got: string[] = [];
  const consumer = (async () => {
    for await (const batch of w) {
      got.push(...flat([batch]));
      if (got.length === 3) break;
    }
  })();
  for (let i = 0; i < 3; i++) {
    await Promise.resolve();
    s.put(`k${i}`, 'v');
  }
  await consumer;
  t.same(got, ['2:put:k0=v', '3:put:k1=v', '4:put:k2=v']);
  t.equal(w.ended?.reason, 'canceled');
  t.equal(s.watchHub.size, 0, 'the hub forgot the watch');
});

t.test('cancel finishes a pending next(); next() after the end is done', async (t) => {
  const s = new MvccStore();
  const w = s.watch('k');
  const pending = w.next();
  w.cancel();
  t.same(await pending, { value: undefined, done: true });
  t.same(await w.next(), { value: undefined, done: true });
  w.cancel();
  w.requestProgress();
  t.equal(w.ended?.reason, 'canceled');
});

t.test('the end batch reaches a waiting consumer, then the iteration is over', async (t) => {
  const s = new MvccStore();
  const w = s.watch('k');
  const results: string[] = [];
  const consumer = (async () => {
    for await (const b of w) results.push(b.type === 'end' ? `end:${b.reason}` : b.type);
  })();
  await Promise.resolve();
  s.put('k', 'v');
  await Promise.resolve();
  s.watchHub.close();
  await consumer;
  t.same(results, ['events', 'end:closed']);
});

t.test('watches continue across a restore from a snapshot', async (t) => {
  const leader = busy();
  const follower = new MvccStore();
  follower.restore(leader.snapshot());
  const w = follower.watch('k/', { prefix: true, startRevision: 6 });
  const live = follower.watch('k/', { prefix: true });
  t.same(flat([w.take() as WatchBatch]), ['6:put:k/b=2']);
  leader.put('k/z', '1'); // 8
  leader.put('k/y', '1'); // 9
  const waiting = live.next();
  follower.restore(leader.snapshot());
  t.same(flat([(await waiting).value as WatchBatch]), ['8:put:k/z=1'], 'a waiting consumer wakes up');
  t.same(flat(drain(w)), ['7:delete:k/a=', '7:delete:k/b=', '7:delete:k/c=', '8:put:k/z=1', '9:put:k/y=1']);
  t.same(flat(drain(live)), ['9:put:k/y=1']);
  follower.put('k/x', '1');
  t.same(flat(drain(live)), ['10:put:k/x=1'], 'and follows live writes again');
});

t.test('a restore that skips compacted history ends the watches that needed it', async (t) => {
  const leader = busy();
  const follower = new MvccStore();
  follower.restore(leader.snapshot());
  const w = follower.watch('k/', { prefix: true });
  leader.put('k/z', '1'); // 8
  leader.compact(8);
  follower.restore(leader.snapshot());
  t.same(flat(drain(w)), ['8:put:k/z=1'], 'the compact revision itself is still there');
  const v = follower.watch('k/', { prefix: true, startRevision: 8 });
  leader.put('k/q', '1'); // 9
  leader.put('k/r', '1'); // 10
  leader.compact(10);
  follower.restore(leader.snapshot());
  t.same(drain(v), [{ type: 'end', reason: 'compacted', resumeRevision: 8, compactRevision: 10 }]);
});

t.test('a start revision must be a non-negative integer', async (t) => {
  const s = new MvccStore();
  t.throws(() => s.watch('k', { startRevision: -1 }), { code: 'invalidRequest' });
  t.throws(() => s.watch('k', { startRevision: 1.5 }), { code: 'invalidRequest' });
});
