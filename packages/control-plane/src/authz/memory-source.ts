/**
 * An in-memory {@link RbacSource}: RBAC objects held in arrays. Tests use it as the fake of the
 * server's watch caches; it also serves a server that evaluates a fixed policy.
 */
import type { RbacSource } from './rbac.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './types.js';

/** The RBAC objects a {@link MemoryRbacSource} holds. */
export interface RbacObjects {
  roles?: Role[];
  clusterRoles?: ClusterRole[];
  roleBindings?: RoleBinding[];
  clusterRoleBindings?: ClusterRoleBinding[];
}

/** RBAC objects in arrays, readable through {@link RbacSource}; mutate the arrays to change them. */
export class MemoryRbacSource implements RbacSource {
  readonly objects: Required<RbacObjects>;

  constructor(objects: RbacObjects = {}) {
    this.objects = {
      roles: objects.roles ?? [],
      clusterRoles: objects.clusterRoles ?? [],
      roleBindings: objects.roleBindings ?? [],
      clusterRoleBindings: objects.clusterRoleBindings ?? [],
    };
  }

  /** Roles in `namespace`. */
  roles(namespace: string): readonly Role[] {
    return this.objects.roles.filter((r) => r.metadata.namespace === namespace);
  }

  /** Role `name` in `namespace`. */
  role(namespace: string, name: string): Role | undefined {
    return this.objects.roles.find((r) => r.metadata.namespace === namespace && r.metadata.name === name);
  }

  /** Every ClusterRole. */
  clusterRoles(): readonly ClusterRole[] {
    return this.objects.clusterRoles;
  }

  /** ClusterRole `name`. */
  clusterRole(name: string): ClusterRole | undefined {
    return this.objects.clusterRoles.find((r) => r.metadata.name === name);
  }

  /** RoleBindings in `namespace`. */
  roleBindings(namespace: string): readonly RoleBinding[] {
    return this.objects.roleBindings.filter((b) => b.metadata.namespace === namespace);
  }

  /** Every ClusterRoleBinding. */
  clusterRoleBindings(): readonly ClusterRoleBinding[] {
    return this.objects.clusterRoleBindings;
  }
}
