/**
 * RBAC escalation prevention (Kubernetes' RBAC registry checks): a user may write a Role or
 * ClusterRole only with permissions they hold themselves (or the `escalate` verb), and a
 * binding only to a role whose permissions they hold (or with the `bind` verb on it). Writes
 * the server makes itself (no user) are not checked.
 */
import { checkBindingWrite, checkRoleWrite } from '../../authz/escalation.js';
import type { EscalationDeps } from '../../authz/escalation.js';
import type { PolicyRule, RoleRef } from '../../authz/types.js';
import type { AdmissionStep } from './types.js';

const RBAC = 'rbac.authorization.k8s.io';

/** The escalation admission step; `deps` gives the authorizer chain and the RBAC authorizer. */
export function rbacEscalation(deps: () => EscalationDeps | undefined): AdmissionStep {
  return {
    name: 'RBACEscalation',
    async admit(req) {
      if (req.def.group !== RBAC || req.operation === 'DELETE' || req.user === undefined) return;
      const d = deps();
      if (d === undefined) return;
      const obj = req.object as typeof req.object & {
        rules?: PolicyRule[];
        aggregationRule?: unknown;
        roleRef?: RoleRef;
      };
      const namespace = req.def.namespaced ? (obj.metadata.namespace ?? '') : '';
      const name = obj.metadata.name ?? '';
      const kind = req.def.kind;
      const result =
        kind === 'Role' || kind === 'ClusterRole'
          ? checkRoleWrite(
              {
                user: req.user,
                kind,
                namespace,
                name,
                rules: obj.rules ?? [],
                aggregated: obj.aggregationRule !== undefined,
              },
              d,
            )
          : kind === 'RoleBinding' || kind === 'ClusterRoleBinding'
            ? checkBindingWrite(
                {
                  user: req.user,
                  kind,
                  namespace,
                  name,
                  roleRef: obj.roleRef ?? { apiGroup: RBAC, kind: '', name: '' },
                },
                d,
              )
            : ({ allowed: true } as const);
      if (!result.allowed) throw result.error;
    },
  };
}
