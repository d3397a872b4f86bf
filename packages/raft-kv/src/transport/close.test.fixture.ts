// The child of close.test.ts: three transports exchange messages and a snapshot, one peer is
// left in back-off (a timer pending), keep-alive intervals run; then everything is closed and
// the process must exit on its own. If it does not, it prints what still holds it.
import { WsTransport } from './ws-transport.js';

const TOKEN = 'fixture-token';
const received = new Map<string, number>();
const transports = ['a', 'b', 'c'].map(
  (id) =>
    new WsTransport({
      id,
      clusterToken: TOKEN,
      // Fires within the run, and lenient enough for a loaded CI machine: at 20 ms a pong can
      // legitimately miss its deadline there, the link is dropped as designed, and the snapshot
      // this fixture sends once is lost with it (Raft would send it again; the fixture does not).
      keepAliveMs: 250,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      onMessage: () => received.set(id, (received.get(id) ?? 0) + 1),
    }),
);
const urls = await Promise.all(transports.map((tr) => tr.listen()));
for (const [i, tr] of transports.entries()) {
  for (const [j, other] of transports.entries()) if (i !== j) tr.addPeer(other.id, urls[j] as string);
  tr.addPeer('gone', 'http://127.0.0.1:1'); // refused at once: a 60 s back-off timer is pending
}
const snapshot = {
  meta: { index: 5, term: 1, confState: { voters: ['a', 'b', 'c'], learners: [] } },
  data: new Uint8Array(3_000_000),
};
for (let round = 0; round < 20; round++) {
  for (const tr of transports) {
    tr.send(
      ['a', 'b', 'c', 'gone']
        .filter((to) => to !== tr.id)
        .map((to) => ({ type: 'heartbeat' as const, from: tr.id, to, term: 1 })),
    );
  }
  await new Promise((r) => setTimeout(r, 5));
}
(transports[0] as WsTransport).send([{ type: 'snapshot', from: 'a', to: 'b', term: 1, snapshot }]);
// Bounded at 20 s: a loaded CI machine can take seconds to move the 3 MB snapshot.
for (let i = 0; i < 4000 && (received.get('b') ?? 0) < 41; i++) await new Promise((r) => setTimeout(r, 5));
await Promise.all(transports.map((tr) => tr.close()));
process.stdout.write(`closed ${JSON.stringify([...received])}\n`);
setTimeout(() => {
  process.stdout.write(`still alive: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
}, 3_000).unref();
