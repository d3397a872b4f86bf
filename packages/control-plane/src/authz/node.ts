/**
 * The node authorizer (Kubernetes' plugin/pkg/auth/authorizer/node): a node agent's
 * credentials (`system:node:<nodeName>` in group `system:nodes`) may read the Secrets,
 * ConfigMaps, PersistentVolumeClaims and ServiceAccounts that pods bound to the node
 * reference, write only its own Node, Lease and its pods' status, and do what the
 * `system:node` rules allow. Other users, and anything else, get "no opinion" (RBAC decides).
 */
import { NODES_GROUP, NODE_USER_NAME_PREFIX } from '../auth/user.js';
import type { UserInfo } from '../auth/user.js';
import type { KubeObject } from '../apiserver/api/types.js';
import type { RequestAttributes } from './attributes.js';
import { nodeRules } from './bootstrap-policy.js';
import { podReferences } from './pod-references.js';
import type { PodReferenceKind } from './pod-references.js';
import { rulesAllow } from './rules.js';
import { allow, noOpinion } from './types.js';
import type { AuthorizationResult, Authorizer, PolicyRule } from './types.js';

/** The namespace of node heartbeat Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The pods bound to a node (`spec.nodeName`), as the server's pod watch cache knows them. */
export type PodsOnNode = (nodeName: string) => readonly KubeObject[];

/** What the node authorizer reads. */
export interface NodeAuthorizerOptions {
  readonly podsOnNode: PodsOnNode;
  /** The statically allowed rules (default: {@link nodeRules}). */
  readonly rules?: readonly PolicyRule[];
}

/** The node a user is, if it is a node's credential: name `system:node:<n>` and group `system:nodes`. */
export function nodeIdentity(user: UserInfo): { readonly isNode: boolean; readonly nodeName: string } {
  if (!user.name.startsWith(NODE_USER_NAME_PREFIX) || !user.groups.includes(NODES_GROUP)) {
    return { isNode: false, nodeName: '' };
  }
  return { isNode: true, nodeName: user.name.slice(NODE_USER_NAME_PREFIX.length) };
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** The node authorizer over the server's view of which pods run where. */
export class NodeAuthorizer implements Authorizer {
  private readonly rules: readonly PolicyRule[];

  constructor(private readonly options: NodeAuthorizerOptions) {
    this.rules = options.rules ?? nodeRules();
  }

  /** Allows a node what its pods need and its own objects; "no opinion" otherwise. */
  authorize(attrs: RequestAttributes): AuthorizationResult {
    const { isNode, nodeName } = nodeIdentity(attrs.user);
    if (!isNode) return noOpinion();
    if (nodeName === '') return noOpinion(`unknown node for user ${JSON.stringify(attrs.user.name)}`);
    if (attrs.resourceRequest) {
      const decided = this.resource(nodeName, attrs);
      if (decided !== undefined) return decided;
    }
    return rulesAllow(attrs, this.rules) ? allow() : noOpinion();
  }

  /** The resources whose access depends on the node; undefined: not one of them. */
  private resource(nodeName: string, attrs: RequestAttributes): AuthorizationResult | undefined {
    const key = `${attrs.apiGroup}/${attrs.resource}`;
    switch (key) {
      case '/secrets':
        return this.readReferenced(nodeName, 'secret', attrs);
      case '/configmaps':
        return this.readReferenced(nodeName, 'configmap', attrs);
      case '/persistentvolumeclaims':
        if (attrs.verb !== 'get') return noOpinion('can only get individual resources of this type');
        return this.readReferenced(nodeName, 'persistentvolumeclaim', attrs);
      case '/serviceaccounts':
        return this.serviceAccount(nodeName, attrs);
      case '/persistentvolumes':
        return noOpinion('persistent volumes are not yet authorized for nodes');
      case 'coordination.k8s.io/leases':
        return this.lease(nodeName, attrs);
      case '/nodes':
        return this.node(nodeName, attrs);
      case '/pods':
        return attrs.subresource === 'status' ? this.podStatus(nodeName, attrs) : undefined;
      default:
        return undefined;
    }
  }

  private readReferenced(nodeName: string, kind: PodReferenceKind, attrs: RequestAttributes): AuthorizationResult {
    if (!READ_VERBS.has(attrs.verb)) return noOpinion('can only read resources of this type');
    if (attrs.subresource !== '') return noOpinion('cannot read subresource');
    if (attrs.namespace === '') return noOpinion('can only read namespaced object of this type');
    return this.referenced(nodeName, kind, attrs);
  }

  private referenced(nodeName: string, kind: PodReferenceKind, attrs: RequestAttributes): AuthorizationResult {
    if (attrs.name === '') return noOpinion('No Object name found');
    const found = this.options
      .podsOnNode(nodeName)
      .some((pod) => pod.metadata.namespace === attrs.namespace && podReferences(pod)[kind].has(attrs.name));
    return found ? allow() : noOpinion(`no relationship found between node '${nodeName}' and this object`);
  }

  private serviceAccount(nodeName: string, attrs: RequestAttributes): AuthorizationResult {
    if (attrs.subresource === 'token') {
      if (attrs.verb !== 'create') return noOpinion('can only create tokens for individual service accounts');
      return this.referenced(nodeName, 'serviceaccount', attrs);
    }
    if (attrs.subresource !== '' || attrs.verb !== 'get') return noOpinion('can only get individual service accounts');
    return this.referenced(nodeName, 'serviceaccount', attrs);
  }

  private lease(nodeName: string, attrs: RequestAttributes): AuthorizationResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) {
      return noOpinion('can only get, create, update, patch, or delete a node lease');
    }
    if (attrs.namespace !== NODE_LEASE_NAMESPACE) {
      return noOpinion(`can only access leases in the ${JSON.stringify(NODE_LEASE_NAMESPACE)} system namespace`);
    }
    // The name of a created object is not in the path: admission (node restriction) checks it.
    if (attrs.verb !== 'create' && attrs.name !== nodeName) {
      return noOpinion('can only access node lease with the same name as the requesting node');
    }
    return allow();
  }

  private node(nodeName: string, attrs: RequestAttributes): AuthorizationResult {
    if (attrs.subresource === '' && READ_VERBS.has(attrs.verb)) return allow();
    if (attrs.subresource === '' && attrs.verb === 'create') {
      return attrs.name === '' || attrs.name === nodeName ? allow() : noOpinion('can only create its own Node');
    }
    if (
      (attrs.verb === 'update' || attrs.verb === 'patch') &&
      (attrs.subresource === '' || attrs.subresource === 'status')
    ) {
      return attrs.name === nodeName ? allow() : noOpinion(`node '${nodeName}' can only modify its own Node object`);
    }
    return noOpinion();
  }

  private podStatus(nodeName: string, attrs: RequestAttributes): AuthorizationResult {
    if (attrs.verb !== 'update' && attrs.verb !== 'patch') return noOpinion('can only update or patch pod status');
    const bound = this.options
      .podsOnNode(nodeName)
      .some((pod) => pod.metadata.namespace === attrs.namespace && pod.metadata.name === attrs.name);
    return bound ? allow() : noOpinion(`pod is not bound to node '${nodeName}'`);
  }
}
