// Throughput through one connection: messages/s with batching (many messages per event-loop
// turn, one frame) and without (one message per turn). Prints the numbers; asserts only a
// floor far below them, so that a slow machine does not fail the suite.
import t from 'tap';
import { performance } from 'node:perf_hooks';
import type { Message } from '../raft/types.js';
import { WsTransport } from './ws-transport.js';
import { append, heartbeat, TOKEN } from './transport.test.util.js';

interface Run {
  readonly messages: number;
  readonly perTurn: number;
  readonly make: (i: number) => Message;
  readonly zeroMask?: boolean;
}

/** Sends `messages` from a to b, `perTurn` per turn, at most `window` unreceived; returns msgs/s. */
async function measure(t: { teardown(fn: () => unknown): void }, run: Run): Promise<{ rate: number; mbps: number }> {
  let received = 0;
  const b = new WsTransport({ id: 'b', clusterToken: TOKEN, onMessage: () => (received += 1) });
  const a = new WsTransport({ id: 'a', clusterToken: TOKEN, onMessage: () => undefined, zeroMask: run.zeroMask });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  a.addPeer('b', await b.listen());
  a.send([heartbeat('a', 'b', -1)]);
  for (let i = 0; i < 1000 && received === 0; i++) await new Promise((r) => setTimeout(r, 5));
  received = 0;
  const window = 3000; // below the 4,096-message queue bound: nothing is dropped
  const start = performance.now();
  let sent = 0;
  const deadline = Date.now() + 60_000;
  while (received < run.messages) {
    if (Date.now() > deadline) throw new Error(`stalled at ${received} of ${run.messages}`);
    const room = Math.min(run.perTurn, run.messages - sent, window - (sent - received));
    if (room > 0) {
      const batch: Message[] = [];
      for (let i = 0; i < room; i++) batch.push(run.make(sent + i));
      a.send(batch);
      sent += room;
    }
    await new Promise((r) => setImmediate(r));
  }
  const seconds = (performance.now() - start) / 1000;
  if (a.metrics.messagesDropped > 0) throw new Error(`${a.metrics.messagesDropped} messages dropped`);
  return { rate: run.messages / seconds, mbps: a.metrics.bytesSent / seconds / 1e6 };
}

const runs: [string, Run][] = [
  ['heartbeats, batched', { messages: 200_000, perTurn: 1000, make: (i) => heartbeat('a', 'b', i) }],
  [
    'appends of one 256-byte entry, batched',
    { messages: 200_000, perTurn: 1000, make: (i) => append('a', 'b', i, 1, 256) },
  ],
  [
    'appends of one 256-byte entry, batched, zero mask',
    { messages: 200_000, perTurn: 1000, make: (i) => append('a', 'b', i, 1, 256), zeroMask: true },
  ],
  ['heartbeats, one per turn (no batching)', { messages: 20_000, perTurn: 1, make: (i) => heartbeat('a', 'b', i) }],
];

for (const [name, run] of runs) {
  t.test(`throughput: ${name}`, async (t) => {
    const { rate, mbps } = await measure(t, run);
    t.comment(`${name}: ${Math.round(rate).toLocaleString('en')} messages/s, ${mbps.toFixed(1)} MB/s on the wire`);
    t.ok(rate > 1000, 'well above a floor');
  });
}
