import t from 'tap';
import { performance } from 'node:perf_hooks';
import { MvccError } from '../mvcc/errors.js';
import type { KV } from '../store/kv.js';
import { startClient, startMember, text } from './members.test.util.js';

/** The error `fn` rejects with (or fails the test). */
async function errorOf(fn: () => Promise<unknown>): Promise<MvccError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof MvccError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

t.test('every KV method answers through the client as the store answers it directly', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 5_000 });
  const store: KV = member.store;

  const put = await client.put('a', '1');
  t.equal(put.type, 'put');
  t.equal(put.header.revision, (await store.status()).revision, 'the put made the store revision');
  const again = await client.put('a', '2', { prevKv: true });
  t.equal(text(again.prevKv?.value), '1');
  await client.put('b', 'x');
  await client.put('c', 'y');
  await store.put('d', 'z');

  const reads = [
    ['a', {}],
    ['', { prefix: true }],
    ['a', { fromKey: true, limit: 2 }],
    ['', { prefix: true, keysOnly: true, sort: { target: 'key', order: 'descend' } }],
    ['', { prefix: true, countOnly: true }],
    ['a', { revision: put.header.revision }],
    ['b', { serializable: true }],
  ] as const;
  for (const [key, options] of reads) {
    t.same(
      await client.range(key, options),
      await store.range(key, options),
      `range ${key} ${JSON.stringify(options)}`,
    );
  }

  const del = await client.deleteRange('c', { prevKv: true });
  t.equal(del.deleted, 1);
  t.equal(text(del.prevKvs[0]?.value), 'y');
  const txn = await client.txn({
    compare: [{ key: 'a', target: 'value', result: '=', value: '2' }],
    success: [
      { type: 'put', key: 'e', value: '5' },
      { type: 'range', key: 'a' },
    ],
    failure: [],
  });
  t.equal(txn.succeeded, true);
  t.equal(text((txn.responses[1] as { kvs: { value: Uint8Array }[] }).kvs[0]?.value), '2');
  const readTxn = {
    compare: [{ key: 'e', target: 'version', result: '>', value: 0 }],
    success: [{ type: 'range', key: 'e' }],
  } as const;
  t.same(await client.txn(readTxn), await store.txn(readTxn), 'a read-only txn');

  const lease = await client.grant(60);
  t.ok(lease.id > 0);
  t.equal(lease.ttl, 60);
  await client.put('leased', 'v', { lease: lease.id });
  t.same(await client.leases(), await store.leases());
  const ttl = await client.timeToLive(lease.id, { keys: true });
  t.same(ttl, await store.timeToLive(lease.id, { keys: true }));
  t.same(ttl.keys.map(text), ['leased']);
  t.equal(await client.keepAlive(lease.id), 60);
  await client.revoke(lease.id);
  t.equal((await client.range('leased')).count, 0, 'revoking deleted the leased key');
  const fixed = await client.grant(30, 4242);
  t.equal(fixed.id, 4242);

  t.same(await client.alarm('get'), await store.alarm('get'));
  t.same((await client.alarm('activate', 'NOSPACE')).alarms, ['NOSPACE']);
  t.same((await client.alarm('deactivate', 'NOSPACE')).alarms, []);

  const current = (await client.status()).revision;
  await client.compact(current - 2);
  const status = await client.status();
  t.same(status, await store.status(), 'status');
  t.equal(status.compactRevision, current - 2);
  t.equal(status.memberId, 'default');
});

t.test('typed errors arrive with their class, code, message and facts', async (t) => {
  const member = await startMember(t, { store: { limits: { maxRequestBytes: 1024 } } });
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 5_000 });
  const store: KV = member.store;
  for (let i = 0; i < 5; i++) await client.put('k', `v${i}`);
  const { revision } = await client.status();
  await client.compact(revision - 1);

  const cases: [string, (kv: KV) => Promise<unknown>][] = [
    ['compacted', (kv) => kv.range('k', { revision: 2 })],
    ['futureRevision', (kv) => kv.range('k', { revision: revision + 100 })],
    ['requestTooLarge', (kv) => kv.put('big', 'x'.repeat(2000))],
    ['leaseNotFound', (kv) => kv.put('k', 'v', { lease: 999 })],
    ['leaseNotFound', (kv) => kv.keepAlive(999)],
    ['emptyKey', (kv) => kv.put('', 'v')],
    ['compacted', (kv) => kv.compact(2)],
  ];
  for (const [code, call] of cases) {
    const remote = await errorOf(() => call(client));
    const local = await errorOf(() => call(store));
    t.equal(remote.code, code, `${code}: code`);
    t.equal(remote.message, local.message, `${code}: message`);
    t.equal(remote.compactRevision, local.compactRevision, `${code}: compactRevision`);
  }
  t.equal(text((await client.range('k')).kvs[0]?.value), 'v4', 'nothing was lost');
});

t.test('500 requests in flight on one connection', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 10_000 });
  const puts = Array.from({ length: 250 }, (_, i) => client.put(`k${i}`, `v${i}`));
  const reads = Array.from({ length: 250 }, (_, i) => client.range(`k${i}`, { serializable: true }));
  const [written] = await Promise.all([Promise.all(puts), Promise.all(reads)]);
  const revisions = new Set(written.map((p) => p.header.revision));
  t.equal(revisions.size, 250, 'every put made its own revision');
  t.equal((await client.range('k', { prefix: true, countOnly: true })).count, 250);
  const metrics = await member.server.metrics.text();
  t.match(metrics, /^bosun_kv_connections 1$/m, 'all of it over one connection');
  t.match(metrics, /^bosun_kv_requests_total\{method="put",outcome="ok"\} 250$/m);
});

t.test('throughput over one connection with 256 requests in flight', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 30_000 });
  const measure = async (name: string, total: number, op: (i: number) => Promise<unknown>) => {
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < total; i = next++) await op(i);
    };
    await Promise.all(Array.from({ length: 256 }, lane));
    const seconds = (performance.now() - started) / 1000;
    t.comment(`${name}: ${total} requests in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} requests/s`);
  };
  await measure('put', 5_000, (i) => client.put(`k${i % 1000}`, 'value'));
  await measure('range (linearizable)', 5_000, (i) => client.range(`k${i % 1000}`));
  await measure('range (serializable)', 10_000, (i) => client.range(`k${i % 1000}`, { serializable: true }));
  t.equal((await client.range('k', { prefix: true, countOnly: true })).count, 1000);
});

t.test('a closed client refuses requests and ends its watches', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url] });
  const watch = client.watch('w');
  await client.close();
  const batches = [];
  for await (const batch of watch) batches.push(batch);
  t.match(batches, [{ type: 'end', reason: 'closed' }]);
  await t.rejects(client.put('a', 'b'), { name: 'ClientError', code: 'closed' });
  t.throws(() => client.watch('w'), { code: 'closed' });
});
