/**
 * Unknown-field detection for `fieldValidation=Strict|Warn`: the top-level fields of each kind
 * and ObjectMeta's fields. (Deeper levels need the full OpenAPI schemas, which the server does
 * not carry yet; fields there are accepted as they are.)
 */
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';

const COMMON = ['apiVersion', 'kind', 'metadata'];

/** The top-level fields of each kind besides apiVersion, kind and metadata. */
const TOP_LEVEL: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec', 'status'],
  Service: ['spec', 'status'],
  Node: ['spec', 'status'],
  Namespace: ['spec', 'status'],
  Deployment: ['spec', 'status'],
  ReplicaSet: ['spec', 'status'],
  Lease: ['spec'],
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Endpoints: ['subsets'],
  Event: [
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'type',
    'eventTime',
    'series',
    'action',
    'related',
    'reportingComponent',
    'reportingInstance',
  ],
  Role: ['rules'],
  ClusterRole: ['rules', 'aggregationRule'],
  RoleBinding: ['subjects', 'roleRef'],
  ClusterRoleBinding: ['subjects', 'roleRef'],
  Scale: ['spec', 'status'],
};

const META = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** The unknown fields of `obj` as dotted paths (`spec2`, `metadata.lables`). */
export function unknownFields(kind: string, obj: KubeObject): string[] {
  const known = TOP_LEVEL[kind];
  const out: string[] = [];
  if (known !== undefined) {
    for (const key of Object.keys(obj)) if (!COMMON.includes(key) && !known.includes(key)) out.push(key);
  }
  if (isObject(obj.metadata)) {
    for (const key of Object.keys(obj.metadata)) if (!META.has(key)) out.push(`metadata.${key}`);
  }
  return out;
}
