/** The cluster PKI: CA, serving and client certificates, the ServiceAccount signing key. */
export {
  ADMIN_GROUP,
  ADMIN_USER,
  DEFAULT_CA_VALIDITY_DAYS,
  DEFAULT_RENEW_BEFORE_DAYS,
  DEFAULT_SERVING_DNS_NAMES,
  DEFAULT_SERVING_IPS,
  DEFAULT_VALIDITY_DAYS,
  ensureClusterPki,
  issueClientCertificate,
} from './cluster-pki.js';
export type {
  ClientCertificateOptions,
  ClusterPki,
  ClusterPkiOptions,
  PkiComponent,
  ServiceAccountKeyPair,
} from './cluster-pki.js';
export type { CertificateAndKey } from './certificates.js';
export { PkiError } from './errors.js';
export type { PkiErrorCode } from './errors.js';
export { pkiPaths } from './files.js';
export type { PkiPaths } from './files.js';
