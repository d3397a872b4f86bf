/**
 * The default RBAC policy (Kubernetes' bootstrappolicy): the ClusterRoles and
 * ClusterRoleBindings the server creates at start. `admin`, `edit` and `view` are aggregated
 * from the `system:aggregate-to-*` roles (and from any ClusterRole labelled
 * `rbac.authorization.k8s.io/aggregate-to-<role>: "true"`), so custom resources can join them.
 */
import { ALL_AUTHENTICATED_GROUP, ALL_UNAUTHENTICATED_GROUP, SYSTEM_PRIVILEGED_GROUP } from '../auth/user.js';
import { RBAC_API_GROUP } from './types.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from './types.js';

/** The label on every bootstrap object. */
export const BOOTSTRAP_LABELS: Readonly<Record<string, string>> = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

/** The annotation that lets the server reconcile a bootstrap object on start. */
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';

/** The label a ClusterRole carries to be aggregated into `admin`, `edit` or `view`. */
export function aggregateToLabel(role: 'admin' | 'edit' | 'view'): string {
  return `rbac.authorization.k8s.io/aggregate-to-${role}`;
}

/** The group of bootstrap (join) tokens, bound to `system:node-bootstrapper`. */
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

/** The scheduler's user name. */
export const KUBE_SCHEDULER_USER = 'system:kube-scheduler';

/** The controller manager's user name. */
export const KUBE_CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];

function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return { verbs, apiGroups, resources, ...(resourceNames === undefined ? {} : { resourceNames }) };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

function eventsRules(): PolicyRule[] {
  return [rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events'])];
}

/**
 * What a node's credentials may do beyond what the node authorizer decides from the pods
 * bound to the node (secrets, configmaps, PVCs, ServiceAccount tokens, its own Node and
 * Lease, its pods' status): the `system:node` role, which the node authorizer applies itself.
 */
export function nodeRules(): PolicyRule[] {
  return [
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    rule(READ, [''], ['services', 'endpoints']),
    rule(READ, ['discovery.k8s.io'], ['endpointslices']),
    rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
    rule(['update', 'patch'], [''], ['nodes', 'nodes/status']),
    ...eventsRules(),
    rule(READ, [''], ['pods']),
    rule(['create', 'delete'], [''], ['pods']),
    rule(['update', 'patch'], [''], ['pods/status']),
    rule(['create'], [''], ['pods/eviction']),
    rule(['get', 'list', 'watch'], [''], ['secrets', 'configmaps']),
    rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes', 'serviceaccounts']),
    rule(['create'], [''], ['serviceaccounts/token']),
    rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
  ];
}

function aggregateToView(): PolicyRule[] {
  return [
    rule(
      READ,
      [''],
      [
        'pods',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'serviceaccounts',
        'services',
        'services/status',
        'endpoints',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
        'configmaps',
      ],
    ),
    rule(
      READ,
      [''],
      [
        'limitranges',
        'resourcequotas',
        'bindings',
        'events',
        'pods/status',
        'resourcequotas/status',
        'namespaces/status',
        'replicationcontrollers/status',
        'pods/log',
      ],
    ),
    rule(READ, [''], ['namespaces']),
    rule(READ, ['discovery.k8s.io'], ['endpointslices']),
    rule(READ, ['events.k8s.io'], ['events']),
    rule(
      READ,
      ['apps'],
      [
        'controllerrevisions',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status',
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
      ],
    ),
    rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
    rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
    rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  ];
}

function aggregateToEdit(): PolicyRule[] {
  return [
    rule(['impersonate'], [''], ['serviceaccounts']),
    rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
    rule(['create'], [''], ['pods/eviction']),
    rule(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
    rule(
      WRITE,
      [''],
      [
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'serviceaccounts',
        'services',
        'services/proxy',
        'persistentvolumeclaims',
        'configmaps',
        'secrets',
      ],
    ),
    rule(['create'], [''], ['serviceaccounts/token']),
    rule(
      WRITE,
      ['apps'],
      [
        'statefulsets',
        'statefulsets/scale',
        'daemonsets',
        'deployments',
        'deployments/scale',
        'deployments/rollback',
        'replicasets',
        'replicasets/scale',
      ],
    ),
    rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
    rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
    rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  ];
}

function aggregateToAdmin(): PolicyRule[] {
  return [
    rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
    rule(READ_WRITE, [RBAC_API_GROUP], ['roles', 'rolebindings']),
  ];
}

function schedulerRules(): PolicyRule[] {
  return [
    ...eventsRules(),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
    rule(['create'], [''], ['endpoints']),
    rule(['get', 'update'], [''], ['endpoints'], ['kube-scheduler']),
    rule(READ, [''], ['nodes']),
    rule(READ, [''], ['pods']),
    rule(['delete'], [''], ['pods']),
    rule(['create'], [''], ['bindings', 'pods/binding']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(
      READ,
      [''],
      ['replicationcontrollers', 'services', 'namespaces', 'persistentvolumeclaims', 'persistentvolumes'],
    ),
    rule(READ, ['apps'], ['replicasets', 'statefulsets']),
    rule(READ, ['policy'], ['poddisruptionbudgets']),
    rule(READ, ['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ];
}

/**
 * The controller manager's rules. Kubernetes gives each controller its own ServiceAccount;
 * Bosun runs its controllers (ReplicaSet, Deployment, Endpoints, Service allocation, Node
 * lifecycle, garbage collection, Namespace) under this one identity, so it holds their union:
 * read, update and delete anything (garbage collection and namespace deletion need it) and
 * create the kinds the controllers create.
 */
function controllerManagerRules(): PolicyRule[] {
  return [
    ...eventsRules(),
    rule(['get', 'list', 'watch', 'patch', 'update', 'delete', 'deletecollection'], ['*'], ['*']),
    rule(['create'], [''], ['pods', 'endpoints', 'secrets', 'serviceaccounts', 'serviceaccounts/token']),
    rule(['create'], ['apps'], ['replicasets', 'controllerrevisions']),
    rule(['create'], ['discovery.k8s.io'], ['endpointslices']),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ];
}

function meta(name: string, labels: Record<string, string> = {}): ClusterRole['metadata'] {
  return { name, labels: { ...BOOTSTRAP_LABELS, ...labels }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } };
}

function clusterRole(name: string, rules: PolicyRule[], labels: Record<string, string> = {}): ClusterRole {
  return { apiVersion: `${RBAC_API_GROUP}/v1`, kind: 'ClusterRole', metadata: meta(name, labels), rules };
}

function aggregated(name: 'admin' | 'edit' | 'view', labels: Record<string, string> = {}): ClusterRole {
  return {
    apiVersion: `${RBAC_API_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: meta(name, labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateToLabel(name)]: 'true' } }] },
    rules: [],
  };
}

/** The default ClusterRoles, in creation order. */
export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('system:discovery', [
      urls(
        ['get'],
        [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/readyz',
          '/openapi',
          '/openapi/*',
          '/version',
          '/version/',
        ],
      ),
    ]),
    clusterRole('system:public-info-viewer', [
      urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/']),
    ]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    aggregated('admin'),
    aggregated('edit', { [aggregateToLabel('admin')]: 'true' }),
    aggregated('view', { [aggregateToLabel('edit')]: 'true' }),
    clusterRole('system:aggregate-to-admin', aggregateToAdmin(), { [aggregateToLabel('admin')]: 'true' }),
    clusterRole('system:aggregate-to-edit', aggregateToEdit(), { [aggregateToLabel('edit')]: 'true' }),
    clusterRole('system:aggregate-to-view', aggregateToView(), { [aggregateToLabel('view')]: 'true' }),
    clusterRole('system:kube-scheduler', schedulerRules()),
    clusterRole('system:kube-controller-manager', controllerManagerRules()),
    clusterRole('system:node', nodeRules()),
    clusterRole('system:node-bootstrapper', [
      rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    ]),
  ];
}

function binding(name: string, subjects: Subject[], roleName = name): ClusterRoleBinding {
  return {
    apiVersion: `${RBAC_API_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: meta(name),
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

function groups(...names: string[]): Subject[] {
  return names.map((name) => ({ kind: 'Group', apiGroup: RBAC_API_GROUP, name }));
}

function users(...names: string[]): Subject[] {
  return names.map((name) => ({ kind: 'User', apiGroup: RBAC_API_GROUP, name }));
}

/**
 * The default ClusterRoleBindings. As in Kubernetes, `system:node` has no subjects: nodes are
 * authorized by the node authorizer, which applies {@link nodeRules} restricted to the node.
 */
export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding('cluster-admin', groups(SYSTEM_PRIVILEGED_GROUP)),
    binding('system:discovery', groups(ALL_AUTHENTICATED_GROUP)),
    binding('system:basic-user', groups(ALL_AUTHENTICATED_GROUP)),
    binding('system:public-info-viewer', groups(ALL_AUTHENTICATED_GROUP, ALL_UNAUTHENTICATED_GROUP)),
    binding('system:kube-scheduler', users(KUBE_SCHEDULER_USER)),
    binding('system:kube-controller-manager', users(KUBE_CONTROLLER_MANAGER_USER)),
    binding('system:node', []),
    binding('system:node-bootstrapper', groups(BOOTSTRAPPERS_GROUP)),
  ];
}
