/**
 * The cluster PKI in the server's data dir: created on first start, renewed before expiry on
 * later starts. The CA is kept as long as it is valid; everything it signed is re-issued when it
 * is not (or when it changed).
 */
import { generateKeyPair as generateKeyPairCallback, createPrivateKey, createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { promisify } from 'node:util';
import {
  certificateSubjectAltNameDer,
  createCertificateAuthority,
  isSignedBy,
  keyMatchesCertificate,
  parseCertificate,
  signCertificate,
  subjectAltNameDer,
  subjectString,
} from './certificates.js';
import type { X509Certificate } from '@peculiar/x509';
import type { CertificateAndKey, CertificateTemplate } from './certificates.js';
import { PkiError } from './errors.js';
import {
  PRIVATE_MODE,
  PUBLIC_MODE,
  ensureDirectory,
  pkiPaths,
  readOptional,
  restrictKeyMode,
  writeFileAtomic,
} from './files.js';
import type { PkiPaths } from './files.js';

const generateKeyPair = promisify(generateKeyPairCallback);
const DAY_MS = 24 * 60 * 60 * 1000;

/** The admin client certificate's user (CN). */
export const ADMIN_USER = 'bosun-admin';
/** The admin client certificate's group (O): Kubernetes' superuser group. */
export const ADMIN_GROUP = 'system:masters';
/** Names the serving certificate always carries: loopback and the in-cluster Service names. */
export const DEFAULT_SERVING_DNS_NAMES: readonly string[] = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
/** Addresses the serving certificate always carries. */
export const DEFAULT_SERVING_IPS: readonly string[] = ['127.0.0.1', '::1'];
/** Default lifetime of the CA (days). */
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
/** Default lifetime of the serving and client certificates (days), as in k3s. */
export const DEFAULT_VALIDITY_DAYS = 365;
/** Default: certificates expiring within this many days are renewed on start, as in k3s. */
export const DEFAULT_RENEW_BEFORE_DAYS = 90;

/** A part of the PKI that {@link ensureClusterPki} may (re)create. */
export type PkiComponent = 'ca' | 'apiserver' | 'admin' | 'serviceAccountKey';

/** The ServiceAccount token signing key pair (RSA 2048, for RS256 JWTs), both PEM. */
export interface ServiceAccountKeyPair {
  /** PKCS#8 `PRIVATE KEY`. */
  readonly privateKeyPem: string;
  /** SPKI `PUBLIC KEY`. */
  readonly publicKeyPem: string;
}

/** The cluster's credentials, as loaded or created by {@link ensureClusterPki}. */
export interface ClusterPki {
  readonly dir: string;
  readonly paths: PkiPaths;
  /** The cluster CA; it signs the serving certificate and every client certificate. */
  readonly ca: CertificateAndKey;
  /** The API server's serving certificate. */
  readonly apiserver: CertificateAndKey;
  /** The admin client certificate (CN=bosun-admin, O=system:masters). */
  readonly admin: CertificateAndKey;
  readonly serviceAccountKey: ServiceAccountKeyPair;
  /** When each certificate expires. */
  readonly notAfter: { readonly ca: Date; readonly apiserver: Date; readonly admin: Date };
  /** What this call created or renewed, in that order (empty when everything was kept). */
  readonly written: readonly PkiComponent[];
}

/** What {@link ensureClusterPki} puts into the serving certificate and how long things live. */
export interface ClusterPkiOptions {
  /** Extra DNS names of the serving certificate (`--tls-san`, `--advertise`); IPs are accepted too. */
  readonly hostnames: readonly string[];
  /** Extra IP addresses of the serving certificate. */
  readonly ips: readonly string[];
  readonly now?: () => Date;
  /** Lifetime of the serving and client certificates (default 365). */
  readonly validityDays?: number;
  /** Certificates expiring within this many days are renewed (default 90; < validityDays). */
  readonly renewBeforeDays?: number;
  /** Lifetime of a new CA (default 3650). */
  readonly caValidityDays?: number;
  /** This machine's host name (default `os.hostname()`); skipped when it is not a DNS name. */
  readonly hostName?: string;
}

/** What {@link issueClientCertificate} puts into a client certificate. */
export interface ClientCertificateOptions {
  /** The user name. */
  readonly commonName: string;
  /** The user's groups. */
  readonly organizations: readonly string[];
  readonly validityDays: number;
  readonly now?: () => Date;
}

/**
 * Loads the cluster PKI from `dir`, creating what is missing and renewing what expires within
 * `renewBeforeDays`: the CA is replaced only when missing or expired; the serving and admin
 * certificates are re-issued when missing, not signed by the current CA, not matching their
 * key, not yet or no longer valid, expiring soon, or (serving) when the requested names changed.
 * Keys are written with mode 0600, every file atomically.
 *
 * @throws PkiError `invalidCertificateAuthority` when a valid-looking CA cannot be used,
 *   `invalidKey` when sa.key is unreadable, `invalidSubjectAltName` for a bad host name or IP.
 */
export async function ensureClusterPki(dir: string, opts: ClusterPkiOptions): Promise<ClusterPki> {
  const now = (opts.now ?? (() => new Date()))();
  const validityDays = opts.validityDays ?? DEFAULT_VALIDITY_DAYS;
  const renewBeforeDays = opts.renewBeforeDays ?? DEFAULT_RENEW_BEFORE_DAYS;
  const caValidityDays = opts.caValidityDays ?? DEFAULT_CA_VALIDITY_DAYS;
  if (!(validityDays > 0 && renewBeforeDays >= 0 && renewBeforeDays < validityDays && caValidityDays > 0)) {
    throw new RangeError('need validityDays > renewBeforeDays >= 0 and caValidityDays > 0');
  }
  const sans = servingNames(opts.hostnames, opts.ips, opts.hostName ?? osHostname());
  const paths = pkiPaths(dir);
  await ensureDirectory(dir);
  const written: PkiComponent[] = [];

  let ca = await loadCertificateAuthority(paths, now);
  if (ca === undefined) {
    ca = await createCertificateAuthority({
      commonName: `bosun-ca@${Math.floor(now.getTime() / 1000)}`,
      now,
      validityDays: caValidityDays,
    });
    await writePair(paths.caCert, paths.caKey, ca);
    written.push('ca');
  }

  const leaf = { ca, now, renewBeforeDays, validityDays };
  const servingTemplate: CertificateTemplate = {
    commonName: 'bosun-apiserver',
    usage: 'server',
    ...sans,
    now,
    validityDays,
  };
  const apiserver = await ensureLeaf(paths.apiserverCert, paths.apiserverKey, servingTemplate, leaf, (cert) =>
    sameBuffer(certificateSubjectAltNameDer(cert), subjectAltNameDer(sans.dnsNames, sans.ipAddresses)),
  );
  if (apiserver.written) written.push('apiserver');
  const adminTemplate: CertificateTemplate = {
    commonName: ADMIN_USER,
    organizations: [ADMIN_GROUP],
    usage: 'client',
    now,
    validityDays,
  };
  const admin = await ensureLeaf(
    paths.adminCert,
    paths.adminKey,
    adminTemplate,
    leaf,
    (cert) => cert.subject === subjectString(ADMIN_USER, [ADMIN_GROUP]),
  );
  if (admin.written) written.push('admin');

  const serviceAccountKey = await ensureServiceAccountKey(paths);
  if (serviceAccountKey.written) written.push('serviceAccountKey');

  return {
    dir,
    paths,
    ca,
    apiserver: apiserver.pair,
    admin: admin.pair,
    serviceAccountKey: serviceAccountKey.pair,
    notAfter: { ca: notAfterOf(ca), apiserver: notAfterOf(apiserver.pair), admin: notAfterOf(admin.pair) },
    written,
  };
}

/**
 * A new key and client certificate (clientAuth; CN = user, O = groups) signed by the cluster CA,
 * for node agents and users. Nothing is written to disk.
 */
export async function issueClientCertificate(
  pki: Pick<ClusterPki, 'ca'>,
  opts: ClientCertificateOptions,
): Promise<CertificateAndKey> {
  if (opts.commonName === '') throw new RangeError('a client certificate needs a commonName');
  if (!(opts.validityDays > 0)) throw new RangeError('validityDays must be positive');
  return signCertificate(pki.ca, {
    commonName: opts.commonName,
    organizations: opts.organizations,
    usage: 'client',
    now: (opts.now ?? (() => new Date()))(),
    validityDays: opts.validityDays,
  });
}

/** The CA on disk if it can still be used; undefined when it must be (re)created. */
async function loadCertificateAuthority(paths: PkiPaths, now: Date): Promise<CertificateAndKey | undefined> {
  const certPem = await readOptional(paths.caCert);
  const keyPem = await readOptional(paths.caKey);
  // One of the two missing: never completed (the key is written first), nothing can use it.
  if (certPem === undefined || keyPem === undefined) return undefined;
  const info = parseCertificate(certPem);
  if (info === undefined) throw new PkiError('invalidCertificateAuthority', `${paths.caCert} is not a certificate`);
  // Expired: replaced, whatever the key (an interrupted replacement leaves the new key beside it).
  if (now.getTime() >= info.notAfter.getTime()) return undefined;
  if (!keyMatchesCertificate(certPem, keyPem)) {
    throw new PkiError('invalidCertificateAuthority', `${paths.caKey} is not the key of ${paths.caCert}`);
  }
  await restrictKeyMode(paths.caKey);
  return { certPem, keyPem };
}

interface LeafContext {
  readonly ca: CertificateAndKey;
  readonly now: Date;
  readonly renewBeforeDays: number;
  readonly validityDays: number;
}

async function ensureLeaf(
  certPath: string,
  keyPath: string,
  template: CertificateTemplate,
  ctx: LeafContext,
  matchesTemplate: (cert: X509Certificate) => boolean,
): Promise<{ pair: CertificateAndKey; written: boolean }> {
  const certPem = await readOptional(certPath);
  const keyPem = await readOptional(keyPath);
  if (certPem !== undefined && keyPem !== undefined && (await leafUsable(certPem, keyPem, ctx, matchesTemplate))) {
    await restrictKeyMode(keyPath);
    return { pair: { certPem, keyPem }, written: false };
  }
  const pair = await signCertificate(ctx.ca, template);
  await writePair(certPath, keyPath, pair);
  return { pair, written: true };
}

async function leafUsable(
  certPem: string,
  keyPem: string,
  ctx: LeafContext,
  matchesTemplate: (cert: X509Certificate) => boolean,
): Promise<boolean> {
  const info = parseCertificate(certPem);
  const caInfo = parseCertificate(ctx.ca.certPem);
  if (info === undefined || caInfo === undefined) return false;
  const now = ctx.now.getTime();
  const renewAt = info.notAfter.getTime() - ctx.renewBeforeDays * DAY_MS;
  // Near the CA's end a leaf is capped at the CA's notAfter: renew only when that cap moved.
  const cappedByCa = info.notAfter.getTime() >= caInfo.notAfter.getTime();
  if (now < info.notBefore.getTime() || now >= info.notAfter.getTime()) return false;
  if (now >= renewAt && !cappedByCa) return false;
  if (!keyMatchesCertificate(certPem, keyPem)) return false;
  if (!(await isSignedBy(info.cert, caInfo.cert))) return false;
  return matchesTemplate(info.cert);
}

async function ensureServiceAccountKey(paths: PkiPaths): Promise<{ pair: ServiceAccountKeyPair; written: boolean }> {
  const existing = await readOptional(paths.serviceAccountKey);
  let privateKeyPem: string;
  let written = false;
  if (existing === undefined) {
    const keys = await generateKeyPair('rsa', { modulusLength: 2048 });
    privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFileAtomic(paths.serviceAccountKey, privateKeyPem, PRIVATE_MODE);
    written = true;
  } else {
    privateKeyPem = existing;
    await restrictKeyMode(paths.serviceAccountKey);
  }
  let publicKeyPem: string;
  try {
    publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
  } catch (cause) {
    throw new PkiError('invalidKey', `${paths.serviceAccountKey} is not a private key`, { cause });
  }
  if ((await readOptional(paths.serviceAccountPublicKey)) !== publicKeyPem) {
    await writeFileAtomic(paths.serviceAccountPublicKey, publicKeyPem, PUBLIC_MODE);
    written = true;
  }
  return { pair: { privateKeyPem, publicKeyPem }, written };
}

/** Writes the key first: an interrupted write leaves a key without its certificate, never the reverse. */
async function writePair(certPath: string, keyPath: string, pair: CertificateAndKey): Promise<void> {
  await writeFileAtomic(keyPath, pair.keyPem, PRIVATE_MODE);
  await writeFileAtomic(certPath, pair.certPem, PUBLIC_MODE);
}

/** The serving certificate's names: defaults, this host, and the requested ones, deduplicated. */
function servingNames(
  hostnames: readonly string[],
  ips: readonly string[],
  hostName: string,
): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = new Set(DEFAULT_SERVING_DNS_NAMES);
  const ipAddresses = new Set(DEFAULT_SERVING_IPS);
  const host = hostName.toLowerCase();
  if (isDnsName(host)) dnsNames.add(host);
  for (const name of hostnames) {
    if (isIP(name) !== 0) ipAddresses.add(name);
    else if (isDnsName(name.toLowerCase())) dnsNames.add(name.toLowerCase());
    else throw new PkiError('invalidSubjectAltName', `${JSON.stringify(name)} is not a DNS name or an IP address`);
  }
  for (const ip of ips) {
    if (isIP(ip) === 0) throw new PkiError('invalidSubjectAltName', `${JSON.stringify(ip)} is not an IP address`);
    ipAddresses.add(ip);
  }
  return { dnsNames: [...dnsNames].sort(), ipAddresses: [...ipAddresses].sort() };
}

const DNS_LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^(?:\\*\\.)?${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

function isDnsName(name: string): boolean {
  return name.length <= 253 && DNS_NAME.test(name);
}

function sameBuffer(a: Buffer | undefined, b: Buffer): boolean {
  return a !== undefined && a.equals(b);
}

function notAfterOf(pair: CertificateAndKey): Date {
  const info = parseCertificate(pair.certPem);
  if (info === undefined) throw new Error('a certificate just loaded or created does not parse');
  return info.notAfter;
}
