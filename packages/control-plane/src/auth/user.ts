/**
 * Who made a request: the user an authenticator found, and Kubernetes' well-known user and
 * group names (k8s.io/apiserver/pkg/authentication/user and .../serviceaccount).
 */

/** The identity an authenticator attaches to a request (Kubernetes' `user.Info`). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** The group every authenticated user belongs to. */
export const ALL_AUTHENTICATED_GROUP = 'system:authenticated';

/** The group of requests that carried no credentials (with {@link ANONYMOUS_USER}). */
export const ALL_UNAUTHENTICATED_GROUP = 'system:unauthenticated';

/** The superuser group: members pass every authorization check. */
export const SYSTEM_PRIVILEGED_GROUP = 'system:masters';

/** The group of node agents' credentials. */
export const NODES_GROUP = 'system:nodes';

/** The user name prefix of a node agent: `system:node:<nodeName>`. */
export const NODE_USER_NAME_PREFIX = 'system:node:';

/** The group of every ServiceAccount in every namespace. */
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

/** The prefix of the per-namespace ServiceAccount group: `system:serviceaccounts:<namespace>`. */
export const SERVICE_ACCOUNT_GROUP_PREFIX = 'system:serviceaccounts:';

/** The prefix of a ServiceAccount's user name: `system:serviceaccount:<namespace>:<name>`. */
export const SERVICE_ACCOUNT_USER_NAME_PREFIX = 'system:serviceaccount:';

/** The user name of requests without credentials. */
export const ANONYMOUS_USER = 'system:anonymous';

/** The group of the ServiceAccounts in `namespace`: `system:serviceaccounts:<namespace>`. */
export function serviceAccountGroup(namespace: string): string {
  return `${SERVICE_ACCOUNT_GROUP_PREFIX}${namespace}`;
}

/** The user name of ServiceAccount `name` in `namespace`: `system:serviceaccount:<ns>:<name>`. */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USER_NAME_PREFIX}${namespace}:${name}`;
}

/** The user name of the node agent of node `nodeName`: `system:node:<nodeName>`. */
export function nodeUserName(nodeName: string): string {
  return `${NODE_USER_NAME_PREFIX}${nodeName}`;
}
