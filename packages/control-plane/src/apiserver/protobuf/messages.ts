/**
 * The full message table (apimachinery, core/v1, apps/v1, rbac/v1) and the top-level kinds it can decode,
 * keyed by apiVersion and kind as they appear in runtime.Unknown's TypeMeta.
 */
import { APPS_MESSAGES } from './apps-schema.js';
import { CORE_MESSAGES } from './core-schema.js';
import { META_MESSAGES } from './meta-schema.js';
import { RBAC_MESSAGES } from './rbac-schema.js';
import { AUTHORIZATION_MESSAGES } from './authorization-schema.js';
import { AUTHENTICATION_MESSAGES } from './authentication-schema.js';
import type { MessageTable } from './schema.js';

/** Every message the decoder knows, by name. Names are unique across the tables. */
export const MESSAGES: MessageTable = {
  ...META_MESSAGES,
  ...CORE_MESSAGES,
  ...APPS_MESSAGES,
  ...RBAC_MESSAGES,
  ...AUTHORIZATION_MESSAGES,
  ...AUTHENTICATION_MESSAGES,
};

/** The message that encodes each top-level kind, keyed `<apiVersion>/<kind>` (`apps/v1/Deployment`). */
export const PROTOBUF_KINDS: Readonly<Record<string, string>> = {
  'v1/Namespace': 'Namespace',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Service': 'Service',
  'v1/Pod': 'Pod',
  'apps/v1/Deployment': 'Deployment',
  'apps/v1/ReplicaSet': 'ReplicaSet',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'LocalSubjectAccessReview',
  'authentication.k8s.io/v1/TokenRequest': 'TokenRequest',
  'v1/ResourceQuota': 'ResourceQuota',
  'v1/LimitRange': 'LimitRange',
};
