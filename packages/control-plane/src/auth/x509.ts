/**
 * X.509 client certificate authentication: the user is the certificate's CN, the groups its O
 * values (Kubernetes' `CommonNameUserConversion`).
 */
import type { TLSSocket } from 'node:tls';
import { ALL_AUTHENTICATED_GROUP } from './user.js';
import type { UserInfo } from './user.js';

/** The extended key usage a client certificate must allow when it restricts usages. */
const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

/**
 * The user of a TLS connection's client certificate, or undefined when the client sent none,
 * the TLS layer did not verify it (`socket.authorized`: another CA, expired, not yet valid),
 * it is not meant for client authentication, or its CN is empty or repeated.
 *
 * The server must be a `tls`/`https` server with `requestCert: true`, `rejectUnauthorized:
 * false` (so that token and anonymous requests still get in) and `ca` set to the cluster CA
 * alone: `authorized` means "verified against `ca`".
 */
export function authenticateClientCertificate(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  // No certificate: Node returns an empty object (or null once the socket is destroyed).
  if (cert === null || typeof cert !== 'object' || cert.subject === undefined) return undefined;
  const extKeyUsage = (cert as { ext_key_usage?: string[] }).ext_key_usage;
  if (extKeyUsage !== undefined && !extKeyUsage.includes(CLIENT_AUTH_OID)) return undefined;
  const commonNames = values(cert.subject.CN);
  const name = commonNames[0];
  if (commonNames.length !== 1 || name === undefined || name === '') return undefined;
  const organizations = values(cert.subject.O).filter((o) => o !== '');
  const groups = [...new Set([...organizations, ALL_AUTHENTICATED_GROUP])];
  return { name, groups };
}

/** A subject attribute as Node gives it: absent, one value, or an array when repeated. */
function values(attribute: string | string[] | undefined): string[] {
  if (attribute === undefined) return [];
  return Array.isArray(attribute) ? attribute : [attribute];
}
