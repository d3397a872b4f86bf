import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MvccError } from '../mvcc/errors.js';
import { openStore, type OpenStoreOptions } from './embedded.js';

const text = (b: Uint8Array | string | undefined) => (typeof b === 'string' ? b : Buffer.from(b ?? []).toString());

function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function open(
  t: { teardown(fn: () => Promise<void> | void): void },
  opts: Partial<OpenStoreOptions> & { dataDir: string },
) {
  const store = await openStore({ tickMs: 20, ...opts });
  t.teardown(() => store.close());
  return store;
}

t.test('put, range, delete and txn go through Raft and answer like etcd', async (t) => {
  const store = await open(t, { dataDir: scratch(t) });
  const put = await store.put('a', '1');
  t.ok(put.header.revision >= 2);
  await store.put('b', '2');
  await store.put('c', '3');
  const all = await store.range('', { prefix: true });
  t.same(
    all.kvs.map((kv) => text(kv.key)),
    ['a', 'b', 'c'],
  );
  t.equal(all.count, 3);
  const limited = await store.range('a', { fromKey: true, limit: 2 });
  t.equal(limited.kvs.length, 2);
  t.equal(limited.more, true);
  const del = await store.deleteRange('b', { prevKv: true });
  t.equal(del.deleted, 1);
  t.equal(text(del.prevKvs?.[0]?.value), '2');
  const txn = await store.txn({
    compare: [{ key: 'a', target: 'value', result: '=', value: '1' }],
    success: [{ type: 'put', key: 'a', value: '10' }],
    failure: [],
  });
  t.equal(txn.succeeded, true);
  const a = await store.range('a');
  t.equal(text(a.kvs[0]?.value), '10');
  t.equal(a.kvs[0]?.version, 2);
  const serial = await store.range('a', { serializable: true });
  t.equal(text(serial.kvs[0]?.value), '10');
  const status = await store.status();
  t.equal(status.revision, txn.header.revision);
  t.equal(status.leader, 'default');
});

t.test('bad requests get typed errors and lose nothing', async (t) => {
  const store = await open(t, { dataDir: scratch(t), limits: { maxRequestBytes: 1024 } });
  await store.put('k', 'v');
  await t.rejects(store.put('big', 'x'.repeat(2000)), MvccError, 'request too large');
  await t.rejects(store.put('k', 'v', { lease: 12345 }), MvccError, 'unknown lease');
  await t.rejects(store.range('k', { revision: 999 }), MvccError, 'future revision');
  const k = await store.range('k');
  t.equal(text(k.kvs[0]?.value), 'v', 'the earlier write is intact');
});

t.test('every acknowledged write survives a restart', async (t) => {
  const dir = scratch(t);
  let store = await openStore({ dataDir: dir, tickMs: 20, snapshotCount: 100 });
  await Promise.all(Array.from({ length: 300 }, (_, i) => store.put(`k${String(i).padStart(3, '0')}`, `v${i}`)));
  await store.deleteRange('k000');
  const before = await store.status();
  await store.close();
  store = await open(t, { dataDir: dir });
  const after = await store.range('k', { prefix: true, countOnly: true });
  t.equal(after.count, 299);
  t.equal((await store.status()).revision, before.revision, 'same revision');
  const v = await store.range('k299');
  t.equal(text(v.kvs[0]?.value), 'v299');
});

t.test('leases: the leader revokes expired ones through Raft, deleting their keys', async (t) => {
  let now = 1_000_000;
  const store = await open(t, { dataDir: scratch(t), now: () => now, leaseCheckMs: 20 });
  const lease = await store.grant(5);
  await store.put('ephemeral', 'x', { lease: lease.id });
  const ttl = await store.timeToLive(lease.id, { keys: true });
  t.equal(ttl.grantedTtl, 5);
  t.same(ttl.keys?.map(text), ['ephemeral']);
  now += 4000;
  t.equal(await store.keepAlive(lease.id), 5, 'keep-alive renews to the full TTL');
  now += 4000;
  await new Promise((r) => setTimeout(r, 100));
  t.equal((await store.range('ephemeral')).count, 1, 'renewed: still there');
  now += 2000;
  for (let i = 0; i < 50 && (await store.range('ephemeral')).count > 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  t.equal((await store.range('ephemeral')).count, 0, 'expired: the key is gone');
  t.same((await store.leases()).leases, [], 'and the lease');
});

t.test('watch sees committed writes in order', async (t) => {
  const store = await open(t, { dataDir: scratch(t) });
  const start = (await store.status()).revision + 1;
  const watch = store.watch('w/', { prefix: true, startRevision: start });
  await store.put('w/1', 'a');
  await store.put('other', 'b');
  await store.put('w/2', 'c');
  await store.deleteRange('w/1');
  const seen: string[] = [];
  for await (const batch of watch) {
    if (batch.type !== 'events') continue;
    for (const e of batch.events) seen.push(`${e.type} ${text(e.kv.key)}`);
    if (seen.length >= 3) break;
  }
  watch.cancel();
  t.same(seen, ['put w/1', 'put w/2', 'delete w/1']);
});
