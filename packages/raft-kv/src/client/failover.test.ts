import t from 'tap';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { NodeError } from '../node/raft-node.js';
import { decodeFrame, encodeFrame } from '../server/protocol.js';
import { framesOf } from '../server/outbox.js';
import { startKvServer } from '../server/server.js';
import type { KV, StoreStatus } from '../store/kv.js';
import { connect } from './client.js';
import { isClientError } from './errors.js';
import { deadEndpoint, eventually, startClient, startMember, text, type Teardown } from './members.test.util.js';

/**
 * A member that drops the connection on the methods in `drop` (after counting them) and
 * answers nothing else: a crash with requests in flight.
 */
async function droppingMember(t: Teardown, drop: ReadonlySet<string>): Promise<{ url: string; seen: string[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/kv' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  );
  const seen: string[] = [];
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data: Buffer) => {
      for (const frame of framesOf(decodeFrame(data)) as { id: number; method: string }[]) {
        seen.push(frame.method);
        if (drop.has(frame.method)) ws.terminate();
        else ws.send(encodeFrame({ id: frame.id, result: null }));
      }
    });
  });
  const address = wss.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `ws://127.0.0.1:${port}/kv`, seen };
}

/** A member that is not the leader: every request but status is refused with a hint to `leader`. */
function followerOf(leader: string, memberId: string): KV {
  const status: StoreStatus = {
    revision: 1,
    compactRevision: 0,
    raftTerm: 2,
    raftIndex: 3,
    raftAppliedIndex: 3,
    leader,
    memberId,
    dbSize: 0,
    alarms: [],
  };
  return new Proxy({} as KV, {
    get: (_target, name) =>
      name === 'status'
        ? () => Promise.resolve(status)
        : () => Promise.reject(new NodeError('notLeader', `not the leader (leader is ${leader})`, leader)),
  });
}

t.test('the client fails over to the second endpoint when the first is down', async (t) => {
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [await deadEndpoint(), member.url], timeoutMs: 5_000 });
  await client.put('a', '1');
  t.equal(text((await client.range('a')).kvs[0]?.value), '1');
  const watch = client.watch('a');
  const put = await client.put('a', '2');
  for await (const batch of watch) {
    t.match(batch, { type: 'events', revision: put.header.revision });
    break;
  }
  t.equal((await client.status()).memberId, 'default');
});

t.test('a write whose connection drops is not retried: it fails with its outcome unknown', async (t) => {
  const member = await startMember(t);
  const dropping = await droppingMember(t, new Set(['put', 'txn']));
  const client = await startClient(t, { endpoints: [dropping.url, member.url], timeoutMs: 5_000 });
  const error = await client.put('k', 'v').catch((e: unknown) => e);
  t.ok(isClientError(error, 'unavailable'), 'unavailable');
  t.equal((error as { outcomeUnknown?: boolean }).outcomeUnknown, true);
  t.match((error as Error).message, /may or may not have taken effect/);
  t.same(dropping.seen, ['put'], 'sent once, never again');
  t.equal((await member.store.range('k')).count, 0, 'and not sent to the other member either');
  t.equal((await client.put('k', 'v2')).type, 'put', 'the next write goes to the member that is up');
});

t.test('a read whose connection drops is retried on another member', async (t) => {
  const member = await startMember(t);
  await member.store.put('k', 'v');
  const dropping = await droppingMember(t, new Set(['range']));
  const client = await startClient(t, { endpoints: [dropping.url, member.url], timeoutMs: 5_000 });
  t.equal(text((await client.range('k')).kvs[0]?.value), 'v');
  t.same(dropping.seen, ['range']);
  const readOnlyTxn = await client.txn({ success: [{ type: 'range', key: 'k' }] });
  t.equal(readOnlyTxn.succeeded, true);
});

t.test('notLeader sends keep-alives and writes to the leader, found through status', async (t) => {
  const leader = await startMember(t);
  const follower = await startKvServer({ kv: followerOf('default', 'follower-1') });
  t.teardown(() => follower.close());
  const client = await startClient(t, { endpoints: [follower.url, leader.url], timeoutMs: 5_000 });
  t.equal((await client.status()).memberId, 'follower-1', 'connected to the follower first');
  const lease = await leader.store.grant(30);
  t.equal(await client.keepAlive(lease.id), 30, 'the keep-alive reached the leader');
  const put = await client.put('x', 'y');
  t.equal(put.header.revision, (await leader.store.status()).revision, 'the write reached the leader');
  t.equal((await client.status()).memberId, 'default', 'the leader is now preferred');
});

t.test('a stopped member: reads fail over, writes fail with their outcome unknown', async (t) => {
  const stopped = await startMember(t);
  await stopped.store.close(); // the server stays up and answers `stopped`
  const live = await startMember(t);
  await live.store.put('k', 'live');
  const reader = await startClient(t, { endpoints: [stopped.url, live.url], timeoutMs: 5_000 });
  t.equal(text((await reader.range('k')).kvs[0]?.value), 'live');
  const writer = await startClient(t, { endpoints: [stopped.url, live.url], timeoutMs: 5_000 });
  const error = await writer.put('k', 'v').catch((e: unknown) => e);
  t.ok(isClientError(error, 'unavailable'));
  t.equal((error as { outcomeUnknown?: boolean }).outcomeUnknown, true);
  t.equal((await writer.put('k', 'v')).type, 'put', 'the next write goes to the live member');
});

t.test('requests carry a deadline: nothing reachable fails in bounded time', async (t) => {
  const started = performance.now();
  const error = await connect({ endpoints: [await deadEndpoint(), await deadEndpoint()], timeoutMs: 300 }).catch(
    (e: unknown) => e,
  );
  t.ok(isClientError(error, 'unavailable'), 'connect: unavailable');
  const member = await startMember(t);
  const client = await startClient(t, { endpoints: [member.url], timeoutMs: 400 });
  await member.stop();
  const read = await client.range('k').catch((e: unknown) => e);
  t.ok(isClientError(read, 'timeout') || isClientError(read, 'unavailable'), `read: ${String(read)}`);
  t.ok(performance.now() - started < 3_000, 'within the deadlines');
});

t.test('a member that requires a token refuses others', async (t) => {
  const member = await startMember(t, { server: { authorize: (token) => token === 's3cret' } });
  const refused = await connect({ endpoints: [member.url], token: 'wrong', timeoutMs: 1_000 }).catch((e: unknown) => e);
  t.ok(isClientError(refused, 'unauthenticated'), 'unauthenticated');
  const client = await startClient(t, { endpoints: [member.url], token: 's3cret' });
  t.equal((await client.put('a', 'b')).type, 'put');
});

t.test('keepAliveForever renews at ttl/3 and reports a lost lease once', async (t) => {
  const member = await startMember(t, { store: { leaseCheckMs: 50 } });
  const client = await startClient(t, { endpoints: [member.url] });
  const lease = await client.grant(1);
  await client.put('owned', 'v', { lease: lease.id });
  const lost: Error[] = [];
  const keeper = client.keepAliveForever(lease.id, (e) => lost.push(e));
  t.teardown(() => keeper.stop());
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  t.equal(keeper.state, 'renewing');
  t.equal(keeper.ttlSeconds, 1);
  t.equal((await client.range('owned')).count, 1, 'the key outlived its TTL');
  await member.store.revoke(lease.id);
  await eventually(() => lost.length > 0, 2_000);
  t.equal(keeper.state, 'lost');
  t.match(lost, [{ code: 'leaseNotFound' }]);

  const expiring = await client.grant(1);
  const quiet = client.keepAliveForever(expiring.id, () => undefined);
  quiet.stop();
  await eventually(async () => (await client.timeToLive(expiring.id)).ttl === -1, 4_000);
  t.pass('a stopped keeper lets the lease expire');
});
