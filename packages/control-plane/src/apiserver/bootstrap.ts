/**
 * What every cluster has from its first start, reconciled on every start: the initial
 * namespaces, and the `kubernetes` Service in `default` with Endpoints pointing at the API
 * server.
 */
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../authz/bootstrap-policy.js';
import { ApiError } from './api/errors.js';
import type { KubeObject } from './api/types.js';
import { INITIAL_NAMESPACES } from './admission/namespace-lifecycle.js';
import type { Registry } from './registry/registry.js';
import type { Rest } from './rest/rest.js';
import type { WriteOptions } from './rest/types.js';
import { prepareForCreate } from './rest/prepare.js';
import type { Sources } from './rest/prepare.js';
import type { ObjectStore } from './storage/object-store.js';

const SYSTEM: WriteOptions = { dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore' };

async function ensure(
  rest: Rest,
  registry: Registry,
  key: string,
  namespace: string | undefined,
  obj: KubeObject,
): Promise<KubeObject> {
  const def = registry.kind(key);
  if (def === undefined) throw new Error(`bootstrap: kind ${key} is not served`);
  // Look first: on a restart the object exists, and a create could fail on its allocations
  // (the Service's cluster IP is taken by itself) before the store reports AlreadyExists.
  try {
    return await rest.get(def, namespace, obj.metadata.name ?? '');
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
  }
  try {
    return (await rest.create(def, namespace, obj, SYSTEM)).object;
  } catch (err) {
    if (err instanceof ApiError && err.reason === 'AlreadyExists')
      return rest.get(def, namespace, obj.metadata.name ?? '');
    throw err;
  }
}

/** Creates the `default` ServiceAccount of a namespace when it is missing. */
export async function ensureDefaultServiceAccount(rest: Rest, registry: Registry, namespace: string): Promise<void> {
  await ensure(rest, registry, 'ServiceAccount', namespace, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace },
  });
}

/** Creates the initial namespaces and the `kubernetes` Service and Endpoints when missing. */
export async function bootstrapCluster(
  deps: { readonly rest: Rest; readonly registry: Registry; readonly store: ObjectStore; readonly sources: Sources },
  apiServer: { readonly serviceIP: string; readonly address: string; readonly port: number },
): Promise<void> {
  const { rest, registry, store, sources } = deps;
  for (const name of INITIAL_NAMESPACES) {
    await ensure(rest, registry, 'Namespace', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await ensureDefaultServiceAccount(rest, registry, name);
  }
  // The default RBAC policy: cluster-admin, admin, edit, view and the system roles.
  for (const role of bootstrapClusterRoles()) {
    await ensure(rest, registry, 'ClusterRole.rbac.authorization.k8s.io', undefined, role);
  }
  for (const binding of bootstrapClusterRoleBindings()) {
    await ensure(rest, registry, 'ClusterRoleBinding.rbac.authorization.k8s.io', undefined, binding);
  }
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  await ensure(rest, registry, 'Service', 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: {
      type: 'ClusterIP',
      clusterIP: apiServer.serviceIP,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiServer.port }],
      sessionAffinity: 'None',
    },
  });
  // The Endpoints are the API server's own record (kube-apiserver's endpoint reconciler writes
  // them to storage directly): a loopback address is right for a single-machine server even
  // though user-written Endpoints may not hold one.
  const def = registry.kind('Endpoints');
  if (def === undefined) throw new Error('bootstrap: Endpoints are not served');
  const subsets = [
    { addresses: [{ ip: apiServer.address }], ports: [{ name: 'https', port: apiServer.port, protocol: 'TCP' }] },
  ];
  const current = await store.get(def, 'default', 'kubernetes');
  if (current === undefined) {
    const endpoints: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets,
    };
    prepareForCreate(def, endpoints, sources);
    await store.create(def, endpoints);
  } else if (JSON.stringify(current.subsets) !== JSON.stringify(subsets)) {
    await store.update(def, { ...current, subsets }, Number(current.metadata.resourceVersion));
  }
}
