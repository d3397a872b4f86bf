/**
 * Where each kind lives in the API: a descriptor per resource (`RESOURCES.pods`) and the
 * lookup `resourceFor('po')` that the CLI uses to turn what a user typed into a descriptor.
 */

/** Where a resource lives in the API and what its objects are called. */
export interface ResourceDescriptor {
  /** The API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** The URL segment: `pods`. */
  readonly plural: string;
  /** The singular, lower case: `pod`. */
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

function describe(
  group: string,
  version: string,
  kind: string,
  plural: string,
  options: { namespaced: boolean; shortNames?: readonly string[] },
): ResourceDescriptor {
  return Object.freeze({
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: options.namespaced,
    shortNames: Object.freeze([...(options.shortNames ?? [])]),
  });
}

const RBAC = 'rbac.authorization.k8s.io';
const ns = { namespaced: true } as const;
const cluster = { namespaced: false } as const;

/** Every resource the API serves, keyed by plural (camelCase where the plural has two words). */
export const RESOURCES = Object.freeze({
  namespaces: describe('', 'v1', 'Namespace', 'namespaces', { ...cluster, shortNames: ['ns'] }),
  nodes: describe('', 'v1', 'Node', 'nodes', { ...cluster, shortNames: ['no'] }),
  pods: describe('', 'v1', 'Pod', 'pods', { ...ns, shortNames: ['po'] }),
  services: describe('', 'v1', 'Service', 'services', { ...ns, shortNames: ['svc'] }),
  endpoints: describe('', 'v1', 'Endpoints', 'endpoints', { ...ns, shortNames: ['ep'] }),
  configMaps: describe('', 'v1', 'ConfigMap', 'configmaps', { ...ns, shortNames: ['cm'] }),
  secrets: describe('', 'v1', 'Secret', 'secrets', ns),
  serviceAccounts: describe('', 'v1', 'ServiceAccount', 'serviceaccounts', { ...ns, shortNames: ['sa'] }),
  events: describe('', 'v1', 'Event', 'events', { ...ns, shortNames: ['ev'] }),
  deployments: describe('apps', 'v1', 'Deployment', 'deployments', { ...ns, shortNames: ['deploy'] }),
  replicaSets: describe('apps', 'v1', 'ReplicaSet', 'replicasets', { ...ns, shortNames: ['rs'] }),
  leases: describe('coordination.k8s.io', 'v1', 'Lease', 'leases', ns),
  roles: describe(RBAC, 'v1', 'Role', 'roles', ns),
  clusterRoles: describe(RBAC, 'v1', 'ClusterRole', 'clusterroles', cluster),
  roleBindings: describe(RBAC, 'v1', 'RoleBinding', 'rolebindings', ns),
  clusterRoleBindings: describe(RBAC, 'v1', 'ClusterRoleBinding', 'clusterrolebindings', cluster),
});

/** The keys of {@link RESOURCES}. */
export type ResourceName = keyof typeof RESOURCES;

const BY_NAME = new Map<string, ResourceDescriptor>();
for (const d of Object.values(RESOURCES)) {
  const names = [d.plural, d.singular, d.kind.toLowerCase(), ...d.shortNames];
  for (const n of names) {
    BY_NAME.set(n, d);
    if (d.group !== '') BY_NAME.set(`${n}.${d.group}`, d);
  }
}

/**
 * The descriptor for what a user typed: a plural, singular, kind or short name, case-insensitive,
 * optionally qualified with its group (`deployments.apps`); undefined when the API has no such resource.
 */
export function resourceFor(name: string): ResourceDescriptor | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

/** The apiVersion objects of `d` carry: `v1`, `apps/v1`. */
export function apiVersionOf(d: ResourceDescriptor): string {
  return d.group === '' ? d.version : `${d.group}/${d.version}`;
}

/** The collection path of `d` in `namespace` (all namespaces / cluster scope when undefined). */
export function collectionPath(d: ResourceDescriptor, namespace?: string): string {
  const base = d.group === '' ? `/api/${d.version}` : `/apis/${d.group}/${d.version}`;
  const nsPart = d.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${nsPart}/${d.plural}`;
}
