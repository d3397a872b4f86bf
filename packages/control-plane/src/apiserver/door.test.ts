// Bad input at the door: every malformed, oversized, deep or slow request gets a 4xx (or the
// connection is cut), and the server keeps serving.
import { connect } from 'node:net';
import t from 'tap';
import type { Test } from 'tap';
import { ApiServer } from './server.js';
import { tempStore } from './testing.js';

async function setup(t: Test) {
  const { store, close } = await tempStore();
  const server = await ApiServer.start({
    kv: store,
    port: 0,
    compactionIntervalMs: 0,
    timeouts: { headers: 1_500, body: 1_500 },
  });
  t.teardown(async () => {
    await server.stop();
    await close();
  });
  const port = Number(new URL(server.url).port);
  const send = async (method: string, path: string, body?: string, contentType = 'application/json') => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'Content-Type': contentType } }),
    });
    return { status: res.status, text: await res.text() };
  };
  const healthy = async () => (await send('GET', '/api/v1/namespaces/default')).status === 200;
  return { server, port, send, healthy };
}

/** Raw bytes on a socket; resolves with what came back when the server closes or after `waitMs`. */
function raw(
  port: number,
  chunks: string[],
  gapMs: number,
  waitMs: number,
): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closedByServer = false;
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('close', () => {
      closedByServer = true;
      resolve({ text, closedByServer });
    });
    socket.on('error', () => undefined);
    let i = 0;
    const next = () => {
      if (socket.destroyed || i >= chunks.length) return;
      socket.write(chunks[i] as string);
      i += 1;
      setTimeout(next, gapMs);
    };
    socket.on('connect', next);
    setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer });
    }, waitMs);
  });
}

t.test('malformed, deep and oversized bodies and selectors get 4xx; the server keeps serving', async (t) => {
  const { send, healthy, port } = await setup(t);
  const cases: [string, string, string | undefined, string, number][] = [
    ['malformed JSON', '/api/v1/namespaces/default/configmaps', '{"metadata":', 'application/json', 400],
    ['malformed YAML', '/api/v1/namespaces/default/configmaps', 'metadata: [unclosed', 'application/yaml', 400],
    [
      'YAML alias bomb',
      '/api/v1/namespaces/default/configmaps',
      `a: &a [${'x,'.repeat(50)}x]\n${Array.from({ length: 120 }, (_, i) => `b${i}: *a`).join('\n')}`,
      'application/yaml',
      400,
    ],
    [
      'garbage protobuf',
      '/api/v1/namespaces/default/configmaps',
      'k8s\u0000\u00ff\u00ff\u00ff',
      'application/vnd.kubernetes.protobuf',
      400,
    ],
    [
      'deeply nested JSON',
      '/api/v1/namespaces/default/configmaps',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      'application/json',
      400,
    ],
    ['not an object', '/api/v1/namespaces/default/configmaps', '[1,2,3]', 'application/json', 400],
    [
      'body over 3 MiB',
      '/api/v1/namespaces/default/configmaps',
      `{"data":{"a":"${'x'.repeat(3 * 1024 * 1024)}"}}`,
      'application/json',
      413,
    ],
    ['unknown content type', '/api/v1/namespaces/default/configmaps', 'x', 'text/csv', 415],
    ['malformed patch', '/api/v1/namespaces/default/configmaps/none', '{', 'application/merge-patch+json', 400],
  ];
  for (const [what, path, body, type, code] of cases) {
    const method = type.includes('patch') ? 'PATCH' : 'POST';
    const res = await send(method, path, body, type);
    t.equal(res.status, code, `${what}: ${res.text.slice(0, 200)}`);
    t.match(res.text, /"kind":"Status"/, `${what} answers a Status`);
  }
  const selector = await send(
    'GET',
    `/api/v1/pods?labelSelector=${encodeURIComponent('a in (' + 'x,'.repeat(10) + ')))')}`,
  );
  t.equal(selector.status, 400, 'a malformed label selector');
  const huge = await raw(
    port,
    [`GET /api/v1/pods?labelSelector=${'a'.repeat(70 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    0,
    3_000,
  );
  t.match(huge.text, /^HTTP\/1\.1 431/, 'a request line over 64 KiB');
  const headers = await raw(
    port,
    [`GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(70 * 1024)}\r\n\r\n`],
    0,
    3_000,
  );
  t.match(headers.text, /^HTTP\/1\.1 431/, 'headers over 64 KiB');
  t.ok(await healthy(), 'still serving');
});

t.test('slow clients are cut off: headers and bodies that trickle in', async (t) => {
  const { port, healthy } = await setup(t);
  const trickle = Array.from({ length: 40 }, (_, i) => (i === 0 ? 'GET /version HTTP/1.1\r\n' : `X-Slow-${i}: a\r\n`));
  const slowHeaders = await raw(port, trickle, 200, 8_000);
  t.ok(slowHeaders.closedByServer, 'slow headers: the server closed the connection');
  t.match(slowHeaders.text, /^(HTTP\/1\.1 408|)/, 'with 408 or nothing');
  const body = '{"metadata":{"name":"slow"}}';
  const slowBody = await raw(
    port,
    [
      `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ...body.split(''),
    ],
    300,
    8_000,
  );
  t.ok(slowBody.closedByServer, 'slow body: the server closed the connection');
  t.ok(await healthy(), 'still serving');
});
