import t from 'tap';
import { keysOf } from './model.test.util.js';
import { MvccStore } from './store.js';

t.test('grant, timeToLive, leases', async (t) => {
  const s = new MvccStore();
  t.same(s.grant(7, 30), { type: 'leaseGrant', header: { revision: 1 }, id: 7, ttl: 30 });
  s.grant(3, 10);
  t.same(s.leases().leases, [
    { id: 3, ttl: 10 },
    { id: 7, ttl: 30 },
  ]);
  s.put('b', 'v', { lease: 7 });
  s.put('a', 'v', { lease: 7 });
  const ttl = s.timeToLive(7, { keys: true });
  t.match(ttl, { id: 7, ttl: 30, grantedTtl: 30 });
  t.same(keysOf(ttl.keys.map((key) => ({ key }))), ['a', 'b'], 'keys in byte order');
  t.same(s.timeToLive(7).keys, [], 'keys only when asked');
  t.equal(s.revision, 3, 'lease operations create no revision');
});

t.test('timeToLive of an unknown lease answers TTL -1, as etcd does', async (t) => {
  const s = new MvccStore();
  t.match(s.timeToLive(5), { id: 5, ttl: -1, grantedTtl: 0, keys: [] });
});

t.test('grant refuses a taken id, a bad TTL and a bad id', async (t) => {
  const s = new MvccStore();
  s.grant(1, 10);
  t.throws(() => s.grant(1, 10), { code: 'leaseExists' });
  t.throws(() => s.grant(2, 9_000_000_001), { code: 'leaseTtlTooLarge' });
  t.throws(() => s.grant(2, 0), { code: 'invalidRequest' });
  t.throws(() => s.grant(0, 10), { code: 'invalidRequest' });
  t.throws(() => s.grant(1.5, 10), { code: 'invalidRequest' });
});

t.test('revoke deletes every attached key in one revision', async (t) => {
  const s = new MvccStore();
  s.grant(1, 10);
  s.put('a', 'v', { lease: 1 });
  s.put('b', 'v', { lease: 1 });
  s.put('c', 'v');
  const w = s.watch('a', { fromKey: true });
  const r = s.revoke(1);
  t.equal(r.header.revision, 5);
  t.same(keysOf(s.range('a', { fromKey: true }).kvs), ['c']);
  const batch = w.take();
  t.equal(batch?.type, 'events');
  if (batch?.type === 'events') {
    t.equal(batch.revision, 5);
    t.same(
      batch.events.map((e) => e.type),
      ['delete', 'delete'],
    );
  }
  t.same(s.leases().leases, []);
  t.throws(() => s.revoke(1), { code: 'leaseNotFound' });
});

t.test('revoking a lease without keys creates no revision', async (t) => {
  const s = new MvccStore();
  s.grant(1, 10);
  t.equal(s.revoke(1).header.revision, 1);
});

t.test('the lease listener hears grants, revokes and restores', async (t) => {
  const heard: string[] = [];
  const s = new MvccStore({
    leaseListener: {
      granted: (id, ttl) => heard.push(`grant ${id} ${ttl}`),
      revoked: (id) => heard.push(`revoke ${id}`),
      reset: (leases) => heard.push(`reset ${leases.map((l) => l.id).join(',')}`),
    },
  });
  s.grant(1, 10);
  s.grant(2, 20);
  s.revoke(1);
  s.restore(s.snapshot());
  t.same(heard, ['grant 1 10', 'grant 2 20', 'revoke 1', 'reset 2']);
});
