import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../client/index.js';
import { Member } from './member.js';

/** A free loopback port (bound and released; a peer URL must be known before the cluster starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

t.test('a 3-member cluster elects a leader, replicates, and survives losing its leader', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bosun-member-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const names = ['m1', 'm2', 'm3'];
  const ports = await Promise.all(names.map(() => freePort()));
  const initialCluster = Object.fromEntries(names.map((n, i) => [n, `http://127.0.0.1:${ports[i]}`]));
  const members = await Promise.all(
    names.map((name) =>
      Member.start({
        name,
        dataDir: join(root, name),
        listenPeer: initialCluster[name] as string,
        listenClient: 'http://127.0.0.1:0',
        initialCluster,
        clusterToken: 'secret',
        tickMs: 20,
      }),
    ),
  );
  const alive = new Set(members);
  t.teardown(async () => {
    for (const m of alive) await m.close();
  });
  const leader = await until('a leader', () => members.find((m) => m.store.node.isLeader()));
  const client = await connect({ endpoints: members.map((m) => m.clientURL), timeoutMs: 15_000 });
  t.teardown(() => client.close());
  for (let i = 0; i < 20; i++) await client.put(`k${i}`, `v${i}`);
  t.equal((await client.range('k', { prefix: true, countOnly: true })).count, 20);
  for (const m of members) {
    await until(`${m.name} to apply`, async () =>
      (await m.store.range('k19', { serializable: true })).count === 1 ? true : undefined,
    );
  }
  t.pass('every member applied every write');

  await leader.close();
  alive.delete(leader);
  const next = await until('a new leader', () => [...alive].find((m) => m.store.node.isLeader()));
  t.not(next.name, leader.name, `${next.name} leads now`);
  await client.put('after', 'failover');
  const got = await client.range('after');
  t.equal(Buffer.from(got.kvs[0]?.value ?? []).toString(), 'failover', 'the client fails over and writes go on');
  const published = await client.range('\u0000bosun/members/', { prefix: true });
  t.equal(published.count, 3, 'each member published its URLs');
});
