/**
 * The vocabulary of authorization: RBAC objects (rbac.authorization.k8s.io/v1) as the
 * authorizers read them, and the decision every authorizer returns.
 */
import type { KubeObject } from '../apiserver/api/types.js';
import type { LabelSelectorObject } from '../apiserver/selectors/index.js';
import type { RequestAttributes } from './attributes.js';

/** The API group of RBAC objects. */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** One rule of a Role or ClusterRole (rbacv1.PolicyRule). Empty lists match nothing. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  /** `pods`, `pods/log`, `*`, `*\/scale`. */
  resources?: string[];
  resourceNames?: string[];
  /** `/healthz`, `/apis/*` (a trailing `*` is a prefix match). */
  nonResourceURLs?: string[];
}

/** A namespaced set of rules. */
export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

/** How a ClusterRole collects the rules of other ClusterRoles. */
export interface AggregationRule {
  clusterRoleSelectors?: LabelSelectorObject[];
}

/** A cluster-wide set of rules; with an aggregationRule its rules are those of the roles it selects. */
export interface ClusterRole extends KubeObject {
  rules?: PolicyRule[];
  aggregationRule?: AggregationRule;
}

/** Who a binding grants to: `User`, `Group` or `ServiceAccount` (with namespace). */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** The role a binding grants: `Role` (same namespace) or `ClusterRole`. */
export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** Grants a role's rules to subjects in the binding's namespace. */
export interface RoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** Grants a ClusterRole's rules to subjects in every namespace and on cluster resources. */
export interface ClusterRoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

/**
 * What an authorizer decided, in SubjectAccessReview's words. `allowed` ends the chain with
 * yes; `denied` ends it with no; neither is "no opinion" (the next authorizer decides).
 * Invariant: `allowed` and `denied` are never both true.
 */
export interface AuthorizationResult {
  readonly allowed: boolean;
  readonly denied?: boolean;
  /** Why (for logs, audit and the review's status); may be empty. */
  readonly reason: string;
}

/** Anything that decides requests (RBAC, the node authorizer, a chain of them). */
export interface Authorizer {
  authorize(attrs: RequestAttributes): AuthorizationResult;
}

/** A result with no opinion. */
export function noOpinion(reason = ''): AuthorizationResult {
  return { allowed: false, reason };
}

/** An allowing result. */
export function allow(reason = ''): AuthorizationResult {
  return { allowed: true, reason };
}
