import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { openStore, type OpenStoreOptions, type Store } from '../store/embedded.js';
import { framesOf } from './outbox.js';
import { decodeFrame, encodeFrame, parseServerFrame, type ServerFrame } from './protocol.js';
import { startKvServer, type KvServer, type KvServerOptions } from './server.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A store in a `bosun-` temp dir behind a server on 127.0.0.1:0, both closed (and removed) at teardown. */
async function serve(
  t: Teardown,
  options: { store?: Partial<OpenStoreOptions>; server?: Partial<KvServerOptions> } = {},
): Promise<{ store: Store; server: KvServer; base: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bosun-server-'));
  const opened: { store?: Store; server?: KvServer } = {};
  t.teardown(async () => {
    try {
      await opened.server?.close();
      await opened.store?.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  const store = (opened.store = await openStore({ dataDir, tickMs: 20, ...options.store }));
  const server = (opened.server = await startKvServer({ kv: store, ...options.server }));
  return { store, server, base: `http://127.0.0.1:${server.port}` };
}

/** A raw protocol client: sends frames, collects what comes back. */
async function rawClient(t: Teardown, url: string): Promise<{ ws: WebSocket; frames: ServerFrame[] }> {
  const ws = new WebSocket(url);
  t.teardown(() => ws.terminate());
  const frames: ServerFrame[] = [];
  ws.on('message', (data: Buffer) => frames.push(...(framesOf(decodeFrame(data)) as ServerFrame[])));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

/** Waits until `check` holds, polling every 10 ms, failing after `timeoutMs`. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

t.test('GET /health answers 200 with a leader, 503 when the check says no', async (t) => {
  const { base } = await serve(t);
  const ok = await fetch(`${base}/health`);
  t.equal(ok.status, 200);
  t.same(await ok.json(), { health: 'true' });

  let healthy = false;
  const { base: other } = await serve(t, {
    server: { health: () => (healthy ? { healthy: true } : { healthy: false, reason: 'applied index behind' }) },
  });
  const no = await fetch(`${other}/health`);
  t.equal(no.status, 503);
  t.same(await no.json(), { health: 'false', reason: 'applied index behind' });
  healthy = true;
  t.equal((await fetch(`${other}/health`)).status, 200);

  const { base: hung } = await serve(t, {
    server: { health: () => new Promise(() => undefined), healthTimeoutMs: 100 },
  });
  t.equal((await fetch(`${hung}/health`)).status, 503, 'a check that never answers is unhealthy');
  t.equal((await fetch(`${base}/nope`)).status, 404);
});

t.test('GET /health is 503 while the store has an alarm raised', async (t) => {
  const { store, base } = await serve(t);
  await store.alarm('activate', 'NOSPACE');
  const res = await fetch(`${base}/health`);
  t.equal(res.status, 503);
  t.match(await res.json(), { health: 'false', reason: /NOSPACE/ });
});

t.test('GET /metrics: requests, latency, connections, watchers and the owner gauges', async (t) => {
  const { server, base } = await serve(t, {
    server: { member: () => ({ appliedIndex: 42, commitIndex: 43, term: 7, leaderChanges: 3, walBytes: 4096 }) },
  });
  server.metrics.observeFsync(0.003);
  server.metrics.observeApply(0.0001);
  const { ws, frames } = await rawClient(t, server.url);
  ws.send(encodeFrame({ id: 1, method: 'put', args: ['a', 'b'] }));
  ws.send(encodeFrame({ id: 2, method: 'range', args: ['a', { revision: 1000 }] }));
  ws.send(encodeFrame({ id: 3, method: 'watch', args: [1, 'a', {}] }));
  await eventually(() => frames.filter((f) => 'id' in f).length === 3);
  const res = await fetch(`${base}/metrics`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /text\/plain/);
  const body = await res.text();
  const value = (name: string) => {
    const m = new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(body);
    return m === null ? undefined : Number(m[1]);
  };
  t.equal(value('bosun_kv_requests_total{method="put",outcome="ok"}'), 1);
  t.equal(value('bosun_kv_requests_total{method="range",outcome="futureRevision"}'), 1);
  t.equal(value('bosun_kv_request_duration_seconds_count{method="put"}'), 1);
  t.equal(value('bosun_kv_connections'), 1);
  t.equal(value('bosun_kv_watchers'), 1);
  t.equal(value('bosun_kv_slow_watchers_ended_total'), 0);
  t.equal(value('bosun_raft_applied_index'), 42);
  t.equal(value('bosun_raft_commit_index'), 43);
  t.equal(value('bosun_raft_term'), 7);
  t.equal(value('bosun_raft_leader_changes_seen_total'), 3);
  t.equal(value('bosun_wal_size_bytes'), 4096);
  t.equal(value('bosun_wal_fsync_duration_seconds_count'), 1);
  t.equal(value('bosun_apply_duration_seconds_count'), 1);
});

t.test('the default member gauges come from the store status', async (t) => {
  const { store, base } = await serve(t);
  await store.put('a', 'b');
  const status = await store.status();
  const body = await (await fetch(`${base}/metrics`)).text();
  t.match(body, new RegExp(`^bosun_raft_applied_index ${status.raftAppliedIndex}$`, 'm'));
  t.match(body, new RegExp(`^bosun_raft_term ${status.raftTerm}$`, 'm'));
});

t.test('bad frames: unknown methods and arguments get badRequest, garbage closes the connection', async (t) => {
  const { server } = await serve(t);
  const { ws, frames } = await rawClient(t, server.url);
  ws.send(encodeFrame({ id: 1, method: 'drop', args: [] } as never));
  ws.send(encodeFrame({ id: 2, method: 'put', args: [42, 'v'] }));
  ws.send(encodeFrame({ id: 3, method: 'range', args: 'a' } as never));
  ws.send(encodeFrame({ id: 4, method: 'watchCancel', args: [99] }));
  await eventually(() => frames.length === 4);
  const byId = new Map(frames.map((f) => ['id' in f ? f.id : -1, f]));
  t.match(byId.get(1), { error: { code: 'badRequest', details: { kind: 'server' } } });
  t.match(byId.get(2), { error: { code: 'badRequest', message: /argument 0/ } });
  t.match(byId.get(3), { error: { code: 'badRequest' } });
  t.match(byId.get(4), { result: null }, 'canceling a watch that is gone is fine');
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(Buffer.from([0xc1])); // never used in msgpack
  t.equal(await closed, 1002);
});

t.test('a watch client that stops reading ends with slowConsumer and the revision to resume from', async (t) => {
  const { store, server } = await serve(t, {
    store: { watch: { maxBufferedEvents: 50 } },
    server: { limits: { highWaterBytes: 64 * 1024 } },
  });
  const { ws, frames } = await rawClient(t, server.url);
  ws.send(encodeFrame({ id: 1, method: 'watch', args: [7, 'k', { prefix: true }, 1_000_000] }));
  await eventually(() => frames.length === 1);
  ws.pause(); // stop reading: the socket buffers fill, then the server stops pulling from the store
  const value = 'x'.repeat(64 * 1024);
  const written: number[] = [];
  for (let i = 0; i < 400; i++) written.push((await store.put(`k${i % 10}`, value)).header.revision);
  ws.resume();
  await eventually(() => frames.some((f) => 'watch' in f && 'batch' in f && f.batch.type === 'end'), 10_000);
  const batches = frames.flatMap((f) => ('watch' in f && 'batch' in f ? [f.batch] : []));
  const revisions = batches.flatMap((b) => (b.type === 'events' ? [b.revision] : []));
  const end = batches.at(-1);
  t.match(end, { type: 'end', reason: 'slowConsumer' });
  t.ok(revisions.length < written.length, `ended early (${revisions.length} of ${written.length} delivered)`);
  t.same(revisions, written.slice(0, revisions.length), 'in order, no gap');
  t.equal(end?.type === 'end' ? end.resumeRevision : 0, written[revisions.length], 'resume at the first not delivered');
  t.match(await server.metrics.text(), /^bosun_kv_slow_watchers_ended_total 1$/m);
});

t.test('close() answers the requests it started, then closes sockets with 1001', async (t) => {
  const { server } = await serve(t);
  const { ws, frames } = await rawClient(t, server.url);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  for (let i = 1; i <= 50; i++) ws.send(encodeFrame({ id: i, method: 'put', args: [`k${i}`, 'v'] }));
  await eventually(() => frames.length > 0);
  await server.close();
  t.equal(await closed, 1001);
  const served = /^bosun_kv_requests_total\{method="put",outcome="ok"\} (\d+)$/m.exec(await server.metrics.text());
  t.equal(frames.length, Number(served?.[1]), 'every put the server served was answered');
  t.ok(frames.every((f) => 'result' in f));
  await server.close(); // twice is fine
});

t.test('a port in use fails the start', async (t) => {
  const { server } = await serve(t);
  const { store } = await serve(t);
  await t.rejects(startKvServer({ kv: store, port: server.port }), { code: 'EADDRINUSE' });
});

t.test('the upgrade is refused on other paths and without the token', async (t) => {
  const { server, base } = await serve(t, { server: { authorize: (token) => token === 'ok' } });
  const status = (url: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        resolve(101);
        ws.terminate();
      });
      ws.once('error', () => resolve(-1));
    });
  t.equal(await status(`${base.replace('http', 'ws')}/other`), 404);
  t.equal(await status(server.url), 401);
  t.equal(await status(server.url, { authorization: 'Bearer ok' }), 101);
});

t.test('watches opened grouped share one frame per revision; the others get their own', async (t) => {
  const { store, server } = await serve(t);
  const { ws, frames } = await rawClient(t, server.url);
  // 1 and 2 grouped on the same prefix, 3 grouped with prevKv (other events), 4 not grouped.
  ws.send(encodeFrame({ id: 1, method: 'watch', args: [1, 'k', { prefix: true }, 1_000, true] }));
  ws.send(encodeFrame({ id: 2, method: 'watch', args: [2, 'k', { prefix: true }, 1_000, true] }));
  ws.send(encodeFrame({ id: 3, method: 'watch', args: [3, 'k', { prefix: true, prevKv: true }, 1_000, true] }));
  ws.send(encodeFrame({ id: 4, method: 'watch', args: [4, 'k', { prefix: true }, 1_000] }));
  await eventually(() => frames.length === 4);
  const revisions: number[] = [];
  for (let i = 0; i < 5; i++) revisions.push((await store.put(`k${i}`, `v${i}`)).header.revision);
  const perWatch = (id: number) =>
    frames.flatMap((f) => {
      if ('watches' in f) return f.watches.includes(id) ? [f.batch] : [];
      return 'watch' in f && f.watch === id && 'batch' in f ? [f.batch] : [];
    });
  await eventually(() => [1, 2, 3, 4].every((id) => perWatch(id).length === 5));
  const grouped = frames.filter((f) => 'watches' in f);
  t.ok(grouped.length > 0 && grouped.length <= 5, `the puts went to 1 and 2 in shared frames (${grouped.length})`);
  t.ok(
    grouped.every((f) => 'watches' in f && [...f.watches].sort().join() === '1,2'),
    'only watches with the same events share a frame',
  );
  for (const id of [1, 2, 3, 4]) {
    t.same(
      perWatch(id).map((b) => (b.type === 'events' ? b.revision : -1)),
      revisions,
      `watch ${id} sees every revision once, in order`,
    );
  }
  t.equal(parseServerFrame({ watches: [1, 'x'], batch: {} }), undefined, 'a malformed grouped frame is refused');
});
