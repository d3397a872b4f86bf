// Transports on real sockets (127.0.0.1, port 0): batches, ordering, reconnection with
// back-off, refusals, bounds. Snapshots, TLS, Raft end to end and throughput have their own files.
import t from 'tap';
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { encodeFrame } from './frames.js';
import { WsTransport } from './ws-transport.js';
import { append, connectAll, heartbeat, startMember, TOKEN } from './transport.test.util.js';

t.test('two members exchange batches: one frame per peer per turn', async (t) => {
  const [a, b] = [await startMember(t, 'a'), await startMember(t, 'b')];
  connectAll([a, b]);
  a.transport.send([heartbeat('a', 'b', 1), append('a', 'b', 1, 3)]);
  a.transport.send([heartbeat('a', 'b', 2)]);
  b.transport.send([heartbeat('b', 'a', 1)]);
  await b.rec.until('3 messages at b', () => b.rec.messages.length === 3);
  await a.rec.until('1 message at a', () => a.rec.messages.length === 1);
  t.same(
    b.rec.messages.map((m) => [m.type, m.index]),
    [
      ['heartbeat', 1],
      ['append', 1],
      ['heartbeat', 2],
    ],
  );
  t.same(
    b.rec.messages[1]?.entries?.map((e) => [e.index, e.data[0]]),
    [
      [2, 1],
      [3, 2],
      [4, 3],
    ],
  );
  t.equal(a.transport.metrics.framesSent, 1, 'the three messages of one turn went as one frame');
  t.equal(a.transport.metrics.messagesSent, 3);
  t.equal(b.transport.metrics.messagesReceived, 3);
  t.equal(b.transport.metrics.framesReceived, 1);
  t.equal(a.transport.metrics.bytesSent, b.transport.metrics.bytesReceived);
  t.same(b.transport.inboundPeers, ['a']);
  t.equal(a.transport.peerState('b'), 'open');
  t.equal(a.transport.peerState('z'), undefined);
});

t.test('three members exchange batches all to all', async (t) => {
  const ids = ['a', 'b', 'c'];
  const members = await Promise.all(ids.map((id) => startMember(t, id)));
  connectAll(members);
  const ROUNDS = 50;
  for (let round = 0; round < ROUNDS; round++) {
    for (const m of members) {
      m.transport.send(ids.filter((to) => to !== m.transport.id).map((to) => heartbeat(m.transport.id, to, round)));
    }
    if (round % 10 === 9) await new Promise((r) => setImmediate(r)); // several turns, several frames
  }
  for (const m of members) {
    await m.rec.until(`${2 * ROUNDS} at ${m.transport.id}`, () => m.rec.messages.length === 2 * ROUNDS);
    for (const from of ids.filter((id) => id !== m.transport.id)) {
      const seen = m.rec.messages.filter((x) => x.from === from).map((x) => x.index);
      t.same(seen, [...Array(ROUNDS).keys()], `${m.transport.id} got ${from}'s messages in order`);
    }
    t.ok(
      m.transport.metrics.framesSent <= 2 * 5,
      `${m.transport.id} batched (${m.transport.metrics.framesSent} frames)`,
    );
  }
});

t.test('order is kept within a connection across many turns', async (t) => {
  const [a, b] = [await startMember(t, 'a'), await startMember(t, 'b')];
  connectAll([a, b]);
  const N = 20_000;
  for (let i = 0; i < N; i++) {
    a.transport.send([append('a', 'b', i)]);
    if (i % 997 === 0) await new Promise((r) => setImmediate(r));
  }
  await b.rec.until(`${N} messages`, () => b.rec.messages.length === N);
  let inOrder = true;
  for (let i = 0; i < N; i++) if (b.rec.messages[i]?.index !== i) inOrder = false;
  t.ok(inOrder, 'every message arrived once, in send order');
  t.equal(a.transport.metrics.messagesDropped, 0);
});

t.test('a peer that goes down and comes back: unreachable meanwhile, then messages flow again', async (t) => {
  const a = await startMember(t, 'a', { backoff: { initialMs: 30, maxMs: 120 } });
  const b1 = await startMember(t, 'b');
  const port = Number(new URL(b1.url).port);
  connectAll([a, b1]);
  a.transport.send([heartbeat('a', 'b', 1)]);
  await b1.rec.until('the first message', () => b1.rec.messages.length === 1);

  await b1.transport.close();
  await a.rec.until('b reported unreachable', () => a.rec.unreachable.includes('b'));
  t.equal(a.transport.peerState('b'), 'backoff');
  t.equal(a.transport.metrics.disconnects, 1);
  // Keep sending while b is down: each attempt fails, and messages are dropped, not queued.
  const deadline = Date.now() + 5_000;
  while (a.transport.metrics.connectFailures < 3 && Date.now() < deadline) {
    a.transport.send([heartbeat('a', 'b', 2)]);
    await new Promise((r) => setTimeout(r, 10));
  }
  t.ok(a.transport.metrics.connectFailures >= 3, 'reconnection was tried with back-off');
  t.ok(a.transport.metrics.messagesDropped > 0, 'messages for the unreachable peer were dropped');
  const reports = a.rec.unreachable.length;
  t.ok(reports >= 3, `onUnreachable was called meanwhile (${reports} times)`);

  const b2 = await startMember(t, 'b', { port });
  for (let i = 0; i < 500 && b2.rec.messages.length === 0; i++) {
    a.transport.send([heartbeat('a', 'b', 3)]);
    await new Promise((r) => setTimeout(r, 10));
  }
  await b2.rec.until('messages again', () => b2.rec.messages.length > 0);
  t.equal(b2.rec.messages[0]?.index, 3, 'nothing from the outage was kept and replayed');
  t.ok(a.transport.metrics.reconnects >= 1);
  t.equal(a.transport.peerState('b'), 'open');
});

t.test('a wrong cluster token is refused with 401 and nothing is served', async (t) => {
  const b = await startMember(t, 'b');
  const intruder = await startMember(t, 'a', { clusterToken: 'not-the-token' });
  intruder.transport.addPeer('b', b.url);
  intruder.transport.send([heartbeat('a', 'b', 1)]);
  await intruder.rec.until('unreachable', () => intruder.rec.unreachable.includes('b'));
  t.equal(intruder.transport.metrics.connectFailures, 1);
  t.match(intruder.rec.errors[0]?.message, /401/);
  t.equal(b.transport.metrics.rejectedUpgrades, 1);
  t.equal(b.rec.messages.length, 0);

  // The same at the HTTP level, with the raw answer.
  const port = Number(new URL(b.url).port);
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/raft',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.alloc(16, 1).toString('base64'),
        'x-bosun-cluster-token': 'guess',
        'x-bosun-member-id': 'a',
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('upgraded with a wrong token'));
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(status, 401);
  t.equal(b.transport.metrics.rejectedUpgrades, 2);
});

t.test('a connection meant for another member is refused (421)', async (t) => {
  const [a, b] = [await startMember(t, 'a'), await startMember(t, 'b')];
  a.transport.addPeer('c', b.url); // c's URL now points at b
  a.transport.send([heartbeat('a', 'c', 1)]);
  await a.rec.until('unreachable', () => a.rec.unreachable.includes('c'));
  t.match(a.rec.errors[0]?.message, /421/);
  t.equal(b.rec.messages.length, 0);
});

t.test('messages that lie about their sender or receiver are refused', async (t) => {
  const b = await startMember(t, 'b');
  const ws = new WebSocket(`${b.url.replace('http', 'ws')}/raft`, {
    headers: { 'x-bosun-cluster-token': TOKEN, 'x-bosun-member-id': 'a' },
  });
  t.teardown(() => ws.terminate());
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const frame = encodeFrame({
    kind: 'batch',
    messages: [heartbeat('x', 'b', 1), heartbeat('a', 'z', 2), heartbeat('a', 'b', 3)],
  });
  ws.send(frame);
  await b.rec.until('one message', () => b.rec.messages.length === 1);
  t.equal(b.rec.messages[0]?.index, 3);
  t.equal(b.transport.metrics.rejectedMessages, 2);

  // A malformed frame drops the connection.
  const closed = new Promise((resolve) => ws.once('close', resolve));
  ws.send(Buffer.from([0xc1]));
  await closed;
  t.equal(b.transport.metrics.protocolErrors, 1);
});

t.test('messages to unknown peers and over the bounds are dropped and reported', async (t) => {
  const b = await startMember(t, 'b');
  const a = await startMember(t, 'a', {
    maxQueuedMessages: 10,
    maxFrameBytes: 2 * 1024 * 1024,
    snapshotChunkBytes: 1024,
  });
  a.transport.send([heartbeat('a', 'nobody', 1)]);
  await a.rec.until('unknown peer reported', () => a.rec.unreachable.includes('nobody'));
  t.equal(a.transport.metrics.messagesDropped, 1);

  a.transport.addPeer('b', b.url);
  // While connecting, at most 10 messages wait; the rest is dropped and b reported.
  a.transport.send(Array.from({ length: 25 }, (_, i) => heartbeat('a', 'b', i)));
  await b.rec.until('10 messages', () => b.rec.messages.length === 10);
  t.same(
    b.rec.messages.map((m) => m.index),
    [...Array(10).keys()],
  );
  t.ok(a.rec.unreachable.includes('b'));
  t.equal(a.transport.metrics.messagesDropped, 1 + 15);

  // A batch over the frame limit is split; a single message over it is dropped.
  a.transport.send([append('a', 'b', 100, 1, 1024 * 1024), append('a', 'b', 200, 1, 1024 * 1024)]);
  a.transport.send([append('a', 'b', 300, 1, 3 * 1024 * 1024), heartbeat('a', 'b', 400)]);
  await b.rec.until('the fitting ones', () => b.rec.messages.length === 13);
  t.same(
    b.rec.messages.slice(10).map((m) => m.index),
    [100, 200, 400],
  );
  t.equal(a.transport.metrics.messagesDropped, 1 + 15 + 1);
});

t.test('a second transport can serve the Raft path on an existing server, leaving other paths alone', async (t) => {
  const { createServer } = await import('node:http');
  const server = createServer();
  const otherUpgrades: string[] = [];
  server.on('upgrade', (req, socket) => {
    if (req.url !== '/raft') {
      otherUpgrades.push(req.url ?? '');
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  });
  const received: number[] = [];
  const b = new WsTransport({ id: 'b', clusterToken: TOKEN, onMessage: (m) => received.push(m.index ?? -1) });
  t.teardown(() => b.close());
  b.attach(server);
  const a = await startMember(t, 'a');
  const { port } = server.address() as { port: number };
  a.transport.addPeer('b', `http://127.0.0.1:${port}`);
  a.transport.send([heartbeat('a', 'b', 7)]);
  a.transport.addPeer('o', `http://127.0.0.1:${port}/other`);
  a.transport.send([heartbeat('a', 'o', 1)]);
  await a.rec.until('other path refused', () => a.rec.unreachable.includes('o'));
  const deadline = Date.now() + 5_000;
  while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  t.same(received, [7]);
  t.same(otherUpgrades, ['/other/raft']);
});

t.test('a peer that stops answering pings is dropped and reported', async (t) => {
  const { WebSocketServer } = await import('ws');
  const silent = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
  t.teardown(() => {
    for (const c of silent.clients) c.terminate();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  await new Promise((resolve) => silent.once('listening', resolve));
  const { port } = silent.address() as { port: number };
  const a = await startMember(t, 'a', { keepAliveMs: 50 });
  a.transport.addPeer('b', `http://127.0.0.1:${port}`);
  a.transport.send([heartbeat('a', 'b', 1)]);
  await a.rec.until('unreachable', () => a.rec.unreachable.includes('b'));
  t.equal(a.transport.metrics.disconnects, 1, 'the connection was open, then dropped');
  t.match(a.rec.errors[0]?.message, /no pong/);
});

t.test('a stall of this process longer than the keep-alive does not drop a live peer', async (t) => {
  const [a, b] = [await startMember(t, 'a', { keepAliveMs: 20 }), await startMember(t, 'b', { keepAliveMs: 20 })];
  connectAll([a, b]);
  a.transport.send([heartbeat('a', 'b', 1)]);
  await b.rec.until('the first message', () => b.rec.messages.length === 1);
  // A 20 ms interval made after the links' keep-alive ones runs right after them in the same
  // timers phase: each ping has just gone out when the event loop is blocked past its deadline,
  // and the pong is read only after the next keep-alive tick.
  let stalls = 0;
  await new Promise<void>((resolve) => {
    const stall = setInterval(() => {
      const until = performance.now() + 60;
      while (performance.now() < until); // blocked
      if (++stalls === 5) {
        clearInterval(stall);
        resolve();
      }
    }, 20);
  });
  a.transport.send([heartbeat('a', 'b', 2)]);
  await b.rec.until('the second message', () => b.rec.messages.length === 2);
  t.equal(a.transport.metrics.disconnects, 0, 'the link to b stayed open');
  t.equal(b.transport.metrics.disconnects, 0, 'and the link to a');
});

t.test('options are checked', async (t) => {
  const base = { id: 'a', clusterToken: TOKEN, onMessage: () => undefined };
  t.throws(() => new WsTransport({ ...base, id: '' }), /member id/);
  t.throws(() => new WsTransport({ ...base, clusterToken: '' }), /token/);
  t.throws(() => new WsTransport({ ...base, maxFrameBytes: 1024 * 1024 }), /do not fit/);
  const tr = new WsTransport(base);
  t.throws(() => tr.addPeer('a', 'http://127.0.0.1:1'), /bad peer id/);
  t.throws(() => tr.addPeer('b', 'gopher://127.0.0.1:1'), /http\(s\)/);
  await tr.close();
  t.throws(() => tr.addPeer('b', 'http://127.0.0.1:1'), /closed/);
  tr.send([heartbeat('a', 'b', 1)]);
  t.equal(tr.metrics.messagesDropped, 1, 'a closed transport drops');
});
