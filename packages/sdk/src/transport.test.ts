import t from 'tap';
import type { Test } from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiStatusError, TransportError } from './errors.js';
import { Transport } from './transport.js';
import type { TransportOptions } from './transport.js';

type Behaviour = 'ok' | '500' | '429' | 'reset';

/** A tiny local server whose answer is set by the test; it counts requests by method. */
async function tinyServer(t: Test, name: string) {
  const state = { behaviour: 'ok' as Behaviour, hits: [] as string[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.hits.push(`${req.method ?? ''} ${req.url ?? ''}`);
      switch (state.behaviour) {
        case 'ok':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ server: name, body: Buffer.concat(chunks).toString() }));
          return;
        case '500':
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', code: 500, reason: 'InternalError', message: 'boom' }));
          return;
        case '429':
          res.writeHead(429, { 'Retry-After': '2' });
          res.end('slow down');
          return;
        case 'reset':
          req.socket.destroy();
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, url, server };
}

/** A loopback URL nothing listens on. */
async function refusedUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A transport on a fake clock: sleeping advances it and is recorded. */
function fakeTransport(t: Test, options: TransportOptions) {
  const clock = { now: 1_000_000, sleeps: [] as number[] };
  const transport = new Transport({
    now: () => clock.now,
    sleep: (ms) => {
      clock.sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
    deadlineMs: 10_000,
    backoff: { initialMs: 100, maxMs: 1_000 },
    ...options,
  });
  t.teardown(() => transport.close());
  return { transport, clock };
}

const bodyOf = (b: Buffer) => JSON.parse(b.toString()) as { server: string; body: string };

t.test('a refused server fails over to the next one, which is remembered', async (t) => {
  const b = await tinyServer(t, 'b');
  const { transport, clock } = fakeTransport(t, { servers: [await refusedUrl(), b.url] });
  const res = await transport.request({ method: 'GET', path: '/api', query: { a: 1, skip: undefined } });
  t.equal(res.status, 200);
  t.equal(bodyOf(res.body).server, 'b');
  t.equal(res.server, b.url);
  t.same(b.state.hits, ['GET /api?a=1']);
  t.same(clock.sleeps, [], 'moving to an untried server does not wait');
  t.equal(transport.currentServer, b.url, 'the good server is remembered');
  const posted = await transport.request({ method: 'POST', path: '/x', body: { k: 'v' } });
  t.equal(bodyOf(posted.body).body, '{"k":"v"}', 'objects are sent as JSON');
  t.same(b.state.hits, ['GET /api?a=1', 'POST /x']);
});

t.test('POST to a refusing server is retried (nothing was sent)', async (t) => {
  const b = await tinyServer(t, 'b');
  const { transport } = fakeTransport(t, { servers: [await refusedUrl(), b.url] });
  const res = await transport.request({ method: 'POST', path: '/create', body: '{}' });
  t.equal(bodyOf(res.body).server, 'b');
});

t.test('5xx moves a GET to the next server; a POST is not retried unless idempotent', async (t) => {
  const a = await tinyServer(t, 'a');
  const b = await tinyServer(t, 'b');
  a.state.behaviour = '500';
  const { transport } = fakeTransport(t, { servers: [a.url, b.url] });
  const get = await transport.request({ method: 'GET', path: '/g' });
  t.equal(bodyOf(get.body).server, 'b');
  t.same(a.state.hits, ['GET /g']);
  const again = new Transport({ servers: [a.url, b.url] });
  t.teardown(() => again.close());
  const post = await again.request({ method: 'POST', path: '/p', body: '{}' });
  t.equal(post.status, 500, 'the 500 is returned to the caller');
  t.same(b.state.hits, ['GET /g'], 'b never saw the POST');
  const idem = await again.request({ method: 'PUT', path: '/i', body: '{}', idempotent: true });
  t.equal(idem.status, 200);
  t.same(b.state.hits, ['GET /g', 'PUT /i']);
});

t.test('429 honours Retry-After', async (t) => {
  const a = await tinyServer(t, 'a');
  a.state.behaviour = '429';
  const { transport, clock } = fakeTransport(t, { servers: [a.url] });
  const res = await transport.request({ method: 'GET', path: '/r' });
  t.equal(res.status, 429, 'the last answer is returned once the deadline would pass');
  t.ok(clock.sleeps.length >= 2, 'it waited between attempts');
  t.ok(
    clock.sleeps.every((ms) => ms >= 2_000),
    `every wait is at least Retry-After (${clock.sleeps.join(',')})`,
  );
  t.ok(a.state.hits.length >= 3);
});

t.test('a POST whose connection drops after it was sent is not retried', async (t) => {
  const a = await tinyServer(t, 'a');
  const b = await tinyServer(t, 'b');
  a.state.behaviour = 'reset';
  const { transport } = fakeTransport(t, { servers: [a.url, b.url] });
  const err = await transport.request({ method: 'POST', path: '/p', body: '{}' }).catch((e: unknown) => e);
  t.ok(err instanceof TransportError);
  t.equal((err as TransportError).code, 'NotRetried');
  t.same(a.state.hits, ['POST /p']);
  t.same(b.state.hits, [], 'the POST was not repeated on another server');
  const get = await transport.request({ method: 'GET', path: '/g' });
  t.equal(bodyOf(get.body).server, 'b', 'a GET after a reset moves on');
});

t.test('every server down: exponential back-off, then Unavailable at the deadline', async (t) => {
  const { transport, clock } = fakeTransport(t, { servers: [await refusedUrl(), await refusedUrl()] });
  const err = await transport.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
  t.ok(err instanceof TransportError);
  t.equal((err as TransportError).code, 'Unavailable');
  const waits = clock.sleeps.filter((ms) => ms > 0);
  t.same(waits.slice(0, 5), [100, 200, 400, 800, 1000], 'doubling up to the cap between rounds');
  t.ok(clock.now - 1_000_000 <= 10_000, 'stopped within the deadline');
});

t.test('stream returns the body of a 2xx and throws ApiStatusError otherwise; abort stops retries', async (t) => {
  const a = await tinyServer(t, 'a');
  const { transport } = fakeTransport(t, { servers: [a.url] });
  const msg = await transport.stream({ method: 'GET', path: '/w' });
  let text = '';
  for await (const c of msg) text += (c as Buffer).toString();
  t.equal(JSON.parse(text).server, 'a');
  a.state.behaviour = '500';
  const err = await transport.stream({ method: 'GET', path: '/w', retryOnStatus: false }).catch((e: unknown) => e);
  t.ok(err instanceof ApiStatusError);
  t.equal((err as ApiStatusError).message, 'boom');
  const ac = new AbortController();
  ac.abort();
  const aborted = await transport.request({ method: 'GET', path: '/', signal: ac.signal }).catch((e: unknown) => e);
  t.equal((aborted as TransportError).code, 'Aborted');
});
