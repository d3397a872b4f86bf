// The client against a real three-member cluster: stores in `bosun-` temp dirs, Raft over
// WsTransports and the KV protocol over KvServers, all on 127.0.0.1 port 0. Keep-alives find the
// leader from a follower's hint; a watch on a member that goes away resumes on another one.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKvServer, type KvServer } from '../server/server.js';
import { openStore, type Store } from '../store/embedded.js';
import { WsTransport } from '../transport/ws-transport.js';
import type { WatchBatch } from '../mvcc/watch.js';
import { eventually, startClient } from './members.test.util.js';

const IDS = ['m1', 'm2', 'm3'] as const;

interface Member {
  readonly id: string;
  readonly store: Store;
  readonly transport: WsTransport;
  readonly server: KvServer;
}

/** Three members, all closed and their dirs removed at teardown. */
async function startCluster(t: { teardown(fn: () => unknown): void }): Promise<Member[]> {
  const dirs = IDS.map((id) => mkdtempSync(join(tmpdir(), `bosun-client-${id}-`)));
  const refs: { store?: Store }[] = IDS.map(() => ({}));
  const open: { store?: Store; server?: KvServer; transport: WsTransport }[] = [];
  t.teardown(async () => {
    try {
      for (const m of open) {
        await m.server?.close();
        await m.store?.close();
        await m.transport.close();
      }
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
  const transports = IDS.map((id, i) => {
    const ref = refs[i] as { store?: Store };
    const transport = new WsTransport({
      id,
      clusterToken: 'cluster-token',
      backoff: { initialMs: 20, maxMs: 200 },
      onMessage: (m) => ref.store?.node.step(m),
      onUnreachable: (peer) => ref.store?.node.reportUnreachable(peer),
      onSnapshotSent: (to, ok) => ref.store?.node.reportSnapshot(to, ok),
    });
    open.push({ transport });
    return transport;
  });
  const urls = await Promise.all(transports.map((tr) => tr.listen()));
  for (const [i, a] of transports.entries()) {
    for (const [j, b] of transports.entries()) if (i !== j) a.addPeer(b.id, urls[j] as string);
  }
  return Promise.all(
    IDS.map(async (id, i) => {
      const transport = transports[i] as WsTransport;
      const store = await openStore({
        dataDir: dirs[i] as string,
        name: id,
        initialCluster: IDS,
        transport,
        tickMs: 20,
      });
      (refs[i] as { store?: Store }).store = store;
      const server = await startKvServer({ kv: store });
      Object.assign(open[i] as object, { store, server });
      return { id, store, transport, server };
    }),
  );
}

const eventRevisions = (batches: readonly WatchBatch[]) =>
  batches.flatMap((b) => (b.type === 'events' ? [b.revision] : []));

t.test('a three-member cluster: keep-alives reach the leader, a watch outlives its member', async (t) => {
  const members = await startCluster(t);
  await eventually(() => members.some((m) => m.store.node.isLeader()), 15_000);
  const leader = members.find((m) => m.store.node.isLeader()) as Member;
  const followers = members.filter((m) => m !== leader);
  const [f1] = followers as [Member, Member];
  const client = await startClient(t, {
    endpoints: [...followers, leader].map((m) => m.server.url),
    timeoutMs: 10_000,
  });
  t.equal((await client.status()).memberId, f1.id, 'connected to a follower first');

  const batches: WatchBatch[] = [];
  const watch = client.watch('k', { prefix: true });
  const consumed = (async () => {
    for await (const b of watch) batches.push(b);
  })();
  await eventually(() => f1.server.metrics.text().then((m) => /^bosun_kv_watchers 1$/m.test(m)));

  const written: number[] = [];
  for (let i = 0; i < 10; i++) written.push((await client.put(`k${i}`, 'one')).header.revision);
  const lease = await client.grant(30);
  t.equal(await client.keepAlive(lease.id), 30, "the keep-alive found the leader from a follower's hint");
  await eventually(() => eventRevisions(batches).length === 10, 10_000);

  // The member the watch streams from goes away; the watch resumes on another one.
  await f1.server.close();
  for (let i = 0; i < 10; i++) written.push((await client.put(`k${i}`, 'two')).header.revision);
  await eventually(() => eventRevisions(batches).length >= written.length, 10_000);
  t.same(eventRevisions(batches), written, 'every write seen once, in order, across the failover');
  watch.cancel();
  await consumed;
});
