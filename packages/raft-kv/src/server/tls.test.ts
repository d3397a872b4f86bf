// The client protocol over TLS (etcd's --cert-file/--key-file, --trusted-ca-file and
// --client-cert-auth): certificates made by openssl into a `bosun-tls-` temp dir.
import t from 'tap';
import { request } from 'node:https';
import type { WatchBatch } from '../mvcc/watch.js';
import type { ClientTls } from '../client/connection.js';
import { connect } from '../client/client.js';
import { isClientError } from '../client/errors.js';
import { eventually, startClient, startMember, text } from '../client/members.test.util.js';
import { makePki, skipWithoutOpenssl, tlsDir } from '../testing/pki.test.util.js';
import { startKvServer, type KvServerTls } from './server.js';

/** `GET` over https with `tls`; the status and body, or the error. */
function httpsGet(url: string, tls: ClientTls): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The error `promise` rejects with (a failure if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

t.test(
  'put, get and watch over wss with a CA; /health over https; no CA, no connection',
  { skip: skipWithoutOpenssl },
  async (t) => {
    const pki = makePki(tlsDir(t), 'client-ca', ['server']);
    const server = pki.issued['server'];
    if (server === undefined) throw new Error('no server certificate');
    const member = await startMember(t, { server: { tls: { cert: server.cert, key: server.key } } });
    t.match(member.url, /^wss:\/\/127\.0\.0\.1:\d+\/kv$/);
    const https = member.url.replace(/^wss/, 'https').replace(/\/kv$/, '');

    const client = await startClient(t, { endpoints: [https], tls: { ca: pki.ca.cert }, timeoutMs: 5_000 });
    const batches: WatchBatch[] = [];
    const watch = client.watch('k', { prefix: true });
    const watching = (async () => {
      for await (const b of watch) batches.push(b);
    })();
    const put = await client.put('k1', 'over tls');
    t.equal(text((await client.range('k1')).kvs[0]?.value), 'over tls');
    await eventually(() => batches.length > 0);
    t.match(batches[0], { type: 'events', revision: put.header.revision, events: [{ type: 'put' }] });
    watch.cancel();
    await watching;

    t.same(await httpsGet(`${https}/health`, { ca: pki.ca.cert }), { status: 200, body: '{"health":"true"}' });
    t.match((await httpsGet(`${https}/metrics`, { ca: pki.ca.cert })).body, /bosun_kv_/);

    // host:port means wss:// when the client has TLS.
    const bare = await startClient(t, { endpoints: [https.replace('https://', '')], tls: { ca: pki.ca.cert } });
    t.equal((await bare.status()).memberId, 'default');

    // Without the CA the member's certificate is not trusted: one clear error, no retries for the whole deadline.
    const started = Date.now();
    const untrusted = await rejection(connect({ endpoints: [https], timeoutMs: 10_000 }));
    t.ok(isClientError(untrusted, 'unauthenticated'), `unauthenticated: ${String(untrusted)}`);
    t.match((untrusted as Error).message, /wss:\/\/127\.0\.0\.1:\d+\/kv: the member's TLS certificate is not trusted/);
    t.ok(Date.now() - started < 5_000, 'fails at once');
    const plain = await rejection(connect({ endpoints: [https.replace('https', 'http')], timeoutMs: 1_000 }));
    t.ok(isClientError(plain, 'unavailable'), `plain ws to a TLS server: ${String(plain)}`);
    t.match((plain as Error).message, /does the member serve TLS\? then use https:\/\/ or wss:\/\//);
    const plainMember = await startMember(t);
    const wrongScheme = await rejection(
      connect({ endpoints: [plainMember.url.replace('ws:', 'wss:')], tls: { ca: pki.ca.cert }, timeoutMs: 1_000 }),
    );
    t.match(
      (wrongScheme as Error).message,
      /wrong version number \(does the member serve plain http\? then use http:\/\/ or ws:\/\/\)\)$/,
    );
    await t.rejects(() => httpsGet(`${https}/health`, {}), /self-signed|certificate/);
    await t.rejects(
      () => connect({ endpoints: [https], tls: { cert: server.cert } }),
      /tls\.cert and tls\.key go together/,
    );
  },
);

t.test(
  'with clientCertAuth, only clients with a certificate from the CA get in',
  { skip: skipWithoutOpenssl },
  async (t) => {
    const dir = tlsDir(t);
    const pki = makePki(dir, 'client-ca', ['server', 'alice']);
    const rogue = makePki(dir, 'rogue-ca', ['mallory']);
    const server = pki.issued['server'];
    const alice = pki.issued['alice'];
    const mallory = rogue.issued['mallory'];
    if (server === undefined || alice === undefined || mallory === undefined) throw new Error('missing certificates');
    const tls: KvServerTls = { cert: server.cert, key: server.key, ca: pki.ca.cert, clientCertAuth: true };
    const member = await startMember(t, { server: { tls } });
    const endpoint = member.url;

    const withCert = await startClient(t, {
      endpoints: [endpoint],
      tls: { ca: pki.ca.cert, cert: alice.cert, key: alice.key },
      timeoutMs: 5_000,
    });
    await withCert.put('a', '1');
    t.equal(text((await withCert.range('a')).kvs[0]?.value), '1');

    const noCert = await rejection(connect({ endpoints: [endpoint], tls: { ca: pki.ca.cert }, timeoutMs: 5_000 }));
    t.ok(isClientError(noCert, 'unauthenticated'), `no certificate: ${String(noCert)}`);
    t.match((noCert as Error).message, /the member refused the TLS handshake .*client certificate/);

    const wrongCa = await rejection(
      connect({
        endpoints: [endpoint],
        tls: { ca: pki.ca.cert, cert: mallory.cert, key: mallory.key },
        timeoutMs: 5_000,
      }),
    );
    // Node closes the connection without a TLS alert here: the client sees a hang-up, and says why it may be.
    t.ok(isClientError(wrongCa), `a certificate from another CA: ${String(wrongCa)}`);
    t.match((wrongCa as Error).message, /did the member refuse the client certificate\? its CA must sign it/);

    const https = endpoint.replace(/^wss/, 'https').replace(/\/kv$/, '');
    t.equal((await httpsGet(`${https}/health`, { ca: pki.ca.cert, cert: alice.cert, key: alice.key })).status, 200);
    await t.rejects(() => httpsGet(`${https}/health`, { ca: pki.ca.cert }), 'no /health without a certificate');

    await t.rejects(
      () => startKvServer({ kv: member.store, tls: { cert: server.cert, key: server.key, clientCertAuth: true } }),
      /clientCertAuth needs the CA/,
    );
  },
);

t.test(
  'over TLS, a watch fails over to another endpoint with no gap and no repeat',
  { skip: skipWithoutOpenssl },
  async (t) => {
    const pki = makePki(tlsDir(t), 'client-ca', ['server', 'client']);
    const server = pki.issued['server'];
    const client = pki.issued['client'];
    if (server === undefined || client === undefined) throw new Error('missing certificates');
    const tls: KvServerTls = { cert: server.cert, key: server.key, ca: pki.ca.cert, clientCertAuth: true };
    const member = await startMember(t, { server: { tls } });
    const second = await startKvServer({ kv: member.store, tls }); // a second endpoint onto the same history
    t.teardown(() => second.close());
    const kv = await startClient(t, {
      endpoints: [member.url, second.url],
      tls: { ca: pki.ca.cert, cert: client.cert, key: client.key },
      timeoutMs: 5_000,
    });
    const batches: WatchBatch[] = [];
    const watch = kv.watch('k', { prefix: true });
    const watching = (async () => {
      for await (const b of watch) batches.push(b);
    })();
    const revisions = () => batches.flatMap((b) => (b.type === 'events' ? [b.revision] : []));
    const written: number[] = [];
    for (let i = 0; i < 5; i++) written.push((await kv.put(`k${i}`, 'first')).header.revision);
    await eventually(() => revisions().length === 5);
    const closing = member.server.close();
    for (let i = 0; i < 3; i++) written.push((await member.store.put(`k${i}`, 'between')).header.revision);
    await closing;
    for (let i = 0; i < 3; i++) written.push((await kv.put(`k${i}`, 'second')).header.revision);
    await eventually(() => revisions().length >= written.length);
    t.same(revisions(), written, 'every write seen once, in order');
    t.match(await second.metrics.text(), /^bosun_kv_watchers 1$/m, 'the watch now streams from the second endpoint');
    watch.cancel();
    await watching;
  },
);
