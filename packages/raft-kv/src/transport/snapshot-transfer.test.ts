// Snapshots over real sockets: chunked, reassembled intact, reported to the sender, and not
// holding up the small messages that share the connection.
import t from 'tap';
import { createHash } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { Message } from '../raft/types.js';
import { connectAll, heartbeat, startMember } from './transport.test.util.js';

const MB = 1_000_000;

function snapshotMessage(bytes: number, seed: number): Message {
  const data = new Uint8Array(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  const meta = { index: 1000, term: 5, confState: { voters: ['a', 'b', 'c'], learners: [] } };
  return { type: 'snapshot', from: 'a', to: 'b', term: 5, snapshot: { meta, data } };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

t.test('a 20 MB snapshot is chunked, reassembled intact, and reported sent', async (t) => {
  const [a, b] = [await startMember(t, 'a'), await startMember(t, 'b')];
  connectAll([a, b]);
  const snap = snapshotMessage(20 * MB, 7);
  a.transport.send([heartbeat('a', 'b', 1), snap, heartbeat('a', 'b', 2)]);
  // Heartbeats keep going while the snapshot streams.
  let beats = 3;
  for (let i = 0; i < 200 && a.rec.snapshotsSent.length === 0; i++) {
    a.transport.send([heartbeat('a', 'b', beats++)]);
    await new Promise((r) => setTimeout(r, 1));
  }
  await a.rec.until('snapshot reported', () => a.rec.snapshotsSent.length === 1);
  t.same(a.rec.snapshotsSent, [{ to: 'b', ok: true }]);
  await b.rec.until('snapshot delivered', () => b.rec.messages.some((m) => m.type === 'snapshot'));
  const got = b.rec.messages.find((m) => m.type === 'snapshot');
  t.same(got?.snapshot?.meta, snap.snapshot?.meta);
  t.equal(got?.snapshot?.data.byteLength, 20 * MB);
  t.equal(sha(got?.snapshot?.data ?? new Uint8Array()), sha(snap.snapshot?.data ?? new Uint8Array()), 'same bytes');
  t.equal(a.transport.metrics.snapshotsSent, 1);
  t.equal(b.transport.metrics.snapshotsReceived, 1);
  t.ok(a.transport.metrics.framesSent >= 20, `sent as chunks (${a.transport.metrics.framesSent} frames)`);
  const position = b.rec.messages.findIndex((m) => m.type === 'snapshot');
  t.comment(`${position} heartbeats arrived before the snapshot completed, ${beats - 1} were sent`);
  t.ok(position >= 2, 'heartbeats sent after the snapshot did not wait for all of it');
});

t.test('a snapshot for an unreachable peer, or one cut off midway, is reported failed', async (t) => {
  // A peer that accepts the connection and drops it on the first frame.
  const rude = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  rude.on('connection', (ws) => ws.once('message', () => ws.terminate()));
  t.teardown(() => {
    for (const c of rude.clients) c.terminate();
    return new Promise<void>((resolve) => rude.close(() => resolve()));
  });
  await new Promise((resolve) => rude.once('listening', resolve));
  const { port } = rude.address() as { port: number };

  const a = await startMember(t, 'a');
  a.transport.addPeer('b', `http://127.0.0.1:${port}`);
  a.transport.send([snapshotMessage(20 * MB, 1)]);
  await a.rec.until('failure reported', () => a.rec.snapshotsSent.length === 1);
  t.same(a.rec.snapshotsSent, [{ to: 'b', ok: false }], 'cut off midway');
  t.equal(a.transport.peerState('b'), 'backoff');

  a.transport.send([snapshotMessage(1000, 2)]);
  await a.rec.until('second failure', () => a.rec.snapshotsSent.length === 2);
  t.same(a.rec.snapshotsSent[1], { to: 'b', ok: false }, 'peer in back-off');

  a.transport.send([{ ...snapshotMessage(10, 3), to: 'nobody' }]);
  await a.rec.until('third failure', () => a.rec.snapshotsSent.length === 3);
  t.same(a.rec.snapshotsSent[2], { to: 'nobody', ok: false }, 'unknown peer');
  t.equal(a.transport.metrics.snapshotsFailed, 3);
});

t.test('a second snapshot while one streams is refused, the first completes', async (t) => {
  const [a, b] = [await startMember(t, 'a'), await startMember(t, 'b')];
  connectAll([a, b]);
  a.transport.send([snapshotMessage(5 * MB, 4), snapshotMessage(100, 5)]);
  await a.rec.until('two reports', () => a.rec.snapshotsSent.length === 2);
  t.same(a.rec.snapshotsSent, [
    { to: 'b', ok: false },
    { to: 'b', ok: true },
  ]);
  await b.rec.until('one snapshot', () => b.rec.messages.length === 1);
  t.equal(b.rec.messages[0]?.snapshot?.data.byteLength, 5 * MB);
});

/** A peer that accepts connections and never reads from them: transfers to it never finish. */
async function stalledPeer(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws, req) => req.socket.pause());
  t.teardown(() => {
    for (const c of server.clients) c.terminate();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Waits, bounded, until `check` holds. */
async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('a snapshot abandoned by removePeer or a new URL is reported failed', async (t) => {
  const a = await startMember(t, 'a');
  const [url1, url2] = [await stalledPeer(t), await stalledPeer(t)];
  a.transport.addPeer('b', url1);
  a.transport.send([snapshotMessage(20 * MB, 8)]);
  await eventually('streaming', () => a.transport.metrics.framesSent > 0);
  a.transport.addPeer('b', url2); // b moved: the transfer to the old URL is abandoned
  await a.rec.until('reported', () => a.rec.snapshotsSent.length === 1);
  t.same(a.rec.snapshotsSent, [{ to: 'b', ok: false }]);
  const before = a.transport.metrics.framesSent;
  a.transport.send([snapshotMessage(20 * MB, 9)]);
  await eventually('streaming again', () => a.transport.metrics.framesSent > before);
  await a.transport.removePeer('b');
  t.same(a.rec.snapshotsSent[1], { to: 'b', ok: false }, 'removed while streaming');
  t.equal(a.transport.peerState('b'), undefined);
  t.equal(a.transport.metrics.snapshotsFailed, 2);
  t.equal(a.transport.metrics.snapshotsSent, 0);
});
