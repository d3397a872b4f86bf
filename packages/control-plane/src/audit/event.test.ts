import t from 'tap';
import type { AuditRequest } from './event.js';
import { MAX_AUDIT_TEXT, auditEvent, isMutatingVerb, objectRef } from './event.js';

const received = Date.parse('2026-11-28T10:00:00.000Z');
const request: AuditRequest = {
  requestURI: '/api/v1/namespaces/default/secrets/db?fieldManager=kubectl-edit',
  verb: 'patch',
  user: { name: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'] },
  sourceIPs: ['127.0.0.1'],
  userAgent: 'kubectl/v1.31.0',
  target: { group: '', version: 'v1', namespace: 'default', resource: 'secrets', name: 'db', subresource: '' },
  code: 200,
  receivedAtMs: received,
};

t.test('the event has the audit.k8s.io/v1 Metadata shape', async (t) => {
  const event = auditEvent(request, { auditID: 'id-1', nowMs: received + 12 });
  t.same(JSON.parse(JSON.stringify(event)), {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'id-1',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/secrets/db?fieldManager=kubectl-edit',
    verb: 'patch',
    user: { username: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'kubectl/v1.31.0',
    objectRef: { resource: 'secrets', namespace: 'default', name: 'db', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-11-28T10:00:00.000Z',
    stageTimestamp: '2026-11-28T10:00:00.012Z',
    latencyMs: 12,
  });
  t.equal(auditEvent({ ...request, auditID: 'given' }, { auditID: 'x', nowMs: received }).auditID, 'given');
  t.equal(auditEvent(request, { auditID: 'x', nowMs: received - 5 }).latencyMs, 0, 'a clock step back is not negative');
});

t.test('only whitelisted fields are copied: bodies and unknown fields never reach the event', async (t) => {
  const withBodies = {
    ...request,
    requestObject: { data: { password: 'aHVudGVyMg==' } },
    responseObject: { data: { password: 'aHVudGVyMg==' } },
    body: 'aHVudGVyMg==',
    user: { name: 'alice', groups: [], extra: { token: ['aHVudGVyMg=='] } },
    target: { ...request.target, object: { data: 'aHVudGVyMg==' } },
  } as unknown as AuditRequest;
  const text = JSON.stringify(auditEvent(withBodies, { auditID: 'id', nowMs: received }));
  t.notMatch(text, /aHVudGVyMg==|requestObject|responseObject|"body"|extra/);
});

t.test('anonymous users, cluster-scoped objects, non-resource requests and long text', async (t) => {
  const anon = auditEvent({ ...request, user: undefined, target: undefined }, { auditID: 'a', nowMs: received });
  t.same(anon.user, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
  t.equal(anon.objectRef, undefined);
  t.same(objectRef({ group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', name: 'view' }), {
    resource: 'clusterroles',
    name: 'view',
    apiGroup: 'rbac.authorization.k8s.io',
    apiVersion: 'v1',
  });
  const long = auditEvent(
    { ...request, requestURI: `/api/v1/x?${'a'.repeat(10_000)}` },
    { auditID: 'a', nowMs: received },
  );
  t.equal(long.requestURI.length, MAX_AUDIT_TEXT + 3);
});

t.test('mutating verbs', async (t) => {
  for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) t.ok(isMutatingVerb(verb), verb);
  for (const verb of ['get', 'list', 'watch', 'proxy', 'connect', '']) t.notOk(isMutatingVerb(verb), verb);
});
