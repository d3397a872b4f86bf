import t from 'tap';
import type { WatchBatch } from '../mvcc/watch.js';
import { startKvServer } from '../server/server.js';
import type { KvWatch } from '../store/kv.js';
import { isClientError } from './errors.js';
import { eventually, startClient, startMember, text } from './members.test.util.js';
import { ClientWatch, type WatchControl } from './watch.js';

/** Collects a watch's batches in the background. */
function collect(watch: KvWatch): { batches: WatchBatch[]; done: Promise<unknown> } {
  const batches: WatchBatch[] = [];
  const done = (async () => {
    for await (const batch of watch) batches.push(batch);
  })().catch((e: unknown) => e);
  return { batches, done };
}

/** The revisions of the event batches. */
function eventRevisions(batches: readonly WatchBatch[]): number[] {
  return batches.flatMap((b) => (b.type === 'events' ? [b.revision] : []));
}

t.test('a watch delivers ordered, unique, atomic batches, as the store own watch does', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 5_000 });
  await client.put('other', 'x');
  const start = (await client.status()).revision + 1;
  const remote = collect(client.watch('w/', { prefix: true, prevKv: true }));
  const local = collect(member.store.watch('w/', { prefix: true, prevKv: true, startRevision: start }));
  await eventually(() => member.server.metrics.text().then((m) => /^bosun_kv_watchers 1$/m.test(m)));

  const written: number[] = [];
  for (let i = 0; i < 20; i++) written.push((await client.put(`w/${i % 5}`, `v${i}`)).header.revision);
  await client.put('other', 'y'); // outside the watched range
  const txn = await client.txn({
    success: [
      { type: 'put', key: 'w/a', value: '1' },
      { type: 'put', key: 'w/b', value: '2' },
      { type: 'deleteRange', key: 'w/0' },
    ],
  });
  written.push(txn.header.revision);
  written.push((await client.deleteRange('w/', { prefix: true })).header.revision);

  await eventually(() => eventRevisions(remote.batches).length === written.length);
  t.same(eventRevisions(remote.batches), written, 'one batch per write, in order, each once');
  const atomic = remote.batches.find((b) => b.type === 'events' && b.revision === txn.header.revision);
  t.match(atomic, { events: [{ type: 'put' }, { type: 'put' }, { type: 'delete' }] }, 'the txn in one batch');
  await eventually(() => eventRevisions(local.batches).length === written.length);
  t.same(remote.batches, local.batches, 'the same batches as a watch on the store itself');
});

t.test('a watch resumes with no gap and no repeat after its member restarts on the same dir and port', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 5_000, watchResumeTimeoutMs: 15_000 });
  const watch = client.watch('k', { prefix: true });
  const seen = collect(watch);
  const written: number[] = [];
  for (let i = 0; i < 10; i++) written.push((await client.put(`k${i}`, 'before')).header.revision);
  await eventually(() => eventRevisions(seen.batches).length === 10);

  await member.stop();
  // A write that cannot be sent yet is retried (it never left): it lands once the member is back.
  const queued = client.put('k-queued', 'sent when back');
  const store = await member.reopenStore();
  // Written while no server runs: the resumed watch must replay these from history.
  for (let i = 0; i < 5; i++) written.push((await store.put(`k${i}`, 'while down')).header.revision);
  await store.put('unwatched', 'x');
  await member.startServer();
  written.push((await queued).header.revision);

  for (let i = 0; i < 10; i++) written.push((await client.put(`k${i}`, 'after')).header.revision);
  await eventually(() => eventRevisions(seen.batches).length >= written.length, 10_000);
  t.same(eventRevisions(seen.batches), written, 'every write seen once, in order');
  const values = seen.batches.flatMap((b) => (b.type === 'events' ? b.events.map((e) => text(e.kv.value)) : []));
  t.same(values.slice(10, 16), [...Array(5).fill('while down'), 'sent when back']);
  watch.cancel();
  await seen.done;
});

t.test('a watch fails over to another endpoint with no gap and no repeat', async (t) => {
  const member = await startMember(t);
  const second = await startKvServer({ kv: member.store }); // a second endpoint onto the same history
  t.teardown(() => second.close());
  const client = await startClient(t, { endpoints: [member.url, second.url], timeoutMs: 5_000 });
  const watch = client.watch('k', { prefix: true, prevKv: true });
  const seen = collect(watch);
  const written: number[] = [];
  for (let i = 0; i < 10; i++) written.push((await client.put(`k${i}`, 'first')).header.revision);
  await eventually(() => eventRevisions(seen.batches).length === 10);
  const closing = member.server.close();
  for (let i = 0; i < 5; i++) written.push((await member.store.put(`k${i}`, 'between')).header.revision);
  await closing;
  for (let i = 0; i < 5; i++) written.push((await client.put(`k${i}`, 'second')).header.revision);
  await eventually(() => eventRevisions(seen.batches).length >= written.length);
  t.same(eventRevisions(seen.batches), written, 'every write seen once, in order');
  t.equal((await client.status()).memberId, 'default');
  t.match(await second.metrics.text(), /^bosun_kv_watchers 1$/m, 'the watch now streams from the second endpoint');
  watch.cancel();
  await seen.done;
});

t.test('a watch from a compacted revision ends with reason compacted', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url] });
  for (let i = 0; i < 5; i++) await client.put('k', `${i}`);
  const { revision } = await client.status();
  await client.compact(revision);
  const { batches, done } = collect(client.watch('k', { startRevision: 2 }));
  await done;
  t.same(batches, [{ type: 'end', reason: 'compacted', resumeRevision: 2, compactRevision: revision }]);
});

t.test('requestProgress brings a progress notification at the current revision', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url] });
  const watch = client.watch('quiet');
  watch.requestProgress(); // before the stream is open: sent once it is
  const { batches, done } = collect(watch);
  await client.put('elsewhere', 'x');
  const { revision } = await client.status();
  await eventually(() => batches.length > 0);
  watch.requestProgress();
  await eventually(() => batches.some((b) => b.type === 'progress' && b.revision === revision));
  t.ok(batches.every((b) => b.type === 'progress'));
  watch.cancel();
  await done;
});

t.test(
  'a consumer that falls behind stops the stream, then gets an end to resume from, and loses nothing',
  async (t) => {
    const member = await startMember(t, { store: { watch: { maxBufferedEvents: 10 } } });
    const client = await startClient(t, { endpoints: [member.url], watchWindow: 10 });
    const watch = client.watch('k', { prefix: true });
    await eventually(() => member.server.metrics.text().then((m) => /^bosun_kv_watchers 1$/m.test(m)));
    const written: number[] = [];
    for (let i = 0; i < 30; i++) written.push((await client.put(`k${i}`, 'v')).header.revision);
    const { batches } = collect(watch);
    await eventually(() => batches.at(-1)?.type === 'end');
    const end = batches.at(-1);
    t.match(end, { type: 'end', reason: 'slowConsumer' });
    const resumeRevision = end?.type === 'end' ? end.resumeRevision : 0;
    const delivered = eventRevisions(batches);
    t.equal(delivered.length, 20, "the client's window, then the hub's buffer");
    t.same(delivered, written.slice(0, 20));
    t.equal(resumeRevision, written[20], 'resume right after the last delivered');
    t.match(await member.server.metrics.text(), /^bosun_kv_slow_watchers_ended_total 1$/m);
    const rest = collect(client.watch('k', { prefix: true, startRevision: resumeRevision }));
    await eventually(() => eventRevisions(rest.batches).length === 10);
    t.same([...delivered, ...eventRevisions(rest.batches)], written, 'nothing lost, nothing repeated');
  },
);

t.test('a window smaller than history replays it all, a window at a time', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], watchWindow: 3 });
  const written: number[] = [];
  for (let i = 0; i < 50; i++) written.push((await client.put(`k${i % 7}`, `${i}`)).header.revision);
  const { batches } = collect(client.watch('k', { prefix: true, startRevision: written[0] }));
  await eventually(() => eventRevisions(batches).length === 50);
  t.same(eventRevisions(batches), written);
});

t.test('a watch that cannot resume fails with unavailable and the revision to resume from', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], watchResumeTimeoutMs: 300 });
  const watch = client.watch('k');
  const { batches, done } = collect(watch);
  const { header } = await client.put('k', 'v');
  await eventually(() => batches.length === 1);
  await member.stop();
  const error = await done;
  t.ok(isClientError(error, 'unavailable'), 'unavailable');
  t.equal((error as { resumeRevision?: number }).resumeRevision, header.revision + 1);
});

t.test('ClientWatch skips repeats and acknowledges what its consumer takes', async (t) => {
  const released: ClientWatch[] = [];
  const acks: [number, number][] = [];
  const control: WatchControl = {
    release: (w) => released.push(w),
    requestProgress: () => undefined,
    acknowledge: (_w, subscription, cost) => acks.push([subscription, cost]),
  };
  const w = new ClientWatch(1, 'k', {}, control, 4);
  w.subscribing(7);
  w.started(5);
  const kv = {
    key: Buffer.from('k'),
    createRevision: 5,
    modRevision: 5,
    version: 1,
    value: Buffer.from('v'),
    lease: 0,
  };
  const batch = (revision: number, n = 1): WatchBatch => ({
    type: 'events',
    revision,
    events: Array(n).fill({ type: 'put', kv }),
  });
  t.equal(w.receive(batch(4)), true);
  t.equal(w.receive(batch(5)), true);
  t.equal(w.receive(batch(5)), true, 'a repeat is skipped');
  t.same(acks, [[7, 2]], 'the repeats are acknowledged at once');
  t.equal(w.receive({ type: 'progress', revision: 7 }), true);
  t.equal(w.nextRevision, 8);
  t.equal(w.receive(batch(8, 3)), true);
  t.equal(w.receive({ type: 'end', reason: 'slowConsumer', resumeRevision: 9 }), true);
  t.equal(w.state, 'ended');
  t.same(released, [w]);
  const out: WatchBatch[] = [];
  for await (const b of w) out.push(b);
  t.same(
    out.map((b) => b.type),
    ['events', 'progress', 'events', 'end'],
  );
  t.same(eventRevisions(out), [5, 8]);
  t.match(out.at(-1), { type: 'end', reason: 'slowConsumer', resumeRevision: 9 });
  const resumable = new ClientWatch(2, 'k', { startRevision: 3 }, control, 10);
  t.equal(resumable.subscribeRevision, 3);
  t.equal(resumable.receive({ type: 'end', reason: 'closed', resumeRevision: 6 }), false, 'closed: resume');
  t.equal(resumable.subscribeRevision, 6);
});

t.test('many watches on one connection (their batches grouped) each see every batch once, in order', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 5_000 });
  const watches = Array.from({ length: 20 }, () => collect(client.watch('s/', { prefix: true })));
  await eventually(() => member.server.metrics.text().then((m) => /^bosun_kv_watchers 20$/m.test(m)));
  const written = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => (await client.put(`s/${i % 7}`, `v${i}`)).header.revision),
  );
  written.sort((a, b) => a - b);
  await eventually(() => watches.every((w) => eventRevisions(w.batches).length === written.length));
  for (const w of watches) t.same(eventRevisions(w.batches), written);
  const sent = /^bosun_kv_requests_total\{method="put",outcome="ok"\} (\d+)$/m.exec(await member.server.metrics.text());
  t.equal(Number(sent?.[1]), 50);
});
