// TLS between members with a cluster CA: certificates made by openssl into a temp dir.
// Skipped, with a message, when openssl is not on the machine.
import t from 'tap';
import type { TransportTls } from './peer-link.js';
import { makePki, skipWithoutOpenssl, tlsDir, type Pki } from '../testing/pki.test.util.js';
import { heartbeat, startMember } from './transport.test.util.js';

/** Member `name`'s key and certificate from `pki`, trusting `pki`'s CA. */
function memberTls(pki: Pki, name: string): TransportTls {
  const issued = pki.issued[name];
  if (issued === undefined) throw new Error(`no certificate for ${name}`);
  return { key: issued.key, cert: issued.cert, ca: pki.ca.cert };
}

t.test(
  'members talk over TLS with a cluster CA; a certificate from another CA is refused',
  { skip: skipWithoutOpenssl },
  async (t) => {
    const dir = tlsDir(t);
    const pki = makePki(dir, 'cluster-ca', ['a', 'b']);
    const rogue = makePki(dir, 'rogue-ca', ['x']);

    const a = await startMember(t, 'a', { tls: memberTls(pki, 'a') });
    const b = await startMember(t, 'b', { tls: memberTls(pki, 'b') });
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
    const intruder = await startMember(t, 'a', { tls: { ...memberTls(rogue, 'x'), ca: pki.ca.cert } });
    intruder.transport.addPeer('b', b.url);
    intruder.transport.send([heartbeat('a', 'b', 99)]);
    await intruder.rec.until('refused', () => intruder.rec.unreachable.includes('b'));
    t.equal(intruder.transport.metrics.connects, 0);

    // And a member that trusts another CA does not accept b's certificate.
    const wary = await startMember(t, 'w', { tls: memberTls(rogue, 'x') });
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
  },
);
