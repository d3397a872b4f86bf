/**
 * Creating and inspecting X.509 certificates with @peculiar/x509 on Node's WebCrypto: a
 * self-signed CA, serving and client certificates it signs (ECDSA P-256, SHA-256).
 */
// tsyringe, which @peculiar/x509 uses inside, needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { PkiError } from './errors.js';

const crypto: webcrypto.Crypto = webcrypto;
const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const RSA_SIGNING: webcrypto.RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
/** How far notBefore is set back, so that clocks a little behind accept a new certificate. */
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM (the key as PKCS#8 `PRIVATE KEY`). */
export interface CertificateAndKey {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What a certificate is for: a CA, a TLS server (serverAuth) or a TLS client (clientAuth). */
export type CertificateUsage = 'ca' | 'server' | 'client';

/** The subject and extensions of a certificate to create. */
export interface CertificateTemplate {
  readonly commonName: string;
  /** Subject `O` values (Kubernetes reads them as the user's groups). */
  readonly organizations?: readonly string[];
  readonly usage: CertificateUsage;
  /** Subject alternative names of a serving certificate. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly now: Date;
  readonly validityDays: number;
}

/** A parsed certificate: the fields the PKI decides on. */
export interface CertificateInfo {
  readonly cert: x509.X509Certificate;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Parses a PEM certificate; undefined when it is not one. */
export function parseCertificate(pem: string): CertificateInfo | undefined {
  try {
    const cert = new x509.X509Certificate(pem);
    return { cert, notBefore: cert.notBefore, notAfter: cert.notAfter };
  } catch {
    return undefined;
  }
}

/** Whether `keyPem` is the private key of `certPem`'s public key. */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  try {
    const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const certSpki = Buffer.from(new x509.X509Certificate(certPem).publicKey.rawData);
    return spki.equals(certSpki);
  } catch {
    return false;
  }
}

/** Whether `cert` carries `issuer`'s signature (and names it as its issuer). */
export async function isSignedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify({ publicKey: issuer, signatureOnly: true }, crypto);
  } catch {
    return false;
  }
}

/** The DER of the subjectAltName extension a serving certificate gets for these names. */
export function subjectAltNameDer(dnsNames: readonly string[], ipAddresses: readonly string[]): Buffer {
  return Buffer.from(sanExtension(dnsNames, ipAddresses).value);
}

/** The DER of `cert`'s subjectAltName extension, or undefined when it has none. */
export function certificateSubjectAltNameDer(cert: x509.X509Certificate): Buffer | undefined {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  return ext === null ? undefined : Buffer.from(ext.value);
}

/** The subject DN string @peculiar/x509 prints for a certificate with these CN and O values. */
export function subjectString(commonName: string, organizations: readonly string[] = []): string {
  return subjectName(commonName, organizations).toString();
}

/** A new self-signed CA certificate and key. */
export async function createCertificateAuthority(
  template: Omit<CertificateTemplate, 'usage' | 'dnsNames' | 'ipAddresses'>,
): Promise<CertificateAndKey> {
  const keys = await newKeyPair();
  const name = subjectName(template.commonName, template.organizations ?? []);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: name,
      issuer: name,
      ...validity(template.now, template.validityDays, undefined),
      signingAlgorithm: EC_SIGNING,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

/**
 * A new key and a certificate for it signed by `ca`. Its notAfter never passes the CA's
 * (a certificate that outlives its issuer would not verify).
 */
export async function signCertificate(
  ca: CertificateAndKey,
  template: CertificateTemplate,
): Promise<CertificateAndKey> {
  if (template.usage === 'ca') throw new Error('signCertificate issues leaf certificates only');
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await importSigningKey(ca.keyPem);
  const keys = await newKeyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [template.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
  ];
  const dnsNames = template.dnsNames ?? [];
  const ipAddresses = template.ipAddresses ?? [];
  if (dnsNames.length + ipAddresses.length > 0) extensions.push(sanExtension(dnsNames, ipAddresses));
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: subjectName(template.commonName, template.organizations ?? []),
      issuer: caCert.subjectName,
      ...validity(template.now, template.validityDays, caCert.notAfter),
      signingAlgorithm: signer.algorithm,
      publicKey: keys.publicKey,
      signingKey: signer.key,
      extensions,
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportPrivateKey(keys.privateKey) };
}

function sanExtension(
  dnsNames: readonly string[],
  ipAddresses: readonly string[],
): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension(
    [
      ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
      ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
    ],
    false,
  );
}

function subjectName(commonName: string, organizations: readonly string[]): x509.Name {
  // The JSON form, not a DN string: values may hold commas, '+' or '=' without escaping.
  return new x509.Name([...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }]);
}

function validity(now: Date, validityDays: number, notAfterCap: Date | undefined): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const wanted = now.getTime() + validityDays * DAY_MS;
  const notAfter = new Date(notAfterCap === undefined ? wanted : Math.min(wanted, notAfterCap.getTime()));
  return { notBefore, notAfter };
}

/** A random positive 128-bit serial number in hex (RFC 5280: unique per CA, at most 20 bytes). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01; // positive, and no leading zero byte in DER
  return bytes.toString('hex');
}

async function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function exportPrivateKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A CA's private key (ECDSA P-256 or RSA, PKCS#8 or traditional PEM) as a WebCrypto signing key. */
async function importSigningKey(pem: string): Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.Algorithm }> {
  try {
    const keyObject = createPrivateKey(pem);
    const der = keyObject.export({ type: 'pkcs8', format: 'der' });
    if (keyObject.asymmetricKeyType === 'ec' && keyObject.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
      return { key: await crypto.subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']), algorithm: EC_SIGNING };
    }
    if (keyObject.asymmetricKeyType === 'rsa') {
      return { key: await crypto.subtle.importKey('pkcs8', der, RSA_SIGNING, false, ['sign']), algorithm: RSA_SIGNING };
    }
  } catch (cause) {
    throw new PkiError('invalidCertificateAuthority', 'the CA key cannot be read', { cause });
  }
  throw new PkiError('invalidCertificateAuthority', 'the CA key is neither ECDSA P-256 nor RSA');
}
