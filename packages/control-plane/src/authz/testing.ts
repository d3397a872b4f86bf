/**
 * Small builders for authorization tests: users, request attributes, roles and bindings.
 */
import type { UserInfo } from '../auth/user.js';
import type { RequestAttributes } from './attributes.js';
import { RBAC_API_GROUP } from './types.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from './types.js';

/** A user `name` in `groups` (plus system:authenticated). */
export function userOf(name: string, ...groups: string[]): UserInfo {
  return { name, groups: [...groups, 'system:authenticated'] };
}

/** Resource request attributes; unspecified parts are empty. */
export function resourceAttrs(user: UserInfo, verb: string, parts: Partial<RequestAttributes> = {}): RequestAttributes {
  return {
    user,
    verb,
    apiGroup: '',
    apiVersion: 'v1',
    resource: 'pods',
    subresource: '',
    namespace: '',
    name: '',
    path: '',
    ...parts,
    resourceRequest: true,
  };
}

/** Non-resource request attributes for `path`. */
export function pathAttrs(user: UserInfo, verb: string, path: string): RequestAttributes {
  return {
    user,
    verb,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path,
    resourceRequest: false,
  };
}

/** A Role. */
export function roleOf(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { kind: 'Role', metadata: { namespace, name }, rules };
}

/** A ClusterRole (labels optional). */
export function clusterRoleOf(name: string, rules: PolicyRule[], labels?: Record<string, string>): ClusterRole {
  return { kind: 'ClusterRole', metadata: { name, ...(labels === undefined ? {} : { labels }) }, rules };
}

/** A subject of `kind`. */
export function subjectOf(kind: 'User' | 'Group' | 'ServiceAccount', name: string, namespace?: string): Subject {
  return kind === 'ServiceAccount'
    ? { kind, name, ...(namespace === undefined ? {} : { namespace }) }
    : { kind, name, apiGroup: RBAC_API_GROUP };
}

function ref(kind: 'Role' | 'ClusterRole', name: string): RoleRef {
  return { apiGroup: RBAC_API_GROUP, kind, name };
}

/** A RoleBinding in `namespace` to a Role or ClusterRole. */
export function roleBindingOf(
  namespace: string,
  name: string,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Subject[],
): RoleBinding {
  return { kind: 'RoleBinding', metadata: { namespace, name }, roleRef: ref(roleRef.kind, roleRef.name), subjects };
}

/** A ClusterRoleBinding to ClusterRole `role`. */
export function clusterRoleBindingOf(name: string, role: string, subjects: Subject[]): ClusterRoleBinding {
  return { kind: 'ClusterRoleBinding', metadata: { name }, roleRef: ref('ClusterRole', role), subjects };
}
