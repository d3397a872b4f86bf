/**
 * Escalation prevention for RBAC writes (Kubernetes' pkg/registry/rbac): a user may write a
 * Role or ClusterRole only with every permission in it, and a binding only if they hold the
 * referenced role's permissions or may `bind` it. The `escalate` verb on the role, and
 * membership of `system:masters`, bypass the checks.
 */
import { SYSTEM_PRIVILEGED_GROUP } from '../auth/user.js';
import type { UserInfo } from '../auth/user.js';
import type { ApiError } from '../apiserver/api/errors.js';
import type { RequestAttributes } from './attributes.js';
import { forbiddenError } from './messages.js';
import type { RbacAuthorizer } from './rbac.js';
import { ALL, nonResourceURLMatches } from './rules.js';
import { RBAC_API_GROUP } from './types.js';
import type { Authorizer, PolicyRule, RoleRef } from './types.js';

/**
 * `rule` split into rules of one verb, one group, one resource and at most one name (or one
 * verb and one non-resource URL), so coverage can be checked one permission at a time.
 */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
        for (const name of names) {
          out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs) out.push({ verbs: [verb], nonResourceURLs: [url] });
  }
  return out;
}

function hasAll(set: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((w) => set.includes(w));
}

function resourcesCovered(owner: readonly string[], wanted: readonly string[]): boolean {
  if (owner.includes(ALL) || hasAll(owner, wanted)) return true;
  return wanted.every((path) => {
    if (owner.includes(path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && owner.includes(`*/${path.slice(slash + 1)}`);
  });
}

/** Whether `owner` grants everything `sub` grants (Kubernetes' ruleCovers). */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const namesMatch =
    subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  return (
    (owner.verbs.includes(ALL) || hasAll(owner.verbs, sub.verbs)) &&
    ((owner.apiGroups ?? []).includes(ALL) || hasAll(owner.apiGroups ?? [], sub.apiGroups ?? [])) &&
    resourcesCovered(owner.resources ?? [], sub.resources ?? []) &&
    (sub.nonResourceURLs ?? []).every((url) =>
      (owner.nonResourceURLs ?? []).some((o) => nonResourceURLMatches(o, url)),
    ) &&
    namesMatch
  );
}

/** The single permissions of `requested` that no rule of `owner` covers (empty: fully covered). */
export function uncoveredRules(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  return requested.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
}

/** Whether the rules `owner` holds cover every permission in `requested`. */
export function covers(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): boolean {
  return uncoveredRules(owner, requested).length === 0;
}

/** Single permissions merged back by target, their verbs joined (Kubernetes' CompactRules). */
function compact(rules: readonly PolicyRule[]): PolicyRule[] {
  const byTarget = new Map<string, PolicyRule>();
  for (const r of rules) {
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);
    const seen = byTarget.get(key);
    if (seen === undefined) byTarget.set(key, { ...r, verbs: [...r.verbs] });
    else for (const v of r.verbs) if (!seen.verbs.includes(v)) seen.verbs.push(v);
  }
  return [...byTarget.values()];
}

function quoted(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** A rule as Kubernetes prints it: `{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}`. */
export function compactRuleString(rule: PolicyRule): string {
  const parts: string[] = [];
  if ((rule.apiGroups ?? []).length > 0) parts.push(`APIGroups:${quoted(rule.apiGroups ?? [])}`);
  if ((rule.resources ?? []).length > 0) parts.push(`Resources:${quoted(rule.resources ?? [])}`);
  if ((rule.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${quoted(rule.nonResourceURLs ?? [])}`);
  if ((rule.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${quoted(rule.resourceNames ?? [])}`);
  if (rule.verbs.length > 0) parts.push(`Verbs:${quoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** What an escalation check needs: the chain (for `escalate`/`bind`) and RBAC (for the user's rules). */
export interface EscalationDeps {
  readonly authorizer: Authorizer;
  readonly rbac: RbacAuthorizer;
}

/** A Role or ClusterRole about to be created or updated. */
export interface RoleWrite {
  readonly user: UserInfo;
  readonly kind: 'Role' | 'ClusterRole';
  /** The Role's namespace ('' for a ClusterRole). */
  readonly namespace: string;
  readonly name: string;
  readonly rules: readonly PolicyRule[];
  /** A ClusterRole with an aggregationRule: only a holder of every permission may write it. */
  readonly aggregated?: boolean;
}

/** A RoleBinding or ClusterRoleBinding about to be created or updated. */
export interface BindingWrite {
  readonly user: UserInfo;
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** The RoleBinding's namespace ('' for a ClusterRoleBinding). */
  readonly namespace: string;
  readonly name: string;
  readonly roleRef: RoleRef;
}

/** The verdict of an escalation check: allowed, or the 403 to answer. */
export type EscalationResult = { readonly allowed: true } | { readonly allowed: false; readonly error: ApiError };

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: [ALL], apiGroups: [ALL], resources: [ALL] },
  { verbs: [ALL], nonResourceURLs: [ALL] },
];

function rbacAttrs(
  user: UserInfo,
  verb: string,
  resource: string,
  target: { namespace: string; name: string },
): RequestAttributes {
  return {
    user,
    verb,
    apiGroup: RBAC_API_GROUP,
    apiVersion: 'v1',
    resource,
    subresource: '',
    namespace: target.namespace,
    name: target.name,
    resourceRequest: true,
    path: '',
  };
}

function resourceOf(kind: string): string {
  return kind === 'Role'
    ? 'roles'
    : kind === 'ClusterRole'
      ? 'clusterroles'
      : kind === 'RoleBinding'
        ? 'rolebindings'
        : 'clusterrolebindings';
}

function notHeld(user: UserInfo, missing: readonly PolicyRule[]): string {
  const lines = [...new Set(compact(missing).map(compactRuleString))].sort();
  return `user ${JSON.stringify(user.name)} (groups=${quoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
}

function confirmNoEscalation(
  deps: EscalationDeps,
  write: { user: UserInfo; namespace: string },
  rules: readonly PolicyRule[],
): PolicyRule[] {
  return uncoveredRules(deps.rbac.rulesFor(write.user, write.namespace), rules);
}

/** Whether `write` may create or update the role without escalating the writer's permissions. */
export function checkRoleWrite(write: RoleWrite, deps: EscalationDeps): EscalationResult {
  if (write.user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) return { allowed: true };
  const resource = resourceOf(write.kind);
  const target = { resource, group: RBAC_API_GROUP, name: write.name };
  if (deps.authorizer.authorize(rbacAttrs(write.user, 'escalate', resource, write)).allowed) return { allowed: true };
  if (write.aggregated === true && confirmNoEscalation(deps, write, FULL_AUTHORITY).length > 0) {
    return {
      allowed: false,
      error: forbiddenError(target, 'must have cluster-admin privileges to use the aggregationRule'),
    };
  }
  const missing = confirmNoEscalation(deps, write, write.rules);
  if (missing.length === 0) return { allowed: true };
  return { allowed: false, error: forbiddenError(target, notHeld(write.user, missing)) };
}

/**
 * Whether `write` may create or update the binding: the writer holds `bind` on the referenced
 * role, or already holds every permission it grants (where the binding grants them).
 */
export function checkBindingWrite(write: BindingWrite, deps: EscalationDeps): EscalationResult {
  if (write.user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) return { allowed: true };
  const target = { resource: resourceOf(write.kind), group: RBAC_API_GROUP, name: write.name };
  const bind = rbacAttrs(write.user, 'bind', resourceOf(write.roleRef.kind), {
    namespace: write.namespace,
    name: write.roleRef.name,
  });
  if (deps.authorizer.authorize(bind).allowed) return { allowed: true };
  const rules = deps.rbac.roleRefRules(write.roleRef, write.namespace);
  if (rules === undefined) {
    const kind = write.roleRef.kind === 'Role' ? 'roles' : 'clusterroles';
    return {
      allowed: false,
      error: forbiddenError(target, `${kind}.${RBAC_API_GROUP} ${JSON.stringify(write.roleRef.name)} not found`),
    };
  }
  const missing = confirmNoEscalation(deps, write, rules);
  if (missing.length === 0) return { allowed: true };
  return { allowed: false, error: forbiddenError(target, notHeld(write.user, missing)) };
}
