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
