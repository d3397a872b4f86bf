/**
 * Node restriction admission (Kubernetes' plugin/pkg/admission/noderestriction), a validating
 * step that narrows what a node agent's credentials (`system:node:<n>` in `system:nodes`) may
 * write beyond what the node authorizer can see from the URL: its own Node only (no taint
 * changes, no labels in the `node-restriction.kubernetes.io/` namespace nor unknown
 * `kubernetes.io`/`k8s.io` labels such as node-role), mirror pods bound to and owned by itself,
 * the deletion and status of pods bound to itself, its own Lease in kube-node-lease, Events,
 * CertificateSigningRequests and ServiceAccount tokens. Any other write by a node is Forbidden.
 * Other users are not checked.
 */
import { nodeIdentity, NODE_LEASE_NAMESPACE } from '../../authz/node.js';
import { podReferences } from '../../authz/pod-references.js';
import { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { admissionForbidden as forbidden } from './types.js';
import type { AdmissionRequest, AdmissionStep } from './types.js';

/** The annotation that marks a mirror pod. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** Label keys a node may set on itself in the kubernetes.io and k8s.io namespaces (kubeletapis.KubeletLabels). */
export const KUBELET_LABELS: ReadonlySet<string> = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.kubernetes.io/zone',
  'failure-domain.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'node.kubernetes.io/instance-type',
]);

/** Label namespaces (and their subdomains) a node may use freely. */
export const KUBELET_LABEL_NAMESPACES: readonly string[] = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/** The label namespace only administrators may set on nodes (to steer workloads safely). */
export const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';

/** What the node restriction step reads. */
export interface NodeRestrictionOptions {
  /** Reads a Node; checks the uid a mirror pod's owner reference names. */
  readonly getNode: (name: string) => Promise<KubeObject | undefined>;
}

/** A write a node's credentials may make (its operation after seeing through deletion marks). */
type Operation = AdmissionRequest['operation'];

/** The node restriction step (validating; it runs after validation). */
export function nodeRestriction(options: NodeRestrictionOptions): AdmissionStep {
  return {
    name: 'NodeRestriction',
    async admit(req) {
      if (req.user === undefined) return;
      const { isNode, nodeName } = nodeIdentity(req.user);
      if (!isNode) return;
      if (nodeName === '') throw forbidden(req, `could not determine node from user "${req.user.name}"`);
      const operation = isDeletionMark(req) ? 'DELETE' : req.operation;
      switch (`${req.def.group}/${req.def.plural}`) {
        case '/pods':
          return admitPod(req, operation, nodeName, options);
        case '/nodes':
          return admitNode(req, operation, nodeName);
        case 'coordination.k8s.io/leases':
          return admitLease(req, nodeName);
        case '/events':
        case 'events.k8s.io/events':
          return;
        case 'certificates.k8s.io/certificatesigningrequests':
          if (operation === 'CREATE' && req.subresource === '') return;
          break;
        case '/serviceaccounts':
          if (operation === 'CREATE' && req.subresource === 'token') return;
          break;
        default:
          break;
      }
      const what = req.subresource === '' ? resourceOf(req) : `${resourceOf(req)}/${req.subresource}`;
      throw forbidden(req, `node "${nodeName}" is not allowed to ${verbOf(operation)} ${what}`);
    },
  };
}

/**
 * Whether an UPDATE only marks the object deleted (the REST layer's graceful delete sets
 * deletionTimestamp, deletionGracePeriodSeconds and finalizers): it is judged as the DELETE it is.
 */
function isDeletionMark(req: AdmissionRequest): boolean {
  if (req.operation !== 'UPDATE' || req.subresource !== '' || req.old === undefined) return false;
  if (req.object.metadata.deletionTimestamp === undefined) return false;
  const strip = (o: KubeObject): unknown => {
    const { deletionTimestamp: _t, deletionGracePeriodSeconds: _g, finalizers: _f, ...meta } = o.metadata;
    return { ...o, metadata: meta };
  };
  return JSON.stringify(strip(req.object)) === JSON.stringify(strip(req.old));
}

function nodeNameOf(pod: KubeObject | undefined): string | undefined {
  const spec = pod?.spec;
  return isObject(spec) && typeof spec.nodeName === 'string' ? spec.nodeName : undefined;
}

async function admitPod(
  req: AdmissionRequest,
  operation: Operation,
  nodeName: string,
  options: NodeRestrictionOptions,
): Promise<void> {
  const bound = nodeNameOf(req.old ?? req.object) === nodeName;
  switch (req.subresource) {
    case '':
      if (operation === 'CREATE') return admitMirrorPod(req, nodeName, options);
      if (operation === 'DELETE') {
        if (!bound) throw forbidden(req, `node "${nodeName}" can only delete pods with spec.nodeName set to itself`);
        return;
      }
      throw forbidden(
        req,
        `unexpected operation "${operation}", node "${nodeName}" can only create and delete mirror pods`,
      );
    case 'status':
      if (operation !== 'UPDATE') {
        throw forbidden(req, `unexpected operation "${operation}", node "${nodeName}" can only update pod status`);
      }
      if (!bound) {
        throw forbidden(req, `node "${nodeName}" can only update pod status for pods with spec.nodeName set to itself`);
      }
      return;
    case 'eviction':
      if (!bound) throw forbidden(req, `node "${nodeName}" can only evict pods with spec.nodeName set to itself`);
      return;
    default:
      throw forbidden(req, `unexpected subresource "${req.subresource}", node "${nodeName}" may not write it`);
  }
}

async function admitMirrorPod(req: AdmissionRequest, nodeName: string, options: NodeRestrictionOptions): Promise<void> {
  const pod = req.object;
  if (!(MIRROR_POD_ANNOTATION in (pod.metadata.annotations ?? {}))) {
    throw forbidden(
      req,
      `pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${nodeName}" can only create mirror pods`,
    );
  }
  if (nodeNameOf(pod) !== nodeName) {
    throw forbidden(req, `node "${nodeName}" can only create pods with spec.nodeName set to itself`);
  }
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.length > 1) {
    throw forbidden(req, `node "${nodeName}" can only create pods with a single owner reference set to itself`);
  }
  const owner = owners[0];
  if (owner === undefined || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== nodeName) {
    throw forbidden(req, `node "${nodeName}" can only create pods with an owner reference set to itself`);
  }
  if (owner.controller !== true) {
    throw forbidden(req, `node "${nodeName}" can only create pods with a controller owner reference set to itself`);
  }
  if (owner.blockOwnerDeletion === true) {
    throw forbidden(req, `node "${nodeName}" must not set blockOwnerDeletion on an owner reference`);
  }
  const node = await options.getNode(nodeName);
  if (node === undefined) throw ApiError.notFound({ group: '', plural: 'nodes' }, nodeName);
  if (node.metadata.uid !== owner.uid) throw forbidden(req, `node "${nodeName}" UID mismatch`);

  const spec = isObject(pod.spec) ? pod.spec : {};
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') {
    throw forbidden(req, `node "${nodeName}" can not create pods that reference a service account`);
  }
  const refs = podReferences(pod);
  if (refs.secret.size > 0) throw forbidden(req, `node "${nodeName}" can not create pods that reference secrets`);
  if (refs.configmap.size > 0) throw forbidden(req, `node "${nodeName}" can not create pods that reference configmaps`);
  if (refs.persistentvolumeclaim.size > 0) {
    throw forbidden(req, `node "${nodeName}" can not create pods that reference persistentvolumeclaims`);
  }
}

function admitNode(req: AdmissionRequest, operation: Operation, nodeName: string): void {
  const requested = req.object.metadata.name ?? '';
  if (requested !== nodeName) {
    throw forbidden(req, `node "${nodeName}" is not allowed to modify node "${requested}"`);
  }
  if (operation === 'CREATE') {
    const labels = forbiddenLabels(modifiedLabels(req.object.metadata.labels ?? {}, {}));
    if (labels.length > 0) {
      throw forbidden(req, `node "${nodeName}" is not allowed to set the following labels: ${labels.join(', ')}`);
    }
  }
  if (operation === 'UPDATE' && req.old !== undefined) {
    if (JSON.stringify(taintsOf(req.object)) !== JSON.stringify(taintsOf(req.old))) {
      throw forbidden(req, `node "${nodeName}" is not allowed to modify taints`);
    }
    const labels = forbiddenLabels(modifiedLabels(req.object.metadata.labels ?? {}, req.old.metadata.labels ?? {}));
    if (labels.length > 0) throw forbidden(req, `is not allowed to modify labels: ${labels.join(', ')}`);
  }
}

function taintsOf(node: KubeObject): unknown {
  return isObject(node.spec) ? (node.spec.taints ?? []) : [];
}

function admitLease(req: AdmissionRequest, nodeName: string): void {
  if (req.object.metadata.namespace !== NODE_LEASE_NAMESPACE) {
    throw forbidden(req, `can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  }
  if (req.object.metadata.name !== nodeName) {
    throw forbidden(req, 'can only access node lease with the same name as the requesting node');
  }
}

/** The keys added, removed or changed between two label maps, sorted. */
export function modifiedLabels(next: Record<string, string>, previous: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(next), ...Object.keys(previous)]);
  return [...keys].filter((k) => next[k] !== previous[k]).sort();
}

function inNamespace(namespace: string, domain: string): boolean {
  return namespace === domain || namespace.endsWith(`.${domain}`);
}

/** The label keys among `keys` a node may not set on itself (Kubernetes' getForbiddenLabels). */
export function forbiddenLabels(keys: readonly string[]): string[] {
  return keys.filter((key) => {
    const slash = key.indexOf('/');
    const namespace = slash < 0 ? '' : key.slice(0, slash);
    if (inNamespace(namespace, NODE_RESTRICTION_LABEL_NAMESPACE)) return true;
    if (!inNamespace(namespace, 'kubernetes.io') && !inNamespace(namespace, 'k8s.io')) return false;
    if (KUBELET_LABELS.has(key)) return false;
    return !KUBELET_LABEL_NAMESPACES.some((allowed) => inNamespace(namespace, allowed));
  });
}

function resourceOf(req: AdmissionRequest): string {
  return req.def.group === '' ? req.def.plural : `${req.def.plural}.${req.def.group}`;
}

function verbOf(operation: Operation): string {
  switch (operation) {
    case 'CREATE':
      return 'create';
    case 'UPDATE':
      return 'update';
    case 'DELETE':
      return 'delete';
  }
}
