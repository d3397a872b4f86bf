/**
 * Namespace lifecycle admission: nothing is created in a namespace that does not exist or is
 * being terminated, and the initial namespaces cannot be deleted.
 */
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionStep } from './types.js';

/** The namespaces every cluster has from the start. */
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** The namespace lifecycle step; `getNamespace` reads a namespace (undefined when missing). */
export function namespaceLifecycle(getNamespace: (name: string) => Promise<KubeObject | undefined>): AdmissionStep {
  return {
    name: 'NamespaceLifecycle',
    async admit(req) {
      if (req.def.kind === 'Namespace' && req.def.group === '') {
        if (
          req.operation === 'DELETE' &&
          (INITIAL_NAMESPACES as readonly string[]).includes(req.object.metadata.name ?? '')
        ) {
          throw new ApiError(
            'Forbidden',
            `namespaces "${req.object.metadata.name}" is forbidden: this namespace may not be deleted`,
            {
              name: req.object.metadata.name,
              kind: 'namespaces',
            },
          );
        }
        return;
      }
      if (!req.def.namespaced || req.operation !== 'CREATE') return;
      const name = req.object.metadata.namespace ?? '';
      const ns = await getNamespace(name);
      if (ns === undefined) throw ApiError.notFound({ group: '', plural: 'namespaces' }, name);
      if (
        ns.metadata.deletionTimestamp !== undefined ||
        (ns.status as { phase?: string } | undefined)?.phase === 'Terminating'
      ) {
        const what = req.def.group === '' ? req.def.plural : `${req.def.plural}.${req.def.group}`;
        throw new ApiError(
          'Forbidden',
          `${what} "${req.object.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${name} because it is being terminated`,
          { name: req.object.metadata.name, group: req.def.group, kind: req.def.plural },
        );
      }
    },
  };
}
