import t from 'tap';
import { ApiError } from '../apiserver/api/errors.js';
import { AuthorizerChain } from './chain.js';
import { MemoryRbacSource } from './memory-source.js';
import { NodeAuthorizer } from './node.js';
import { RbacAuthorizer } from './rbac.js';
import {
  evaluateLocalSubjectAccessReview,
  evaluateSelfSubjectAccessReview,
  evaluateSubjectAccessReview,
} from './review.js';
import { clusterRoleBindingOf, clusterRoleOf, roleBindingOf, subjectOf, userOf } from './testing.js';
import type { Authorizer } from './types.js';

function chain(): AuthorizerChain {
  const source = new MemoryRbacSource({
    clusterRoles: [
      clusterRoleOf('view-pods', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }]),
      clusterRoleOf('metrics', [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }]),
    ],
    roleBindings: [
      roleBindingOf('default', 'viewers', { kind: 'ClusterRole', name: 'view-pods' }, [subjectOf('Group', 'viewers')]),
    ],
    clusterRoleBindings: [clusterRoleBindingOf('metrics', 'metrics', [subjectOf('User', 'prom')])],
  });
  const node = new NodeAuthorizer({ podsOnNode: () => [] });
  return new AuthorizerChain([node, new RbacAuthorizer(source)]);
}

const spec = (resourceAttributes: Record<string, unknown>) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  spec: { resourceAttributes },
});

t.test('SelfSubjectAccessReview (kubectl auth can-i)', async (t) => {
  const authz = chain();
  const viewer = userOf('vic', 'viewers');
  const yes = evaluateSelfSubjectAccessReview(
    spec({ namespace: 'default', verb: 'get', resource: 'pods' }),
    viewer,
    authz,
  );
  t.equal(yes.kind, 'SelfSubjectAccessReview');
  t.equal(yes.apiVersion, 'authorization.k8s.io/v1');
  t.equal(yes.status.allowed, true);
  t.match(yes.status.reason, /RoleBinding "viewers\/default"/);
  t.same(yes.spec, { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } });
  const no = evaluateSelfSubjectAccessReview(
    spec({ namespace: 'default', verb: 'delete', resource: 'pods' }),
    viewer,
    authz,
  );
  t.same(no.status, { allowed: false });
  const other = evaluateSelfSubjectAccessReview(
    spec({ namespace: 'kube-system', verb: 'get', resource: 'pods' }),
    viewer,
    authz,
  );
  t.equal(other.status.allowed, false, 'the binding is namespaced');
  const path = evaluateSelfSubjectAccessReview(
    { spec: { nonResourceAttributes: { path: '/metrics', verb: 'get' } } },
    userOf('prom'),
    authz,
  );
  t.equal(path.status.allowed, true, 'non-resource attributes');
});

t.test('SubjectAccessReview checks the named subject', async (t) => {
  const authz = chain();
  const review = (s: Record<string, unknown>) =>
    evaluateSubjectAccessReview({ kind: 'SubjectAccessReview', spec: s }, authz);
  t.equal(
    review({
      user: 'x',
      groups: ['viewers'],
      resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' },
    }).status.allowed,
    true,
  );
  t.equal(
    review({ user: 'x', resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } }).status.allowed,
    false,
  );
  t.equal(
    review({ groups: ['viewers'], resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } }).status
      .allowed,
    true,
    'groups alone',
  );
  const nodeNo = review({
    user: 'system:node:n1',
    groups: ['system:nodes'],
    resourceAttributes: { namespace: 'default', verb: 'get', resource: 'secrets', name: 's' },
  });
  t.same(
    nodeNo.status,
    { allowed: false, reason: "no relationship found between node 'n1' and this object" },
    'the node authorizer is in the chain',
  );
  t.throws(() => review({ resourceAttributes: { verb: 'get', resource: 'pods' } }), {
    code: 422,
    message: /at least one of user or group must be specified/,
  });
  t.throws(() => review({ user: 'x' }), {
    code: 422,
    message: /exactly one of nonResourceAttributes or resourceAttributes/,
  });
  t.throws(() => review({ user: 'x', resourceAttributes: {}, nonResourceAttributes: {} }), {
    code: 422,
    message: /cannot be specified in combination with resourceAttributes/,
  });
  t.throws(() => evaluateSubjectAccessReview('nonsense', authz), ApiError);
});

t.test('LocalSubjectAccessReview is bound to its namespace', async (t) => {
  const authz = chain();
  const body = {
    spec: { groups: ['viewers'], resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } },
  };
  t.equal(evaluateLocalSubjectAccessReview(body, 'default', authz).status.allowed, true);
  t.throws(() => evaluateLocalSubjectAccessReview(body, 'other', authz), {
    code: 400,
    message: 'spec.resourceAttributes.namespace must match namespace: other',
  });
});

t.test('a denial is reported as denied', async (t) => {
  const denier: Authorizer = { authorize: () => ({ allowed: false, denied: true, reason: 'no way' }) };
  const allower: Authorizer = { authorize: () => ({ allowed: true, reason: 'sure' }) };
  const review = evaluateSelfSubjectAccessReview(
    spec({ verb: 'get', resource: 'pods' }),
    userOf('a'),
    new AuthorizerChain([denier, allower]),
  );
  t.same(review.status, { allowed: false, denied: true, reason: 'no way' }, 'a deny stops the chain');
});
