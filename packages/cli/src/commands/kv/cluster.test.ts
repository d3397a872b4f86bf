import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, bosun, freePort, spawnServe, stop, waitForOutput, type Result } from './kv-process.test.util.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('bosun kv against a real 3-member cluster', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-kv-cli-'));
  const servers: ChildProcess[] = [];
  t.teardown(async () => {
    await Promise.all(servers.map((s) => stop(s)));
    rmSync(dir, { recursive: true, force: true });
  });

  const names = ['n1', 'n2', 'n3'];
  const peers = await Promise.all(names.map(() => freePort()));
  const clients = await Promise.all(names.map(() => freePort()));
  const initialCluster = names.map((n, i) => `${n}=http://127.0.0.1:${peers[i]}`).join(',');
  for (const [i, name] of names.entries()) {
    const [listenPeer, listenClient] = [`http://127.0.0.1:${peers[i]}`, `http://127.0.0.1:${clients[i]}`];
    servers.push(spawnServe({ name, dir, listenPeer, listenClient, extra: ['--initial-cluster', initialCluster] }));
  }
  const ready = await Promise.all(servers.map((s) => waitForOutput(s, /ready: serving clients at \S+/, 20_000)));
  for (const [i, line] of ready.entries())
    t.match(line, `member ${names[i]} ready: serving clients at ws://127.0.0.1:${clients[i]}`);

  const urls = clients.map((p) => `http://127.0.0.1:${p}`);
  const all = ['--endpoints', urls.join(',')];
  let health: Result | undefined;
  for (let attempt = 0; attempt < 60; attempt++) {
    health = await bosun(['kv', 'endpoint', 'health', ...all]);
    if (health.code === 0) break;
    await sleep(250);
  }
  t.equal(health?.code, 0, `endpoint health passes: ${health?.stdout}${health?.stderr}`);
  for (const url of urls) t.match(health?.stdout ?? '', `${url} is healthy`);

  const kv = (...args: string[]) => bosun(['kv', ...args, ...all]);
  const revisionOf = async (key: string) => {
    const r = await kv('get', key, '-w', 'json');
    return (JSON.parse(r.stdout) as { header: { revision: number } }).header.revision;
  };

  await t.test('put and get with every flag', async (t) => {
    t.same(await kv('put', 'g/a', '1'), { code: 0, stdout: 'OK\n', stderr: '' });
    t.equal((await kv('put', 'g/b', '3')).stdout, 'OK\n');
    t.equal((await kv('put', 'g/c', '2')).stdout, 'OK\n');
    const rev = await revisionOf('g/a');
    t.equal((await kv('put', 'g/a', '1b', '--prev-kv')).stdout, 'OK\ng/a\n1\n');

    t.equal((await kv('get', 'g/a')).stdout, 'g/a\n1b\n');
    t.equal((await kv('get', 'g/a', '--rev', String(rev))).stdout, 'g/a\n1\n');
    t.equal((await kv('get', 'g/', '--prefix')).stdout, 'g/a\n1b\ng/b\n3\ng/c\n2\n');
    t.equal((await kv('get', 'g/a', 'g/c')).stdout, 'g/a\n1b\ng/b\n3\n');
    t.equal((await kv('get', 'g/b', '--from-key', '--limit', '2')).stdout, 'g/b\n3\ng/c\n2\n');
    t.equal((await kv('get', 'g/', '--prefix', '--limit', '1')).stdout, 'g/a\n1b\n');
    t.equal((await kv('get', 'g/', '--prefix', '--keys-only')).stdout, 'g/a\ng/b\ng/c\n');
    t.equal((await kv('get', 'g/', '--prefix', '--count-only')).stdout, '3\n');
    t.equal(
      (await kv('get', 'g/', '--prefix', '--sort-by', 'VALUE', '--order', 'DESCEND')).stdout,
      'g/b\n3\ng/c\n2\ng/a\n1b\n',
    );
    t.equal((await kv('get', 'g/', '--prefix', '--order', 'DESCEND', '--keys-only')).stdout, 'g/c\ng/b\ng/a\n');
    // A serializable read from each member sees the write once it is applied there.
    for (const url of urls) {
      let out = '';
      for (let i = 0; i < 40 && out !== 'g/a\n1b\n'; i++) {
        out = (await bosun(['kv', 'get', 'g/a', '--consistency', 's', '--endpoints', url])).stdout;
        if (out !== 'g/a\n1b\n') await sleep(100);
      }
      t.equal(out, 'g/a\n1b\n', `serializable read at ${url}`);
    }
    const json = await kv('get', 'g/', '--prefix', '-w', 'json');
    const parsed = JSON.parse(json.stdout) as { count: number; kvs: { key: string; value: string; version: number }[] };
    t.equal(parsed.count, 3);
    t.match(parsed.kvs[0], { key: 'g/a', value: '1b', version: 2 });

    const bad = await kv('get', 'g/a', '--sort-by', 'SIZE');
    t.equal(bad.code, 1);
    t.match(bad.stderr, /^error: bad --sort-by "SIZE"/);
  });

  await t.test('del', async (t) => {
    await kv('put', 'd/a', '1');
    await kv('put', 'd/b', '2');
    await kv('put', 'd/c', '3');
    t.equal((await kv('del', 'd/a')).stdout, '1\n');
    t.equal((await kv('del', 'd/a')).stdout, '0\n');
    t.equal((await kv('del', 'd/', '--prefix', '--prev-kv')).stdout, '2\nd/b\n2\nd/c\n3\n');
    t.equal((await kv('get', 'd/', '--prefix', '--count-only')).stdout, '0\n');
  });

  await t.test('txn from stdin takes the success and the failure branch', async (t) => {
    await kv('put', 'x/k', 'v1');
    const script = 'value("x/k") = "v1"\n\nput x/k v2\nget x/k\n\nput x/other nope\n';
    const success = await bosun(['kv', 'txn', ...all], { input: script });
    t.equal(success.code, 0, success.stderr);
    t.equal(success.stdout, 'SUCCESS\n\nOK\n\nx/k\nv2\n');
    const failure = await bosun(['kv', 'txn', ...all], { input: script });
    t.equal(failure.stdout, 'FAILURE\n\nOK\n');
    t.equal((await kv('get', 'x/other')).stdout, 'x/other\nnope\n');
    const json = await bosun(['kv', 'txn', '-w', 'json', ...all], { input: 'mod("x/k") > "0"\n\ndel x/other\n' });
    t.same((JSON.parse(json.stdout) as { succeeded: boolean }).succeeded, true);
    const bad = await bosun(['kv', 'txn', ...all], { input: 'value(x/k) = "v"\n' });
    t.equal(bad.code, 1);
    t.match(bad.stderr, /^error: txn line 1: bad compare/);
  });

  await t.test('watch prints events until SIGINT', async (t) => {
    const from = (await revisionOf('w/none')) + 1;
    const watcher = spawn(process.execPath, [BIN, 'kv', 'watch', 'w/', '--prefix', '--rev', String(from), ...all], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    watcher.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const output = waitForOutput(watcher, /PUT\nw\/two\n2\n/, 15_000);
      t.equal((await kv('put', 'w/one', '1')).code, 0);
      t.equal((await kv('put', 'w/two', '2')).code, 0);
      t.equal(await output, 'PUT\nw/one\n1\nPUT\nw/two\n2\n');
    } finally {
      t.equal(await stop(watcher, 'SIGINT'), 0, `watch exits 0 on SIGINT: ${stderr}`);
    }
    // Replaying from a revision, with the previous values and deletes.
    await kv('put', 'w/one', '1b');
    await kv('del', 'w/one');
    const replay = spawn(process.execPath, [BIN, 'kv', 'watch', 'w/one', '--rev', String(from), '--prev-kv', ...all], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const seen = await waitForOutput(replay, /DELETE\n/, 15_000);
      t.equal(seen, 'PUT\nw/one\n1\nPUT\nw/one\n1\nw/one\n1b\nDELETE\nw/one\n1b\nw/one\n\n');
    } finally {
      await stop(replay, 'SIGINT');
    }
  });

  await t.test('leases: grant, put --lease, timetolive, keep-alive, list, revoke', async (t) => {
    const grant = await kv('lease', 'grant', '60');
    t.equal(grant.code, 0, grant.stderr);
    const id = /^lease ([0-9a-f]+) granted with TTL\(60s\)\n$/.exec(grant.stdout)?.[1];
    if (id === undefined) {
      t.fail(`unexpected grant output: ${grant.stdout}`);
      return;
    }
    t.equal((await kv('put', 'l/k', 'v', '--lease', id)).stdout, 'OK\n');
    const ttl = await kv('lease', 'timetolive', id, '--keys');
    t.match(
      ttl.stdout,
      new RegExp(`^lease ${id} granted with TTL\\(60s\\), remaining\\(\\d+s\\), attached keys\\(\\[l/k\\]\\)\n$`),
    );
    t.match(
      (await kv('lease', 'keep-alive', id, '--once')).stdout,
      new RegExp(`^lease ${id} keepalived with TTL\\(\\d+\\)\n$`),
    );
    t.match((await kv('lease', 'list')).stdout, new RegExp(`^found \\d+ leases\n(.*\n)*${id}\n`));
    const listJson = JSON.parse((await kv('lease', 'list', '-w', 'json')).stdout) as { leases: { id: number }[] };
    t.ok(listJson.leases.some((l) => l.id === parseInt(id, 16)));
    t.equal((await kv('lease', 'revoke', id)).stdout, `lease ${id} revoked\n`);
    t.equal((await kv('get', 'l/k')).stdout, '', 'the key went with the lease');
    t.equal((await kv('lease', 'timetolive', id)).stdout, `lease ${id} already expired\n`);
    const gone = await kv('lease', 'revoke', id);
    t.equal(gone.code, 1);
    t.match(gone.stderr, /^error: requested lease not found/);
    const badId = await kv('put', 'l/k', 'v', '--lease', 'xyz');
    t.equal(badId.code, 1);
    t.equal(badId.stderr, 'error: bad lease ID "xyz" (expected a positive hexadecimal number)\n');
  });

  await t.test('compaction, then a compacted revision is a readable error', async (t) => {
    await kv('put', 'c/k', 'old');
    const oldRev = await revisionOf('c/k');
    await kv('put', 'c/k', 'new');
    const latest = await revisionOf('c/k');
    t.equal((await kv('compaction', String(latest))).stdout, `compacted revision ${latest}\n`);
    const compacted = await kv('get', 'c/k', '--rev', String(oldRev));
    t.equal(compacted.code, 1);
    t.match(compacted.stderr, /^error: required revision has been compacted/);
    t.equal(compacted.stderr.split('\n').length, 2, 'one line');
    t.equal((await kv('get', 'c/k', '--rev', String(latest))).stdout, 'c/k\nnew\n');
  });

  await t.test('endpoint status and health, as text and json', async (t) => {
    const status = await kv('endpoint', 'status');
    t.equal(status.code, 0, status.stderr);
    const lines = status.stdout.trim().split('\n');
    t.equal(lines.length, 3);
    t.equal(lines.filter((l) => l.includes('isLeader=true')).length, 1, 'one leader');
    for (const [i, line] of lines.entries())
      t.match(
        line,
        new RegExp(`^${urls[i]}, n\\d, isLeader=\\w+, leader=n\\d, revision=\\d+, raftTerm=\\d+, raftIndex=\\d+`),
      );
    const json = JSON.parse((await kv('endpoint', 'status', '-w', 'json')).stdout) as {
      endpoint: string;
      status: { memberId: string; leader: string; revision: number };
    }[];
    t.same(
      json.map((s) => s.endpoint),
      urls,
    );
    t.same(new Set(json.map((s) => s.status.memberId)), new Set(names));
    t.equal(new Set(json.map((s) => s.status.leader)).size, 1);

    const healthJson = JSON.parse((await kv('endpoint', 'health', '-w', 'json')).stdout) as { health: boolean }[];
    t.same(
      healthJson.map((h) => h.health),
      [true, true, true],
    );

    const deadPort = await freePort();
    const dead = await bosun(['kv', 'endpoint', 'health', '--endpoints', `${urls[0]},http://127.0.0.1:${deadPort}`]);
    t.equal(dead.code, 1);
    t.match(dead.stdout, `${urls[0]} is healthy`);
    t.match(dead.stdout, `http://127.0.0.1:${deadPort} is unhealthy: `);
    t.equal(dead.stderr, 'error: unhealthy cluster\n');
  });

  await t.test('member list, move-leader, snapshot save and restore', async (t) => {
    const list = await kv('member', 'list');
    t.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n').sort();
    t.equal(lines.length, 3);
    t.equal(lines.filter((l) => /, leader, /.test(l)).length, 1, 'one leader');
    for (const [i, name] of names.entries())
      t.ok(lines.some((l) => l.startsWith(`${name}, `) && l.includes(`:${peers[i]}`)));
    const json = JSON.parse((await kv('member', 'list', '-w', 'json')).stdout) as { leader: string };
    const target = names.find((n) => n !== json.leader) as string;
    const moved = await kv('move-leader', target);
    t.equal(moved.code, 0, moved.stderr);
    t.equal(moved.stdout, `leadership moved to ${target}\n`);
    t.equal((JSON.parse((await kv('member', 'list', '-w', 'json')).stdout) as { leader: string }).leader, target);
    const bad = await kv('member', 'promote', 'nobody');
    t.equal(bad.code, 1);
    t.match(bad.stderr, /^error: .*nobody is not a learner\n$/);

    await kv('put', 'snap/key', 'snap-value');
    const file = join(dir, 'saved.snapshot');
    const saved = await kv('snapshot', 'save', file);
    t.equal(saved.code, 0, saved.stderr);
    const restored = await bosun([
      'kv',
      'snapshot',
      'restore',
      file,
      '--data-dir',
      join(dir, 'restored'),
      '--name',
      'r1',
    ]);
    t.equal(restored.code, 0, restored.stderr);
    t.match(restored.stdout, /restored .* at revision \d+/);
  });

  await t.test('servers close cleanly on SIGTERM', async (t) => {
    const codes = await Promise.all(servers.map((s) => stop(s)));
    t.same(codes, [0, 0, 0]);
  });
});
