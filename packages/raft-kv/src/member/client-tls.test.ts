// A member serving clients over TLS (`clientTls`): clients reach it on https://, a member joins
// through it, and a bad certificate fails the start without leaving the member half open.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../client/index.js';
import { makePki, skipWithoutOpenssl, tlsDir } from '../testing/pki.test.util.js';
import type { KvServerTls } from '../server/index.js';
import { Member, type MemberOptions } from './member.js';
import { freePort, until } from './member.test.util.js';

t.test(
  'a member with clientTls serves https clients and lets a member join over TLS',
  { skip: skipWithoutOpenssl },
  async (t) => {
    const pki = makePki(tlsDir(t), 'client-ca', ['m1', 'm2', 'admin']);
    const [m1, m2, admin] = [pki.issued['m1'], pki.issued['m2'], pki.issued['admin']];
    if (m1 === undefined || m2 === undefined || admin === undefined) throw new Error('missing certificates');
    const root = mkdtempSync(join(tmpdir(), 'bosun-member-tls-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    const members: Member[] = [];
    t.teardown(async () => {
      for (const m of members.reverse()) await m.close();
    });
    const serverTls = (c: { cert: string; key: string }): KvServerTls => ({
      cert: c.cert,
      key: c.key,
      ca: pki.ca.cert,
      clientCertAuth: true,
    });
    const base = (name: string): MemberOptions => ({
      name,
      dataDir: join(root, name),
      listenPeer: 'http://127.0.0.1:0',
      listenClient: 'https://127.0.0.1:0',
      clusterToken: 'secret',
      tickMs: 20,
    });

    const first = await Member.start({ ...base('m1'), clientTls: serverTls(m1) });
    members.push(first);
    t.match(first.clientURL, /^wss:\/\/127\.0\.0\.1:\d+\/kv$/);
    await until('a leader', () => (first.store.node.isLeader() ? true : undefined));
    const https = `https://127.0.0.1:${first.server.port}`;
    const tls = { ca: pki.ca.cert, cert: admin.cert, key: admin.key };
    const client = await connect({ endpoints: [https], tls, timeoutMs: 15_000 });
    t.teardown(() => client.close());
    await client.put('k', 'v');
    t.equal(Buffer.from((await client.range('k')).kvs[0]?.value ?? []).toString(), 'v');

    const anonymous = await connect({ endpoints: [https], tls: { ca: pki.ca.cert }, timeoutMs: 2_000 }).then(
      async (c) => {
        await c.close();
        return 'connected';
      },
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    t.match(anonymous, /unauthenticated: .*requires a client certificate/, 'no client certificate, no entry');

    // m2 joins through m1's https URL: as a client, it presents its own certificate and trusts the CA.
    const second = await Member.start({ ...base('m2'), clientTls: serverTls(m2), join: https });
    members.push(second);
    const list = await client.memberList();
    t.same(
      list.members.map((m) => `${m.name}${m.isLearner ? ' (learner)' : ''}`).sort(),
      ['m1', 'm2'],
      'm2 joined and was promoted',
    );
    await until('m2 to apply the data', async () =>
      (await second.store.range('k', { serializable: true })).count === 1 ? true : undefined,
    );
    const viaSecond = await connect({ endpoints: [second.clientURL], tls, timeoutMs: 15_000 });
    t.teardown(() => viaSecond.close());
    t.equal((await viaSecond.status()).memberId, 'm2');
  },
);

t.test(
  'a client certificate that does not match its key fails the start and frees the ports',
  { skip: skipWithoutOpenssl },
  async (t) => {
    const pki = makePki(tlsDir(t), 'client-ca', ['a', 'b']);
    const [a, b] = [pki.issued['a'], pki.issued['b']];
    if (a === undefined || b === undefined) throw new Error('missing certificates');
    const root = mkdtempSync(join(tmpdir(), 'bosun-member-tls-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    const peerPort = await freePort();
    const options: MemberOptions = {
      name: 'solo',
      dataDir: join(root, 'solo'),
      listenPeer: `http://127.0.0.1:${peerPort}`,
      listenClient: 'https://127.0.0.1:0',
      clusterToken: 'secret',
      tickMs: 20,
    };
    await t.rejects(() => Member.start({ ...options, clientTls: { cert: a.cert, key: b.key } }), /key values mismatch/);
    // The peer port and the data dir are free again: the same member starts with a good certificate.
    const member = await Member.start({ ...options, clientTls: { cert: a.cert, key: a.key } });
    t.teardown(() => member.close());
    t.equal(member.peerURL, `http://127.0.0.1:${peerPort}`);
  },
);
