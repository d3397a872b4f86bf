/**
 * The RBAC authorizer (Kubernetes' plugin/pkg/auth/authorizer/rbac): a request is allowed
 * when a ClusterRoleBinding, or a RoleBinding in the request's namespace, binds the user (by
 * name, group or ServiceAccount) to a role with a rule that allows it. RBAC only ever allows;
 * anything else is "no opinion", which at the end of the chain means 403.
 */
import { SYSTEM_PRIVILEGED_GROUP, serviceAccountUserName } from '../auth/user.js';
import type { UserInfo } from '../auth/user.js';
import { effectiveClusterRoleRules } from './aggregation.js';
import type { RequestAttributes } from './attributes.js';
import { rulesAllow } from './rules.js';
import { allow, noOpinion } from './types.js';
import type {
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

/** Where the authorizer reads RBAC objects (the server implements it from its watch caches). */
export interface RbacSource {
  roles(namespace: string): readonly Role[];
  role(namespace: string, name: string): Role | undefined;
  clusterRoles(): readonly ClusterRole[];
  clusterRole(name: string): ClusterRole | undefined;
  roleBindings(namespace: string): readonly RoleBinding[];
  clusterRoleBindings(): readonly ClusterRoleBinding[];
}

/** Whether `subject` names `user`; a ServiceAccount subject without namespace is in `bindingNamespace`. */
export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace =
        subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
      if (namespace === '') return false;
      return user.name === serviceAccountUserName(namespace, subject.name);
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') {
    const ns = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
    return `${subject.kind} ${JSON.stringify(`${subject.name}/${ns}`)}`;
  }
  return `${subject.kind} ${JSON.stringify(subject.name)}`;
}

/** One binding that applies to a user, with the rules it grants (or why they could not be read). */
interface GrantVisit {
  readonly describe: string;
  readonly rules: readonly PolicyRule[];
  readonly error?: string;
}

/** The RBAC authorizer over an {@link RbacSource}. */
export class RbacAuthorizer implements Authorizer {
  constructor(private readonly source: RbacSource) {}

  /** Allows when some binding of the user grants a matching rule; `system:masters` is always allowed. */
  authorize(attrs: RequestAttributes): AuthorizationResult {
    if (attrs.user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) {
      return allow(`allowed: member of group ${JSON.stringify(SYSTEM_PRIVILEGED_GROUP)}`);
    }
    const errors: string[] = [];
    for (const visit of this.grants(attrs.user, attrs.namespace)) {
      if (visit.error !== undefined) errors.push(visit.error);
      if (rulesAllow(attrs, visit.rules)) return allow(`RBAC: allowed by ${visit.describe}`);
    }
    if (errors.length === 0) return noOpinion();
    return noOpinion(`RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);
  }

  /**
   * Every rule `user` holds in `namespace` (cluster-wide grants, plus the namespace's
   * RoleBindings when `namespace` is not empty): what escalation checks compare against.
   */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    return [...this.grants(user, namespace)].flatMap((v) => [...v.rules]);
  }

  /**
   * The rules of the role `ref` names, as a binding in `bindingNamespace` grants them
   * (undefined when the role does not exist or the kind is not Role/ClusterRole).
   */
  roleRefRules(ref: RoleRef, bindingNamespace: string): PolicyRule[] | undefined {
    switch (ref.kind) {
      case 'Role': {
        if (bindingNamespace === '') return undefined;
        const role = this.source.role(bindingNamespace, ref.name);
        return role === undefined ? undefined : [...(role.rules ?? [])];
      }
      case 'ClusterRole': {
        const role = this.source.clusterRole(ref.name);
        return role === undefined ? undefined : effectiveClusterRoleRules(role, this.source.clusterRoles());
      }
      default:
        return undefined;
    }
  }

  private *grants(user: UserInfo, namespace: string): Generator<GrantVisit> {
    for (const binding of this.source.clusterRoleBindings()) {
      const subject = (binding.subjects ?? []).find((s) => subjectMatches(s, user, ''));
      if (subject === undefined) continue;
      const describe = `ClusterRoleBinding ${JSON.stringify(binding.metadata.name ?? '')} of ${binding.roleRef.kind} ${JSON.stringify(binding.roleRef.name)} to ${describeSubject(subject, '')}`;
      yield this.visit(binding.roleRef, '', describe);
    }
    if (namespace === '') return;
    for (const binding of this.source.roleBindings(namespace)) {
      const subject = (binding.subjects ?? []).find((s) => subjectMatches(s, user, namespace));
      if (subject === undefined) continue;
      const describe = `RoleBinding ${JSON.stringify(`${binding.metadata.name ?? ''}/${namespace}`)} of ${binding.roleRef.kind} ${JSON.stringify(binding.roleRef.name)} to ${describeSubject(subject, namespace)}`;
      yield this.visit(binding.roleRef, namespace, describe);
    }
  }

  private visit(ref: RoleRef, bindingNamespace: string, describe: string): GrantVisit {
    const rules =
      bindingNamespace === '' && ref.kind !== 'ClusterRole' ? undefined : this.roleRefRules(ref, bindingNamespace);
    if (rules !== undefined) return { describe, rules };
    const what = ref.kind === 'Role' ? 'role' : ref.kind === 'ClusterRole' ? 'clusterrole' : ref.kind;
    return { describe, rules: [], error: `${what}.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
  }
}
