// TLS between members with a cluster CA: certificates made by openssl into a temp dir.
// Skipped, with a message, when openssl is not on the machine.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransportTls } from './peer-link.js';
import { heartbeat, startMember } from './transport.test.util.js';

const hasOpenssl = spawnSync('openssl', ['version'], { timeout: 10_000 }).status === 0;

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, timeout: 30_000, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CA (named `ca`) and, per member, a key and a certificate for 127.0.0.1 signed by it. */
function makePki(dir: string, ca: string, members: readonly string[]): Record<string, TransportTls> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    `${ca}.key`,
    '-out',
    `${ca}.crt`,
    '-days',
    '1',
    '-subj',
    `/CN=${ca}`,
  ]);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  const out: Record<string, TransportTls> = {};
  for (const m of members) {
    openssl(dir, ['req', ...ec, '-keyout', `${m}.key`, '-out', `${m}.csr`, '-subj', `/CN=${m}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${m}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${m}.crt`,
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    ]);
    const read = (f: string) => readFileSync(join(dir, f));
    out[m] = { key: read(`${m}.key`), cert: read(`${m}.crt`), ca: read(`${ca}.crt`) };
  }
  return out;
}

const skip = hasOpenssl ? false : 'openssl is not installed: cannot make test certificates';

t.test('members talk over TLS with a cluster CA; a certificate from another CA is refused', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pki = makePki(dir, 'cluster-ca', ['a', 'b']);
  const rogue = makePki(dir, 'rogue-ca', ['x']);

  const a = await startMember(t, 'a', { tls: pki.a });
  const b = await startMember(t, 'b', { tls: pki.b });
  t.match(a.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  a.transport.addPeer('b', b.url);
  b.transport.addPeer('a', a.url);
  a.transport.send([heartbeat('a', 'b', 1)]);
  b.transport.send([heartbeat('b', 'a', 2)]);
  await b.rec.until('a → b', () => b.rec.messages.length === 1);
  await a.rec.until('b → a', () => a.rec.messages.length === 1);
  t.equal(b.rec.messages[0]?.index, 1);
  t.equal(a.rec.messages[0]?.index, 2);

  // The right token but a certificate the cluster CA did not sign: b refuses the handshake.
  const intruder = await startMember(t, 'a', { tls: { ...(rogue.x as TransportTls), ca: (pki.a as TransportTls).ca } });
  intruder.transport.addPeer('b', b.url);
  intruder.transport.send([heartbeat('a', 'b', 99)]);
  await intruder.rec.until('refused', () => intruder.rec.unreachable.includes('b'));
  t.equal(intruder.transport.metrics.connects, 0);

  // And a member that trusts another CA does not accept b's certificate.
  const wary = await startMember(t, 'w', { tls: rogue.x });
  wary.transport.addPeer('b', b.url);
  wary.transport.send([heartbeat('w', 'b', 98)]);
  await wary.rec.until('refused', () => wary.rec.unreachable.includes('b'));
  t.match(wary.rec.errors[0]?.message, /certificate/);
  t.same(
    b.rec.messages.map((m) => m.index),
    [1],
    'nothing from the intruders arrived',
  );

  t.throws(() => a.transport.addPeer('c', 'http://127.0.0.1:1'), /TLS is configured/);
});
