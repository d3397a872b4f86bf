// `bosun kv serve` with etcd's TLS flags as a real process, used by the client verbs with
// etcdctl's --cacert, --cert and --key. Certificates are made by openssl into a `bosun-tls-`
// temp dir; the tests skip, with a message, when openssl is not installed.
import t from 'tap';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bosun, freePort, spawnServe, stop, waitForOutput, type Result } from './kv-process.test.util.js';

const hasOpenssl = spawnSync('openssl', ['version'], { timeout: 10_000 }).status === 0;
const skip = hasOpenssl ? false : 'openssl is not installed: cannot make test certificates';

function openssl(dir: string, args: readonly string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, timeout: 30_000, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CA `ca.crt` in `dir` and, per name, `<name>.crt` and `<name>.key` for 127.0.0.1 signed by it. */
function makePki(dir: string, names: readonly string[]): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=kv-ca']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  for (const name of names) {
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    ]);
  }
}

/** Starts `bosun kv serve` for a one-member cluster named `name` with `extra` flags; stopped when `t` ends. */
async function serve(
  t: { teardown(fn: () => unknown): void },
  dir: string,
  name: string,
  extra: readonly string[],
): Promise<{ child: ChildProcess; endpoint: string; ready: string }> {
  const [peer, client] = [await freePort(), await freePort()];
  const [listenPeer, listenClient] = [`http://127.0.0.1:${peer}`, `https://127.0.0.1:${client}`];
  const child = spawnServe({ name, dir, listenPeer, listenClient, extra });
  t.teardown(() => stop(child));
  const ready = await waitForOutput(child, /ready: serving clients at \S+/, 20_000);
  return { child, endpoint: listenClient, ready };
}

/** Whether a failed run printed one line on stderr, `error: ...`, and exited 1. */
function isOneErrorLine(r: Result): boolean {
  return r.code === 1 && /^error: [^\n]+\n$/.test(r.stderr);
}

t.test('bosun kv over TLS: serve with etcd flags, put/get with etcdctl flags', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  makePki(dir, ['server', 'client']);
  const file = (f: string) => join(dir, f);
  const serverFlags = ['--cert-file', file('server.crt'), '--key-file', file('server.key')];

  await t.test('a member with a server certificate: --cacert is all a client needs', async (t) => {
    const { child, endpoint, ready } = await serve(t, dir, 'tls1', serverFlags);
    t.match(ready, /serving clients at wss:\/\/127\.0\.0\.1:\d+\/kv/);
    const flags = ['--endpoints', endpoint, '--cacert', file('ca.crt')];
    let put: Result | undefined;
    // The member elects itself within a few ticks of starting.
    for (let i = 0; i < 40 && put?.code !== 0; i++) {
      put = await bosun(['kv', 'put', 'tls/k', 'v1', ...flags]);
      if (put.code !== 0) await new Promise((r) => setTimeout(r, 250));
    }
    t.same(put, { code: 0, stdout: 'OK\n', stderr: '' });
    t.same(await bosun(['kv', 'get', 'tls/k', ...flags]), { code: 0, stdout: 'tls/k\nv1\n', stderr: '' });
    const health = await bosun(['kv', 'endpoint', 'health', ...flags]);
    t.equal(health.code, 0, health.stderr);
    t.match(health.stdout, `${endpoint} is healthy`);

    const noCa = await bosun(['kv', 'get', 'tls/k', '--endpoints', endpoint]);
    t.ok(isOneErrorLine(noCa), `without --cacert: one line, exit 1: ${JSON.stringify(noCa)}`);
    t.match(
      noCa.stderr,
      /^error: unauthenticated: wss:\/\/127\.0\.0\.1:\d+\/kv: the member's TLS certificate is not trusted/,
    );
    const unhealthy = await bosun(['kv', 'endpoint', 'health', '--endpoints', endpoint]);
    t.equal(unhealthy.code, 1);
    t.match(unhealthy.stdout, `${endpoint} is unhealthy: `);
    const plain = await bosun([
      'kv',
      'get',
      'tls/k',
      '--endpoints',
      endpoint.replace('https', 'http'),
      '--command-timeout',
      '1000',
    ]);
    t.ok(isOneErrorLine(plain), `http:// to a TLS member: one line, exit 1: ${JSON.stringify(plain)}`);
    t.match(plain.stderr, /does the member serve TLS\? then use https:\/\/ or wss:\/\//);
    t.equal(await stop(child), 0, 'closes cleanly on SIGTERM');
  });

  await t.test('--client-cert-auth: a client needs --cert and --key from the trusted CA', async (t) => {
    const { child, endpoint } = await serve(t, dir, 'tls2', [
      ...serverFlags,
      '--trusted-ca-file',
      file('ca.crt'),
      '--client-cert-auth',
    ]);
    const flags = ['--endpoints', endpoint, '--cacert', file('ca.crt')];
    const withCert = [...flags, '--cert', file('client.crt'), '--key', file('client.key')];
    let put: Result | undefined;
    for (let i = 0; i < 40 && put?.code !== 0; i++) {
      put = await bosun(['kv', 'put', 'mtls/k', 'v2', ...withCert]);
      if (put.code !== 0) await new Promise((r) => setTimeout(r, 250));
    }
    t.same(put, { code: 0, stdout: 'OK\n', stderr: '' });
    t.same(await bosun(['kv', 'get', 'mtls/k', ...withCert]), { code: 0, stdout: 'mtls/k\nv2\n', stderr: '' });
    t.equal((await bosun(['kv', 'endpoint', 'health', ...withCert])).code, 0, 'healthy with a certificate');

    const noCert = await bosun(['kv', 'get', 'mtls/k', ...flags]);
    t.ok(isOneErrorLine(noCert), `without --cert: one line, exit 1: ${JSON.stringify(noCert)}`);
    t.match(noCert.stderr, /^error: unauthenticated: .*requires a client certificate signed by its CA\n$/);
    const halfCert = await bosun(['kv', 'get', 'mtls/k', ...flags, '--cert', file('client.crt')]);
    t.same(halfCert, { code: 1, stdout: '', stderr: 'error: --cert and --key go together\n' });
    const missing = await bosun(['kv', 'get', 'mtls/k', '--endpoints', endpoint, '--cacert', file('nope.crt')]);
    t.same(missing, { code: 1, stdout: '', stderr: `error: --cacert: cannot read ${file('nope.crt')} (ENOENT)\n` });
    t.equal(await stop(child), 0, 'closes cleanly on SIGTERM');
  });

  await t.test('bad TLS flags of serve: one line, exit 1, before anything starts', async (t) => {
    const port = await freePort();
    const run = (listen: string, extra: readonly string[]) =>
      bosun(['kv', 'serve', '--name', 'bad', '--data-dir', join(dir, 'bad'), '--listen-client', listen, ...extra]);
    const http = await run(`http://127.0.0.1:${port}`, serverFlags);
    t.same(http, {
      code: 1,
      stdout: '',
      stderr: `error: --listen-client must be https:// with --cert-file and --key-file (got http://127.0.0.1:${port})\n`,
    });
    const noCert = await run(`https://127.0.0.1:${port}`, []);
    t.equal(noCert.stderr, `error: --listen-client https://127.0.0.1:${port} needs --cert-file and --key-file\n`);
    const noKey = await run(`https://127.0.0.1:${port}`, ['--cert-file', file('server.crt')]);
    t.equal(noKey.stderr, 'error: --cert-file and --key-file go together\n');
    const noCa = await run(`https://127.0.0.1:${port}`, [...serverFlags, '--client-cert-auth']);
    t.match(noCa.stderr, /^error: --client-cert-auth needs --trusted-ca-file/);
    const mismatch = await run(`https://127.0.0.1:${port}`, [
      '--cert-file',
      file('server.crt'),
      '--key-file',
      file('client.key'),
    ]);
    t.ok(
      isOneErrorLine(mismatch),
      `a key that is not the certificate's: one line, exit 1: ${JSON.stringify(mismatch)}`,
    );
    t.match(mismatch.stderr, /key values mismatch/);
    t.equal(existsSync(join(dir, 'bad')), false, 'no data dir was made');
  });
});
