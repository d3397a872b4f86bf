/**
 * The patch schemas of the built-in kinds, from the upstream Go struct tags (patchStrategy,
 * patchMergeKey) of core/v1, apps/v1 and meta/v1. Untagged lists are atomic (replaced).
 */
import type { PatchSchema } from './schema.js';

/** A list merged by `mergeKey` whose items have `items` fields. */
function keyed(mergeKey: string, items?: PatchSchema, extra?: Partial<PatchSchema>): PatchSchema {
  return { strategy: 'merge', mergeKey, ...(items === undefined ? {} : { items }), ...extra };
}

/** A list of primitives merged as a set. */
const SET: PatchSchema = { strategy: 'merge' };

/** Conditions of a status, merged by type. */
const CONDITIONS = keyed('type');

const OBJECT_META: PatchSchema = {
  fields: {
    ownerReferences: keyed('uid'),
    finalizers: SET,
  },
};

const CONTAINER: PatchSchema = {
  fields: {
    ports: keyed('containerPort', undefined, {
      listMapKeys: ['containerPort', 'protocol'],
      keyDefaults: { protocol: 'TCP' },
    }),
    env: keyed('name'),
    volumeMounts: keyed('mountPath'),
    volumeDevices: keyed('devicePath'),
  },
};

/** The PodSpec schema, shared by Pod and every pod template. */
const POD_SPEC: PatchSchema = {
  fields: {
    volumes: keyed('name', undefined, { strategy: 'merge,retainKeys' }),
    initContainers: keyed('name', CONTAINER),
    containers: keyed('name', CONTAINER),
    ephemeralContainers: keyed('name', CONTAINER),
    imagePullSecrets: keyed('name'),
    hostAliases: keyed('ip'),
    topologySpreadConstraints: keyed('topologyKey', undefined, { listMapKeys: ['topologyKey', 'whenUnsatisfiable'] }),
    schedulingGates: keyed('name'),
    resourceClaims: keyed('name', undefined, { strategy: 'merge,retainKeys' }),
  },
};

const POD_STATUS: PatchSchema = {
  fields: {
    conditions: CONDITIONS,
    podIPs: keyed('ip'),
    hostIPs: keyed('ip'),
    resourceClaimStatuses: keyed('name', undefined, { strategy: 'merge,retainKeys' }),
  },
};

const POD_TEMPLATE: PatchSchema = { fields: { metadata: OBJECT_META, spec: POD_SPEC } };

const LABEL_SELECTOR: PatchSchema = { atomic: true };

/** An object's schema: metadata's strategies plus the given top-level fields. */
function object(fields: Record<string, PatchSchema> = {}): PatchSchema {
  return { fields: { metadata: OBJECT_META, ...fields } };
}

const WORKLOAD_STATUS: PatchSchema = { fields: { conditions: CONDITIONS } };

const SCHEMAS: Readonly<Record<string, PatchSchema>> = {
  Pod: object({ spec: POD_SPEC, status: POD_STATUS }),
  Service: object({
    spec: {
      fields: {
        ports: keyed('port', undefined, { listMapKeys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
        selector: {},
      },
    },
    status: { fields: { conditions: CONDITIONS } },
  }),
  Node: object({
    spec: { fields: { podCIDRs: SET } },
    status: { fields: { conditions: CONDITIONS, addresses: keyed('type') } },
  }),
  Namespace: object({ status: { fields: { conditions: CONDITIONS } } }),
  ConfigMap: object(),
  Secret: object(),
  ServiceAccount: object({ secrets: keyed('name') }),
  Endpoints: object(),
  Event: object(),
  ResourceQuota: object(),
  LimitRange: object(),
  'Deployment.apps': object({
    spec: {
      fields: { selector: LABEL_SELECTOR, template: POD_TEMPLATE, strategy: { strategy: 'retainKeys' } },
    },
    status: WORKLOAD_STATUS,
  }),
  'ReplicaSet.apps': object({
    spec: { fields: { selector: LABEL_SELECTOR, template: POD_TEMPLATE } },
    status: WORKLOAD_STATUS,
  }),
  'Lease.coordination.k8s.io': object(),
  'Role.rbac.authorization.k8s.io': object(),
  'ClusterRole.rbac.authorization.k8s.io': object(),
  'RoleBinding.rbac.authorization.k8s.io': object(),
  'ClusterRoleBinding.rbac.authorization.k8s.io': object(),
  'Scale.autoscaling': object(),
};

const DEFAULT_SCHEMA = object();

/** The patch schema of the kind named by `kindKey` (`Pod`, `Deployment.apps`); metadata's only for unknown kinds. */
export function patchSchemaFor(kindKey: string): PatchSchema {
  return SCHEMAS[kindKey] ?? DEFAULT_SCHEMA;
}
