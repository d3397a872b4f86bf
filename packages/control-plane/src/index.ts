/**
 * @bosun/control-plane — API server, scheduler, controllers and leader election.
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { CONTROL_PLANE_VERSION } from './version.js';

// The Kubernetes-compatible API server on a raft-kv store.
export { ApiServer, KUBERNETES_VERSION, parsePortRange } from './apiserver/server.js';
export type { ApiServerOptions } from './apiserver/server.js';
export { ApiError } from './apiserver/api/errors.js';
export type { FieldError, Status, StatusReason } from './apiserver/api/errors.js';
export type { KubeList, KubeObject, ObjectMeta } from './apiserver/api/types.js';

// One process: the embedded store and the API server, with the admin kubeconfig.
export { startEmbeddedServer } from './server/embedded.js';
export type { EmbeddedServer, EmbeddedServerOptions } from './server/embedded.js';
export { kubeconfigYaml, writeKubeconfig } from './server/kubeconfig.js';
export type { KubeconfigInput } from './server/kubeconfig.js';

// Security: the cluster PKI, authentication and authorization (also for tools and tests that
// issue credentials).
export { ensureClusterPki, issueClientCertificate } from './pki/index.js';
export type { ClusterPki, ClusterPkiOptions, CertificateAndKey } from './pki/index.js';
export { issueServiceAccountToken } from './auth/serviceaccount-tokens.js';
export { SERVICE_ACCOUNT_AUDIENCE } from './apiserver/security.js';
export type { SecurityOptions } from './apiserver/security.js';
export type { UserInfo } from './auth/user.js';
export { bootstrapTokenSecret, generateBootstrapToken } from './auth/bootstrap-tokens.js';
