import t from 'tap';
import type { UserInfo } from '../../auth/user.js';
import type { KubeObject } from '../api/types.js';
import { plainResource } from '../testing.js';
import { forbiddenLabels, modifiedLabels, nodeRestriction } from './node-restriction.js';
import type { AdmissionRequest } from './types.js';

const pods = plainResource({ kind: 'Pod', plural: 'pods' });
const nodes = plainResource({ kind: 'Node', plural: 'nodes', namespaced: false });
const leases = plainResource({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases' });
const events = plainResource({ kind: 'Event', plural: 'events' });
const secrets = plainResource({ kind: 'Secret', plural: 'secrets' });
const deployments = plainResource({ group: 'apps', kind: 'Deployment', plural: 'deployments' });

const NODE: UserInfo = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const ADMIN: UserInfo = { name: 'admin', groups: ['system:masters'] };

const step = nodeRestriction({
  getNode: (name) =>
    Promise.resolve(name === 'n1' ? { kind: 'Node', metadata: { name: 'n1', uid: 'uid-n1' } } : undefined),
});

function obj(meta: KubeObject['metadata'], rest: Record<string, unknown> = {}): KubeObject {
  return { metadata: meta, ...rest };
}

const OWNER = { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-n1', controller: true };
const MIRROR = { 'kubernetes.io/config.mirror': 'hash' };

function mirror(spec: Record<string, unknown> = {}, owners: unknown[] = [OWNER]): KubeObject {
  return obj(
    { name: 'static-web-n1', namespace: 'default', annotations: MIRROR, ownerReferences: owners as never },
    { spec: { nodeName: 'n1', containers: [{ name: 'c' }], ...spec } },
  );
}

function podOn(node: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return obj({ name: 'web', namespace: 'default', ...extra }, { spec: { nodeName: node } });
}

function node(name: string, labels: Record<string, string> = {}, taints: unknown[] = []): KubeObject {
  return obj({ name, labels }, { spec: { taints } });
}

interface Case {
  readonly name: string;
  readonly req: Partial<AdmissionRequest> & Pick<AdmissionRequest, 'def' | 'object'>;
  /** The Forbidden message; undefined: admitted. */
  readonly error?: string;
}

const cases: Case[] = [
  // Pods
  { name: 'node creates its own mirror pod', req: { def: pods, object: mirror() } },
  {
    name: 'node creates a regular pod',
    req: { def: pods, object: podOn('n1') },
    error:
      'pods "web" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" can only create mirror pods',
  },
  {
    name: 'node creates a mirror pod bound elsewhere',
    req: { def: pods, object: mirror({ nodeName: 'n2' }) },
    error: 'pods "static-web-n1" is forbidden: node "n1" can only create pods with spec.nodeName set to itself',
  },
  {
    name: 'mirror pod without owner',
    req: { def: pods, object: mirror({}, []) },
    error: 'pods "static-web-n1" is forbidden: node "n1" can only create pods with an owner reference set to itself',
  },
  {
    name: 'mirror pod with two owners',
    req: { def: pods, object: mirror({}, [OWNER, OWNER]) },
    error:
      'pods "static-web-n1" is forbidden: node "n1" can only create pods with a single owner reference set to itself',
  },
  {
    name: 'mirror pod owned by another node',
    req: { def: pods, object: mirror({}, [{ ...OWNER, name: 'n2' }]) },
    error: 'pods "static-web-n1" is forbidden: node "n1" can only create pods with an owner reference set to itself',
  },
  {
    name: 'mirror pod owner not controller',
    req: { def: pods, object: mirror({}, [{ ...OWNER, controller: false }]) },
    error:
      'pods "static-web-n1" is forbidden: node "n1" can only create pods with a controller owner reference set to itself',
  },
  {
    name: 'mirror pod blocks owner deletion',
    req: { def: pods, object: mirror({}, [{ ...OWNER, blockOwnerDeletion: true }]) },
    error: 'pods "static-web-n1" is forbidden: node "n1" must not set blockOwnerDeletion on an owner reference',
  },
  {
    name: 'mirror pod owner uid mismatch',
    req: { def: pods, object: mirror({}, [{ ...OWNER, uid: 'other' }]) },
    error: 'pods "static-web-n1" is forbidden: node "n1" UID mismatch',
  },
  {
    name: 'mirror pod names a service account',
    req: { def: pods, object: mirror({ serviceAccountName: 'default' }) },
    error: 'pods "static-web-n1" is forbidden: node "n1" can not create pods that reference a service account',
  },
  {
    name: 'mirror pod uses a secret',
    req: { def: pods, object: mirror({ volumes: [{ name: 's', secret: { secretName: 'x' } }] }) },
    error: 'pods "static-web-n1" is forbidden: node "n1" can not create pods that reference secrets',
  },
  {
    name: 'mirror pod uses a configmap',
    req: { def: pods, object: mirror({ volumes: [{ name: 's', configMap: { name: 'x' } }] }) },
    error: 'pods "static-web-n1" is forbidden: node "n1" can not create pods that reference configmaps',
  },
  {
    name: 'mirror pod uses a claim',
    req: { def: pods, object: mirror({ volumes: [{ name: 's', persistentVolumeClaim: { claimName: 'x' } }] }) },
    error: 'pods "static-web-n1" is forbidden: node "n1" can not create pods that reference persistentvolumeclaims',
  },
  {
    name: 'node updates status of its pod',
    req: { def: pods, operation: 'UPDATE', subresource: 'status', object: podOn('n1'), old: podOn('n1') },
  },
  {
    name: 'node updates status of a pod on another node',
    req: { def: pods, operation: 'UPDATE', subresource: 'status', object: podOn('n2'), old: podOn('n2') },
    error: 'pods "web" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself',
  },
  {
    name: 'node updates a pod spec',
    req: { def: pods, operation: 'UPDATE', object: podOn('n1', { labels: { a: 'b' } }), old: podOn('n1') },
    error: 'pods "web" is forbidden: unexpected operation "UPDATE", node "n1" can only create and delete mirror pods',
  },
  { name: 'node deletes its pod', req: { def: pods, operation: 'DELETE', object: podOn('n1'), old: podOn('n1') } },
  {
    name: 'node deletes a pod on another node',
    req: { def: pods, operation: 'DELETE', object: podOn('n2'), old: podOn('n2') },
    error: 'pods "web" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself',
  },
  {
    name: "graceful delete's marking update counts as the delete",
    req: {
      def: pods,
      operation: 'UPDATE',
      object: podOn('n1', { deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 }),
      old: podOn('n1'),
    },
  },
  {
    name: 'graceful delete of a pod on another node',
    req: {
      def: pods,
      operation: 'UPDATE',
      object: podOn('n2', { deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 }),
      old: podOn('n2'),
    },
    error: 'pods "web" is forbidden: node "n1" can only delete pods with spec.nodeName set to itself',
  },
  // Nodes
  { name: 'node registers itself', req: { def: nodes, object: node('n1', { 'kubernetes.io/hostname': 'n1' }) } },
  {
    name: 'node registers another node',
    req: { def: nodes, object: node('n2') },
    error: 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
  },
  {
    name: 'node registers with a node-role label',
    req: { def: nodes, object: node('n1', { 'node-role.kubernetes.io/control-plane': '' }) },
    error:
      'nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: node-role.kubernetes.io/control-plane',
  },
  {
    name: 'node registers with node-restriction labels',
    req: {
      def: nodes,
      object: node('n1', { 'node-restriction.kubernetes.io/a': 'x', 'b.node-restriction.kubernetes.io/c': 'y' }),
    },
    error:
      'nodes "n1" is forbidden: node "n1" is not allowed to set the following labels: b.node-restriction.kubernetes.io/c, node-restriction.kubernetes.io/a',
  },
  {
    name: 'node updates its own labels in allowed namespaces',
    req: {
      def: nodes,
      operation: 'UPDATE',
      object: node('n1', { 'node.kubernetes.io/x': '1', 'kubelet.kubernetes.io/y': '2', 'example.com/z': '3' }),
      old: node('n1'),
    },
  },
  {
    name: 'node adds a restricted label to itself',
    req: {
      def: nodes,
      operation: 'UPDATE',
      object: node('n1', { 'node-restriction.kubernetes.io/test': 'yes' }),
      old: node('n1'),
    },
    error: 'nodes "n1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/test',
  },
  {
    name: 'node removes a node-role label',
    req: {
      def: nodes,
      operation: 'UPDATE',
      object: node('n1'),
      old: node('n1', { 'node-role.kubernetes.io/worker': '' }),
    },
    error: 'nodes "n1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker',
  },
  {
    name: 'node changes its taints',
    req: {
      def: nodes,
      operation: 'UPDATE',
      object: node('n1'),
      old: node('n1', {}, [{ key: 'dedicated', effect: 'NoSchedule' }]),
    },
    error: 'nodes "n1" is forbidden: node "n1" is not allowed to modify taints',
  },
  {
    name: 'node updates its status',
    req: { def: nodes, operation: 'UPDATE', subresource: 'status', object: node('n1'), old: node('n1') },
  },
  {
    name: 'node updates another node',
    req: { def: nodes, operation: 'UPDATE', object: node('n2'), old: node('n2') },
    error: 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
  },
  { name: 'node deletes itself', req: { def: nodes, operation: 'DELETE', object: node('n1'), old: node('n1') } },
  {
    name: 'node deletes another node',
    req: { def: nodes, operation: 'DELETE', object: node('n2'), old: node('n2') },
    error: 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"',
  },
  // Leases
  { name: 'node creates its lease', req: { def: leases, object: obj({ name: 'n1', namespace: 'kube-node-lease' }) } },
  {
    name: 'node renews its lease',
    req: {
      def: leases,
      operation: 'UPDATE',
      object: obj({ name: 'n1', namespace: 'kube-node-lease' }),
      old: obj({ name: 'n1', namespace: 'kube-node-lease' }),
    },
  },
  {
    name: "node creates another node's lease",
    req: { def: leases, object: obj({ name: 'n2', namespace: 'kube-node-lease' }) },
    error:
      'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node',
  },
  {
    name: 'node creates a lease elsewhere',
    req: { def: leases, object: obj({ name: 'n1', namespace: 'default' }) },
    error:
      'leases.coordination.k8s.io "n1" is forbidden: can only access leases in the "kube-node-lease" system namespace',
  },
  // Others
  { name: 'node writes events anywhere', req: { def: events, object: obj({ name: 'e1', namespace: 'team-a' }) } },
  {
    name: 'node creates a secret',
    req: { def: secrets, object: obj({ name: 's', namespace: 'default' }) },
    error: 'secrets "s" is forbidden: node "n1" is not allowed to create secrets',
  },
  {
    name: 'node deletes a deployment',
    req: { def: deployments, operation: 'DELETE', object: obj({ name: 'd', namespace: 'default' }) },
    error: 'deployments.apps "d" is forbidden: node "n1" is not allowed to delete deployments.apps',
  },
];

t.test('table: what a node may write', async (t) => {
  for (const c of cases) {
    const req: AdmissionRequest = {
      operation: 'CREATE',
      subresource: '',
      dryRun: false,
      user: NODE,
      ...c.req,
    };
    const result = step.admit(req);
    if (c.error === undefined) await t.resolves(result, c.name);
    else await t.rejects(result, { name: 'ApiError', reason: 'Forbidden', code: 403, message: c.error }, c.name);
  }
});

t.test('other users and anonymous server writes are not checked', async (t) => {
  for (const user of [ADMIN, undefined, { name: 'system:node:n1', groups: ['system:authenticated'] }]) {
    const req: AdmissionRequest = {
      operation: 'CREATE',
      subresource: '',
      dryRun: false,
      def: secrets,
      object: obj({ name: 's', namespace: 'default' }),
      ...(user === undefined ? {} : { user }),
    };
    await t.resolves(step.admit(req), user?.name ?? 'no user');
  }
});

t.test('a node user without a node name is Forbidden', async (t) => {
  const req: AdmissionRequest = {
    operation: 'CREATE',
    subresource: '',
    dryRun: false,
    def: events,
    object: obj({ name: 'e', namespace: 'default' }),
    user: { name: 'system:node:', groups: ['system:nodes'] },
  };
  await t.rejects(step.admit(req), {
    message: 'events "e" is forbidden: could not determine node from user "system:node:"',
  });
});

t.test('label helpers', async (t) => {
  t.same(modifiedLabels({ a: '1', b: '2' }, { b: '3', c: '4' }), ['a', 'b', 'c']);
  t.same(
    forbiddenLabels([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
      'node.kubernetes.io/instance-type',
      'foo.node.kubernetes.io/x',
      'example.com/x',
      'plain',
      'node-role.kubernetes.io/worker',
      'k8s.io/x',
      'foo.node-restriction.kubernetes.io/x',
    ]),
    ['node-role.kubernetes.io/worker', 'k8s.io/x', 'foo.node-restriction.kubernetes.io/x'],
  );
});
