import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPki, issueClientCertificate } from './index.js';
import type { ClusterPkiOptions } from './index.js';
import { probeTls } from './testing.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const OPTS: ClusterPkiOptions = {
  hostnames: ['bosun.example.com', '10.1.2.3'],
  ips: ['192.168.7.8', 'fd00::7'],
  hostName: 'node-a',
};

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' });
}
function text(path: string): string {
  return openssl(['x509', '-noout', '-text', '-in', path]);
}
function verifies(caPath: string, certPath: string, atTime?: Date): boolean {
  const when = atTime === undefined ? [] : ['-attime', String(Math.floor(atTime.getTime() / 1000))];
  return spawnSync('openssl', ['verify', ...when, '-CAfile', caPath, certPath]).status === 0;
}
function fileMode(path: string): Promise<number> {
  return stat(path).then((s) => s.mode & 0o777);
}
function at(days: number): () => Date {
  const base = Date.now();
  return () => new Date(base + days * DAY_MS);
}

t.test('the cluster PKI', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bosun-pki-test-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'base', 'pki');
  const pki = await ensureClusterPki(dir, OPTS);
  const other = await ensureClusterPki(join(root, 'other'), OPTS);
  let copies = 0;
  /** A copy of the base PKI to change (key generation is slow: generate once). */
  async function copy(): Promise<string> {
    const target = join(root, `copy-${copies++}`);
    await cp(dir, target, { recursive: true });
    return target;
  }

  t.test('first use creates every file; keys are 0600, certificates 0644, no temp files left', async (t) => {
    t.same(pki.written, ['ca', 'apiserver', 'admin', 'serviceAccountKey']);
    t.same((await readdir(dir)).sort(), [
      'admin.crt',
      'admin.key',
      'apiserver.crt',
      'apiserver.key',
      'ca.crt',
      'ca.key',
      'sa.key',
      'sa.pub',
    ]);
    for (const key of ['ca.key', 'apiserver.key', 'admin.key', 'sa.key'])
      t.equal(await fileMode(join(dir, key)), 0o600, key);
    for (const cert of ['ca.crt', 'apiserver.crt', 'admin.crt', 'sa.pub']) {
      t.equal(await fileMode(join(dir, cert)), 0o644, cert);
    }
    t.equal(await fileMode(dir), 0o700, 'the directory is owner-only');
    t.equal(await readFile(pki.paths.caCert, 'utf8'), pki.ca.certPem);
    t.equal(await readFile(pki.paths.adminKey, 'utf8'), pki.admin.keyPem);
  });

  t.test('the CA is a CA; the chain verifies with openssl', async (t) => {
    const ca = text(pki.paths.caCert);
    t.match(ca, /CA:TRUE/);
    t.match(ca, /Certificate Sign/);
    t.match(ca, /Subject: CN\s?=\s?bosun-ca@\d+/);
    t.ok(verifies(pki.paths.caCert, pki.paths.apiserverCert), 'apiserver.crt verifies');
    t.ok(verifies(pki.paths.caCert, pki.paths.adminCert), 'admin.crt verifies');
    t.notOk(verifies(pki.paths.caCert, other.paths.adminCert), "another CA's certificate does not");
  });

  t.test('the serving certificate: SANs and serverAuth', async (t) => {
    const out = text(pki.paths.apiserverCert);
    for (const san of [
      'DNS:localhost',
      'DNS:node-a',
      'DNS:bosun.example.com',
      'DNS:kubernetes.default.svc',
      'IP Address:127.0.0.1',
      'IP Address:10.1.2.3',
      'IP Address:192.168.7.8',
      'IP Address:FD00:0:0:0:0:0:0:7',
    ]) {
      t.ok(out.toUpperCase().includes(san.toUpperCase()), san);
    }
    t.match(out, /TLS Web Server Authentication/);
    t.notMatch(out, /TLS Web Client Authentication/);
    t.match(out, /CA:FALSE/);
  });

  t.test('the admin certificate: CN=bosun-admin, O=system:masters, clientAuth', async (t) => {
    const subject = openssl(['x509', '-noout', '-subject', '-nameopt', 'RFC2253', '-in', pki.paths.adminCert]);
    t.equal(subject.trim(), 'subject=CN=bosun-admin,O=system:masters');
    const out = text(pki.paths.adminCert);
    t.match(out, /TLS Web Client Authentication/);
    t.notMatch(out, /TLS Web Server Authentication/);
  });

  t.test("Node's TLS accepts the serving and admin certificates, not another CA's", async (t) => {
    const server = { certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem, caPem: pki.ca.certPem };
    const inspect = () => undefined;
    const admin = await probeTls({ server, client: { ...pki.admin, caPem: pki.ca.certPem }, inspect });
    t.equal(admin.authorized, true, admin.authorizationError ?? 'authorized');
    t.equal(admin.serverVerified, true, 'the client verified the server for "localhost"');
    const byIp = await probeTls({ server, client: { ...pki.admin, caPem: pki.ca.certPem }, servername: '', inspect });
    t.equal(byIp.serverVerified, true, 'and for 127.0.0.1');
    const forged = await probeTls({ server, client: { ...other.admin, caPem: pki.ca.certPem }, inspect });
    t.equal(forged.authorized, false);
    await t.rejects(
      probeTls({ server, client: { caPem: other.ca.certPem }, inspect }),
      'a client trusting another CA rejects the server',
    );
  });

  t.test('the ServiceAccount key pair signs and verifies RS256', async (t) => {
    const key = createPrivateKey(pki.serviceAccountKey.privateKeyPem);
    t.equal(key.asymmetricKeyType, 'rsa');
    t.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    const data = Buffer.from('header.payload');
    const signature = sign('sha256', data, key);
    t.ok(verify('sha256', data, createPublicKey(pki.serviceAccountKey.publicKeyPem), signature));
    t.equal(await readFile(pki.paths.serviceAccountPublicKey, 'utf8'), pki.serviceAccountKey.publicKeyPem);
  });

  t.test('a later call keeps everything that is still good', async (t) => {
    const again = await ensureClusterPki(dir, OPTS);
    t.same(again.written, []);
    t.equal(again.ca.certPem, pki.ca.certPem);
    t.equal(again.apiserver.certPem, pki.apiserver.certPem);
    t.equal(again.admin.keyPem, pki.admin.keyPem);
    t.equal(again.serviceAccountKey.privateKeyPem, pki.serviceAccountKey.privateKeyPem);
    const reordered = await ensureClusterPki(dir, { ...OPTS, ips: [...OPTS.ips].reverse() });
    t.same(reordered.written, [], 'the order of the names does not matter');
  });

  t.test('certificates are renewed before expiry; the CA is kept', async (t) => {
    const target = await copy();
    const early = await ensureClusterPki(target, { ...OPTS, now: at(270) });
    t.same(early.written, [], '95 days before expiry: kept');
    const day280 = at(280);
    const renewed = await ensureClusterPki(target, { ...OPTS, now: day280 });
    t.same(renewed.written, ['apiserver', 'admin'], '85 days before expiry: renewed');
    t.equal(renewed.ca.certPem, pki.ca.certPem);
    t.not(renewed.apiserver.keyPem, pki.apiserver.keyPem, 'with a new key');
    t.ok(renewed.notAfter.admin.getTime() > pki.notAfter.admin.getTime() + 270 * DAY_MS);
    t.ok(verifies(pki.paths.caCert, join(target, 'admin.crt'), day280()), 'signed by the same CA');
    const expired = await ensureClusterPki(await copy(), { ...OPTS, now: at(400) });
    t.same(expired.written, ['apiserver', 'admin'], 'expired: renewed');
  });

  t.test('an expired CA is replaced and everything re-issued', async (t) => {
    const target = await copy();
    const later = await ensureClusterPki(target, { ...OPTS, now: at(3651) });
    t.same(later.written, ['ca', 'apiserver', 'admin']);
    t.not(later.ca.certPem, pki.ca.certPem);
    t.equal(later.serviceAccountKey.privateKeyPem, pki.serviceAccountKey.privateKeyPem, 'the SA key is kept');
  });

  t.test('near the end of the CA, leaves are capped at its notAfter and not renewed on every start', async (t) => {
    const target = await copy();
    const late = await ensureClusterPki(target, { ...OPTS, now: at(3600) });
    t.same(late.written, ['apiserver', 'admin']);
    t.equal(late.notAfter.admin.getTime(), late.notAfter.ca.getTime());
    const again = await ensureClusterPki(target, { ...OPTS, now: at(3601) });
    t.same(again.written, []);
  });

  t.test('a change of the requested names re-issues the serving certificate only', async (t) => {
    const target = await copy();
    const changed = await ensureClusterPki(target, { ...OPTS, hostnames: ['new.example.com'] });
    t.same(changed.written, ['apiserver']);
    t.match(text(join(target, 'apiserver.crt')), /DNS:new\.example\.com/);
    t.notMatch(text(join(target, 'apiserver.crt')), /bosun\.example\.com/);
  });

  t.test('broken or foreign leaves are re-issued', async (t) => {
    const target = await copy();
    await writeFile(join(target, 'apiserver.crt'), 'garbage');
    await cp(join(root, 'other', 'admin.crt'), join(target, 'admin.crt'));
    await cp(join(root, 'other', 'admin.key'), join(target, 'admin.key'));
    const fixed = await ensureClusterPki(target, OPTS);
    t.same(fixed.written, ['apiserver', 'admin']);
    t.ok(verifies(join(target, 'ca.crt'), join(target, 'admin.crt')));
    const mismatched = await copy();
    await cp(join(root, 'other', 'admin.key'), join(mismatched, 'admin.key'));
    t.same((await ensureClusterPki(mismatched, OPTS)).written, ['admin'], 'a key that does not fit');
  });

  t.test('kept keys are narrowed to 0600', async (t) => {
    const target = await copy();
    await chmod(join(target, 'ca.key'), 0o644);
    await chmod(join(target, 'sa.key'), 0o640);
    t.same((await ensureClusterPki(target, OPTS)).written, []);
    t.equal(await fileMode(join(target, 'ca.key')), 0o600);
    t.equal(await fileMode(join(target, 'sa.key')), 0o600);
  });

  t.test('a missing sa.pub is written again from sa.key', async (t) => {
    const target = await copy();
    await unlink(join(target, 'sa.pub'));
    const again = await ensureClusterPki(target, OPTS);
    t.same(again.written, ['serviceAccountKey']);
    t.equal(again.serviceAccountKey.privateKeyPem, pki.serviceAccountKey.privateKeyPem);
    t.equal(await readFile(join(target, 'sa.pub'), 'utf8'), pki.serviceAccountKey.publicKeyPem);
  });

  t.test('a CA with a missing half is created anew (an interrupted first start)', async (t) => {
    const target = await copy();
    await unlink(join(target, 'ca.crt'));
    t.same((await ensureClusterPki(target, OPTS)).written, ['ca', 'apiserver', 'admin']);
  });

  t.test('a valid CA that cannot be used is an error, never replaced silently', async (t) => {
    const foreignKey = await copy();
    await cp(join(root, 'other', 'ca.key'), join(foreignKey, 'ca.key'));
    await t.rejects(ensureClusterPki(foreignKey, OPTS), { name: 'PkiError', code: 'invalidCertificateAuthority' });
    t.equal(await readFile(join(foreignKey, 'ca.crt'), 'utf8'), pki.ca.certPem, 'ca.crt untouched');
    const garbage = await copy();
    await writeFile(join(garbage, 'ca.crt'), 'not a certificate');
    await t.rejects(ensureClusterPki(garbage, OPTS), { name: 'PkiError', code: 'invalidCertificateAuthority' });
    const badSa = await copy();
    await writeFile(join(badSa, 'sa.key'), 'not a key');
    await t.rejects(ensureClusterPki(badSa, OPTS), { name: 'PkiError', code: 'invalidKey' });
  });

  t.test('a CA made elsewhere (RSA, by openssl) is used as it is; an Ed25519 one is refused', async (t) => {
    const target = join(root, 'own-ca');
    await mkdir(target);
    const req = (alg: string) =>
      openssl([
        'req',
        '-x509',
        '-newkey',
        alg,
        '-nodes',
        '-subj',
        '/CN=own-ca',
        '-days',
        '30',
        '-keyout',
        join(target, 'ca.key'),
        '-out',
        join(target, 'ca.crt'),
      ]);
    req('rsa:2048');
    const own = await ensureClusterPki(target, OPTS);
    t.same(own.written, ['apiserver', 'admin', 'serviceAccountKey']);
    t.ok(verifies(join(target, 'ca.crt'), join(target, 'apiserver.crt')));
    t.match(text(join(target, 'admin.crt')), /sha256WithRSAEncryption/);
    t.equal(own.notAfter.apiserver.getTime(), own.notAfter.ca.getTime(), 'capped at the CA');
    const issued = await issueClientCertificate(own, { commonName: 'u', organizations: [], validityDays: 1 });
    t.ok(issued.certPem.includes('BEGIN CERTIFICATE'));
    req('ed25519');
    await rm(join(target, 'apiserver.crt'));
    await t.rejects(ensureClusterPki(target, OPTS), { name: 'PkiError', code: 'invalidCertificateAuthority' });
  });

  t.test('bad input', async (t) => {
    const target = await copy();
    await t.rejects(ensureClusterPki(target, { ...OPTS, ips: ['bosun.example.com'] }), {
      code: 'invalidSubjectAltName',
    });
    await t.rejects(ensureClusterPki(target, { ...OPTS, hostnames: ['bad name'] }), { code: 'invalidSubjectAltName' });
    await t.rejects(ensureClusterPki(target, { ...OPTS, validityDays: 30, renewBeforeDays: 30 }), RangeError);
    await t.rejects(issueClientCertificate(pki, { commonName: '', organizations: [], validityDays: 1 }), RangeError);
  });

  t.test('issueClientCertificate: CN and O values, clientAuth, signed by the CA, capped at its end', async (t) => {
    const issued = await issueClientCertificate(pki, {
      commonName: 'system:node:node-a',
      organizations: ['system:nodes', 'ops, with a comma'],
      validityDays: 30,
    });
    const path = join(root, 'node-a.crt');
    await writeFile(path, issued.certPem);
    t.ok(verifies(pki.paths.caCert, path));
    const subject = openssl(['x509', '-noout', '-subject', '-nameopt', 'RFC2253', '-in', path]).trim();
    t.equal(subject, 'subject=CN=system:node:node-a,O=ops\\, with a comma,O=system:nodes');
    t.match(text(path), /TLS Web Client Authentication/);
    t.ok(createPrivateKey(issued.keyPem));
    const long = await issueClientCertificate(pki, { commonName: 'u', organizations: [], validityDays: 100_000 });
    await writeFile(path, long.certPem);
    const end = openssl(['x509', '-noout', '-enddate', '-in', path]).trim().replace('notAfter=', '');
    t.equal(new Date(end).getTime(), pki.notAfter.ca.getTime());
  });
});
