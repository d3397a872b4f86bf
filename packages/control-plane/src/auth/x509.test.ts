import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPki, issueClientCertificate } from '../pki/index.js';
import type { TLSSocket } from 'node:tls';
import type { CertificateAndKey } from '../pki/index.js';
import { probeTls } from '../pki/testing.js';
import { authenticateClientCertificate } from './x509.js';

const DAY_MS = 24 * 60 * 60 * 1000;

t.test('X.509 client certificate authentication over real TLS', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bosun-x509-test-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const opts = { hostnames: [], ips: [], hostName: 'node-a' };
  const pki = await ensureClusterPki(join(root, 'cluster'), opts);
  const other = await ensureClusterPki(join(root, 'other'), opts);
  const server = { certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem, caPem: pki.ca.certPem };
  const authenticate = (client: Partial<CertificateAndKey>) =>
    probeTls({ server, client: { ...client, caPem: pki.ca.certPem }, inspect: authenticateClientCertificate });

  t.test('the admin certificate: CN is the user, O the groups, plus system:authenticated', async (t) => {
    const result = await authenticate(pki.admin);
    t.equal(result.authorized, true);
    t.same(result.inspected, { name: 'bosun-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  t.test('an issued certificate with several groups', async (t) => {
    const alice = await issueClientCertificate(pki, {
      commonName: 'alice',
      organizations: ['dev', 'ops', 'system:authenticated'],
      validityDays: 1,
    });
    t.same((await authenticate(alice)).inspected, { name: 'alice', groups: ['dev', 'ops', 'system:authenticated'] });
    const loner = await issueClientCertificate(pki, { commonName: 'bob', organizations: [], validityDays: 1 });
    t.same((await authenticate(loner)).inspected, { name: 'bob', groups: ['system:authenticated'] });
  });

  t.test('no certificate: undefined', async (t) => {
    const result = await authenticate({});
    t.equal(result.inspected, undefined);
  });

  t.test('a certificate from another CA (forged admin): undefined', async (t) => {
    const result = await authenticate(other.admin);
    t.equal(result.authorized, false);
    t.equal(result.inspected, undefined);
  });

  t.test('an expired certificate: undefined', async (t) => {
    const expired = await issueClientCertificate(pki, {
      commonName: 'bosun-admin',
      organizations: ['system:masters'],
      validityDays: 1,
      now: () => new Date(Date.now() - 3 * DAY_MS),
    });
    const result = await authenticate(expired);
    t.equal(result.authorizationError, 'CERT_HAS_EXPIRED');
    t.equal(result.inspected, undefined);
  });

  t.test('a certificate not yet valid: undefined', async (t) => {
    const future = await issueClientCertificate(pki, {
      commonName: 'bosun-admin',
      organizations: ['system:masters'],
      validityDays: 1,
      now: () => new Date(Date.now() + 3 * DAY_MS),
    });
    const result = await authenticate(future);
    t.equal(result.authorized, false);
    t.equal(result.inspected, undefined);
  });

  t.test('a serving certificate is no client certificate: undefined', async (t) => {
    const result = await authenticate(pki.apiserver);
    t.equal(result.inspected, undefined);
  });
});

t.test('the checks behind the TLS layer, on a verified socket (a fake)', async (t) => {
  const verified = (peer: object) =>
    authenticateClientCertificate({ authorized: true, getPeerCertificate: () => peer } as unknown as TLSSocket);
  t.same(verified({ subject: { CN: 'carol', O: ['a', 'b'] } }), {
    name: 'carol',
    groups: ['a', 'b', 'system:authenticated'],
  });
  t.same(verified({ subject: { CN: 'dave', O: 'a' }, ext_key_usage: ['1.3.6.1.5.5.7.3.2'] }), {
    name: 'dave',
    groups: ['a', 'system:authenticated'],
  });
  t.equal(verified({ subject: { CN: 'eve' }, ext_key_usage: ['1.3.6.1.5.5.7.3.1'] }), undefined, 'serverAuth only');
  t.equal(verified({ subject: { CN: ['eve', 'root'] } }), undefined, 'two CNs');
  t.equal(verified({ subject: { CN: '' } }), undefined, 'empty CN');
  t.equal(verified({ subject: { O: 'system:masters' } }), undefined, 'no CN');
  t.equal(verified({}), undefined, 'no certificate');
  const unverified = { authorized: false, getPeerCertificate: () => ({ subject: { CN: 'mallory' } }) };
  t.equal(authenticateClientCertificate(unverified as unknown as TLSSocket), undefined, 'not verified');
});
