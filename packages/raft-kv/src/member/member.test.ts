import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../client/index.js';
import { plan, until } from './member.test.util.js';
import { Member } from './member.js';

t.test('a 3-member cluster elects a leader, replicates, and survives losing its leader', async (t) => {
  const names = ['m1', 'm2', 'm3'];
  const { start } = await plan(t, names);
  const members = await Promise.all(names.map((name) => start(name)));
  const alive = new Set(members);
  t.teardown(async () => {
    for (const m of alive) await m.close();
  });
  const leader = await until('a leader', () => members.find((m) => m.store.node.isLeader()));
  const client = await connect({ endpoints: members.map((m) => m.clientURL), timeoutMs: 15_000 });
  t.teardown(() => client.close());
  for (let i = 0; i < 20; i++) await client.put(`k${i}`, `v${i}`);
  const metricsUrl = leader.clientURL.replace(/^ws/, 'http').replace(/\/kv$/, '/metrics');
  const metrics = await (await fetch(metricsUrl)).text();
  t.match(metrics, /bosun_wal_fsync_duration_seconds_count [1-9]/, 'fsync durations are measured');
  t.match(metrics, /bosun_apply_duration_seconds_count [1-9]/, 'apply durations are measured');
  t.match(metrics, /bosun_raft_leader_changes_seen_total [1-9]/, 'leader changes are counted');
  t.match(metrics, /bosun_raft_applied_index [1-9]/);
  // Proposals count where they were made: the member the client asked.
  const all = await Promise.all(
    members.map(async (m) => (await fetch(m.clientURL.replace(/^ws/, 'http').replace(/\/kv$/, '/metrics'))).text()),
  );
  const sum = (name: string) =>
    all.reduce((n, text) => n + Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN), 0);
  t.ok(sum('bosun_server_proposals_total') >= 20, 'the 20 puts were proposed');
  // Members publish their URLs at start, which may be dropped while no leader is known.
  for (const text of all) {
    t.match(text, /^bosun_server_proposals_failed_total \d+$/m, 'failed proposals are counted');
    t.match(text, /^bosun_server_proposals_pending \d+$/m, 'waiting proposals are shown');
  }
  t.ok(sum('bosun_wal_size_bytes') > 3 * 20 * 2, 'the WAL size is its files on disk');
  t.ok(sum('process_resident_memory_bytes') > 0, 'the process figures are exported');
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
  const published = async () =>
    (await client.range('\u0000bosun/members/', { prefix: true })).kvs.map((kv) =>
      Buffer.from(kv.key).toString().slice(15),
    );
  await until('the live members to publish their URLs', async () =>
    (await published()).filter((n) => [...alive].some((m) => m.name === n)).length === alive.size ? true : undefined,
  );
  t.pass('each live member published its URLs');
});

t.test(
  'membership: join as a learner and get promoted, move the leader, remove a member, snapshot and restore',
  async (t) => {
    const names = ['a', 'b', 'c'];
    const cluster = await plan(t, names);
    const root = cluster.root;
    const start = (name: string, extra: Partial<Parameters<typeof Member.start>[0]> = {}) =>
      cluster.start(name, { snapshotCount: 50, ...extra });
    const members = new Map<string, Member>();
    t.teardown(async () => {
      for (const m of members.values()) await m.close();
    });
    for (const m of await Promise.all(names.map((n) => start(n)))) members.set(m.name, m);
    await until('a leader', () => [...members.values()].find((m) => m.store.node.isLeader()));
    const client = await connect({ endpoints: [...members.values()].map((m) => m.clientURL), timeoutMs: 15_000 });
    t.teardown(() => client.close());
    for (let i = 0; i < 120; i++) await client.put(`k${i}`, `v${i}`); // compacts the log past a snapshot

    const d = await start('d', { join: (members.get('a') as Member).clientURL, initialCluster: {} });
    members.set('d', d);
    const list = await client.memberList();
    t.same(
      list.members.map((m) => `${m.name}${m.isLearner ? ' (learner)' : ''}`).sort(),
      ['a', 'b', 'c', 'd'],
      'd joined and was promoted to voter',
    );
    t.ok(
      list.members.every((m) => m.peerURL !== ''),
      'every member has a peer URL',
    );
    await until('d to apply the data', async () =>
      (await d.store.range('k119', { serializable: true })).count === 1 ? true : undefined,
    );
    t.pass('d caught up by snapshot');

    // A client that knows every member, d included (requests that must reach the leader can).
    const all = await connect({ endpoints: [...members.values()].map((m) => m.clientURL), timeoutMs: 15_000 });
    t.teardown(() => all.close());
    await all.moveLeader('d');
    await until('d to lead', () => (d.store.node.isLeader() ? true : undefined));
    t.pass('move-leader handed leadership to d');

    await all.memberRemove('a');
    await (members.get('a') as Member).close();
    members.delete('a');
    t.same((await all.memberList()).members.map((m) => m.name).sort(), ['b', 'c', 'd'], 'a was removed');
    await all.put('after-remove', 'ok');
    t.equal((await all.range('after-remove')).count, 1, 'the cluster goes on without a');
    await t.rejects(all.memberAdd('b', 'http://127.0.0.1:1'), /already exists/, 'a duplicate member is refused');

    const saved = await all.snapshot();
    const restored = await Member.start({
      name: 'solo',
      dataDir: join(root, 'solo'),
      listenPeer: 'http://127.0.0.1:0',
      listenClient: 'http://127.0.0.1:0',
      clusterToken: 'other',
      tickMs: 20,
      restoreFrom: saved,
    });
    members.set('solo', restored);
    await until('solo to lead', () => (restored.store.node.isLeader() ? true : undefined));
    t.equal(
      (await restored.store.range('k', { prefix: true, countOnly: true })).count,
      120,
      'the restored cluster has every key',
    );
  },
);

t.test('snapshot save and restore round-trip a 100k-key store', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bosun-member-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const source = await Member.start({
    name: 'src',
    dataDir: join(root, 'src'),
    listenPeer: 'http://127.0.0.1:0',
    listenClient: 'http://127.0.0.1:0',
    clusterToken: 'a',
    tickMs: 20,
  });
  t.teardown(() => source.close());
  const keys = 100_000;
  for (let i = 0; i < keys; i += 1000) {
    await Promise.all(
      Array.from({ length: 1000 }, (_, j) =>
        source.store.put(`key/${String(i + j).padStart(6, '0')}`, `value-${i + j}`),
      ),
    );
  }
  const client = await connect({ endpoints: [source.clientURL], timeoutMs: 30_000 });
  t.teardown(() => client.close());
  const saved = await client.snapshot();
  const restored = await Member.start({
    name: 'copy',
    dataDir: join(root, 'copy'),
    listenPeer: 'http://127.0.0.1:0',
    listenClient: 'http://127.0.0.1:0',
    clusterToken: 'b',
    tickMs: 20,
    restoreFrom: saved,
  });
  t.teardown(() => restored.close());
  await until('the copy to lead', () => (restored.store.node.isLeader() ? true : undefined));
  const a = await source.store.range('key/', { prefix: true, countOnly: true });
  const b = await restored.store.range('key/', { prefix: true, countOnly: true });
  t.equal(b.count, keys, 'every key is there');
  t.equal(b.count, a.count);
  const sample = await restored.store.range('key/054321');
  t.equal(Buffer.from(sample.kvs[0]?.value ?? []).toString(), 'value-54321');
  t.ok(
    (await restored.store.status()).revision >= a.header.revision,
    'the copy starts at the saved revision (plus its own URLs)',
  );
});

t.test('replace a dead member with a new one on an empty data dir; remove the leader', async (t) => {
  const names = ['p', 'q', 'r'];
  const { root, start } = await plan(t, names);
  const members = new Map<string, Member>();
  t.teardown(async () => {
    for (const m of members.values()) await m.close();
  });
  for (const name of names) members.set(name, await start(name));
  const leader = await until('a leader', () => [...members.values()].find((m) => m.store.node.isLeader()));
  const clientOf = async () => {
    const c = await connect({ endpoints: [...members.values()].map((m) => m.clientURL), timeoutMs: 15_000 });
    t.teardown(() => c.close());
    return c;
  };
  let client = await clientOf();
  await client.put('before', '1');

  // A follower dies for good: remove it and bring a new member on an empty data dir.
  const dead = [...members.values()].find((m) => m !== leader) as Member;
  await dead.close();
  members.delete(dead.name);
  client = await clientOf();
  await client.memberRemove(dead.name);
  const fresh = await Member.start({
    name: 's',
    dataDir: join(root, 's'),
    listenPeer: 'http://127.0.0.1:0',
    listenClient: 'http://127.0.0.1:0',
    join: leader.clientURL,
    clusterToken: 'secret',
    tickMs: 20,
  });
  members.set('s', fresh);
  client = await clientOf();
  t.same(
    (await client.memberList()).members.map((m) => `${m.name}${m.isLearner ? ' (learner)' : ''}`).sort(),
    [...members.keys()].sort(),
    'the replacement joined and was promoted',
  );
  await client.put('after-replace', '2');
  await until('the replacement to have every key', async () =>
    (await fresh.store.range('after-replace', { serializable: true })).count === 1 &&
    (await fresh.store.range('before', { serializable: true })).count === 1
      ? true
      : undefined,
  );
  t.pass('the replacement has the old and the new data');

  // The leader removes itself: it hands over and steps down.
  await client.memberRemove(leader.name);
  await until('the old leader to step down', () => (leader.store.node.isLeader() ? undefined : true));
  await leader.close();
  members.delete(leader.name);
  const rest = [...members.values()];
  await until('a new leader among the rest', () => rest.find((m) => m.store.node.isLeader()));
  client = await clientOf();
  t.same(
    (await client.memberList()).members.map((m) => m.name).sort(),
    rest.map((m) => m.name).sort(),
    'the leader removed itself',
  );
  await client.put('after-leader-removal', '3');
  t.equal((await client.range('after-leader-removal')).count, 1, 'the cluster goes on');
});
