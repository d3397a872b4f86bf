/**
 * Authorization: request attributes, the RBAC and node authorizers and their chain, the
 * default policy, escalation prevention for RBAC writes, 403 messages and access reviews.
 */
export { attributesFor } from './attributes.js';
export type { AttributesRequest, RequestAttributes } from './attributes.js';
export { effectiveClusterRoleRules } from './aggregation.js';
export {
  AUTOUPDATE_ANNOTATION,
  BOOTSTRAPPERS_GROUP,
  BOOTSTRAP_LABELS,
  KUBE_CONTROLLER_MANAGER_USER,
  KUBE_SCHEDULER_USER,
  aggregateToLabel,
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
  nodeRules,
} from './bootstrap-policy.js';
export { AuthorizerChain } from './chain.js';
export {
  breakdownRule,
  checkBindingWrite,
  checkRoleWrite,
  compactRuleString,
  covers,
  ruleCovers,
  uncoveredRules,
} from './escalation.js';
export type { BindingWrite, EscalationDeps, EscalationResult, RoleWrite } from './escalation.js';
export { forbiddenError, forbiddenForRequest, forbiddenReasonText, qualifiedResource } from './messages.js';
export { NODE_LEASE_NAMESPACE, NodeAuthorizer, nodeIdentity } from './node.js';
export type { NodeAuthorizerOptions, PodsOnNode } from './node.js';
export { podReferences } from './pod-references.js';
export type { PodReferenceKind, PodReferences } from './pod-references.js';
export { MemoryRbacSource } from './memory-source.js';
export type { RbacObjects } from './memory-source.js';
export { RbacAuthorizer, subjectMatches } from './rbac.js';
export type { RbacSource } from './rbac.js';
export {
  AUTHORIZATION_API_GROUP,
  evaluateLocalSubjectAccessReview,
  evaluateSelfSubjectAccessReview,
  evaluateSubjectAccessReview,
} from './review.js';
export type { AccessReview, AccessReviewStatus } from './review.js';
export { ALL, ruleAllows, rulesAllow } from './rules.js';
export { RBAC_API_GROUP, allow, noOpinion } from './types.js';
export type {
  AggregationRule,
  AuthorizationResult,
  Authorizer,
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from './types.js';
