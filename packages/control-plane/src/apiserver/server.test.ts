import { request } from 'node:http';
import t from 'tap';
import type { Test } from 'tap';
import { WebSocket } from 'ws';
import { ApiServer } from './server.js';
import type { ApiServerOptions } from './server.js';
import { tempStore } from './testing.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function setup(t: Test, options: Partial<ApiServerOptions> = {}) {
  const { store, close } = await tempStore();
  const server = await ApiServer.start({ kv: store, port: 0, compactionIntervalMs: 0, ...options });
  t.teardown(async () => {
    await server.stop();
    await close();
  });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
      (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(`${server.url}${path}`, init);
    const text = await res.text();
    let json: Json;
    try {
      json = JSON.parse(text) as Json;
    } catch {
      json = { text };
    }
    return { status: res.status, body: json, headers: res.headers };
  };
  return { server, store, call };
}

const pod = (name: string, extra: Json = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...(extra.metadata ?? {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(extra.spec ?? {}) },
});

t.test('create, get, conflicting update, generateName and errors as Status objects', async (t) => {
  const { call } = await setup(t);
  const created = await call('POST', '/api/v1/namespaces/default/pods', pod('a'));
  t.equal(created.status, 201);
  t.match(created.body.metadata, { name: 'a', namespace: 'default', uid: /^[0-9a-f-]{36}$/, creationTimestamp: /Z$/ });
  const rv = created.body.metadata.resourceVersion as string;
  const dup = await call('POST', '/api/v1/namespaces/default/pods', pod('a'));
  t.equal(dup.status, 409);
  t.match(dup.body, {
    kind: 'Status',
    status: 'Failure',
    reason: 'AlreadyExists',
    code: 409,
    message: 'pods "a" already exists',
  });

  const updated = await call('PUT', '/api/v1/namespaces/default/pods/a', {
    ...created.body,
    metadata: { ...created.body.metadata, labels: { x: 'y' } },
  });
  t.equal(updated.status, 200);
  t.not(updated.body.metadata.resourceVersion, rv);
  const stale = await call('PUT', '/api/v1/namespaces/default/pods/a', {
    ...created.body,
    metadata: { ...created.body.metadata, labels: { x: 'z' } },
  });
  t.equal(stale.status, 409);
  t.equal(stale.body.reason, 'Conflict');

  const gen = await call('POST', '/api/v1/namespaces/default/pods', pod('', { metadata: { generateName: 'web-' } }));
  t.equal(gen.status, 201);
  t.match(gen.body.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);

  const missing = await call('GET', '/api/v1/namespaces/default/pods/nope');
  t.match(missing.body, {
    kind: 'Status',
    reason: 'NotFound',
    code: 404,
    message: 'pods "nope" not found',
    details: { name: 'nope', kind: 'pods' },
  });
  const badJson = await call('POST', '/api/v1/namespaces/default/pods', '{"kind":', {
    'Content-Type': 'application/json',
  });
  t.equal(badJson.status, 400);
  const badType = await call('POST', '/api/v1/namespaces/default/pods', 'x', { 'Content-Type': 'text/plain' });
  t.equal(badType.status, 415);
  const huge = await call('POST', '/api/v1/namespaces/default/configmaps', {
    metadata: { name: 'big' },
    data: { x: 'a'.repeat(3 * 1024 * 1024 + 10) },
  });
  t.equal(huge.status, 413);
  const invalid = await call('POST', '/api/v1/namespaces/default/pods', {
    metadata: { name: 'Bad_Name' },
    spec: { containers: [] },
  });
  t.equal(invalid.status, 422);
  t.equal(invalid.body.reason, 'Invalid');
  t.ok((invalid.body.details.causes as Json[]).some((c) => c.field === 'metadata.name'));
  const noNs = await call('POST', '/api/v1/namespaces/ghost/pods', pod('a'));
  t.equal(noNs.status, 404);
  t.equal(noNs.body.message, 'namespaces "ghost" not found');
  const wrongNs = await call('POST', '/api/v1/namespaces/default/pods', pod('b', { metadata: { namespace: 'other' } }));
  t.equal(wrongNs.status, 400);
  const method = await call('POST', '/api/v1/namespaces/default/pods/a');
  t.equal(method.status, 405);
  const notServed = await call('GET', '/apis/batch/v1/jobs');
  t.equal(notServed.status, 404);
});

t.test('the initial namespaces and the kubernetes Service exist; initial namespaces cannot be deleted', async (t) => {
  const { call } = await setup(t, { serviceCidr: '10.43.0.0/16' });
  const ns = await call('GET', '/api/v1/namespaces');
  t.same((ns.body.items as Json[]).map((n) => n.metadata.name).sort(), [
    'default',
    'kube-node-lease',
    'kube-public',
    'kube-system',
  ]);
  t.equal((ns.body.items as Json[])[0]?.status.phase, 'Active');
  const svc = await call('GET', '/api/v1/namespaces/default/services/kubernetes');
  t.equal(svc.body.spec.clusterIP, '10.43.0.1');
  const ep = await call('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
  t.equal(ep.body.subsets[0].addresses[0].ip, '127.0.0.1');
  const del = await call('DELETE', '/api/v1/namespaces/default');
  t.equal(del.status, 403);
  await call('POST', '/api/v1/namespaces', { metadata: { name: 'tmp' } });
  const term = await call('DELETE', '/api/v1/namespaces/tmp');
  t.equal(term.status, 200);
  t.equal(term.body.status.phase, 'Terminating');
  const refused = await call('POST', '/api/v1/namespaces/tmp/configmaps', { metadata: { name: 'c' } });
  t.equal(refused.status, 403);
  t.match(refused.body.message, /unable to create new content in namespace tmp because it is being terminated/);
});

t.test('lists: selectors, limit and continue at one revision, resourceVersion semantics', async (t) => {
  const { call } = await setup(t);
  for (let i = 0; i < 7; i++) {
    await call(
      'POST',
      '/api/v1/namespaces/default/pods',
      pod(`p${i}`, { metadata: { labels: { parity: i % 2 === 0 ? 'even' : 'odd' } } }),
    );
  }
  const page1 = await call('GET', '/api/v1/namespaces/default/pods?limit=3');
  t.same(
    (page1.body.items as Json[]).map((p) => p.metadata.name),
    ['p0', 'p1', 'p2'],
  );
  t.equal(page1.body.metadata.remainingItemCount, 4);
  await call('POST', '/api/v1/namespaces/default/pods', pod('p7'));
  const page2 = await call(
    'GET',
    `/api/v1/namespaces/default/pods?limit=3&continue=${page1.body.metadata.continue as string}`,
  );
  t.same(
    (page2.body.items as Json[]).map((p) => p.metadata.name),
    ['p3', 'p4', 'p5'],
  );
  t.equal(
    page2.body.metadata.resourceVersion,
    page1.body.metadata.resourceVersion,
    'every page is at the first page revision',
  );
  const page3 = await call(
    'GET',
    `/api/v1/namespaces/default/pods?limit=3&continue=${page2.body.metadata.continue as string}`,
  );
  t.same(
    (page3.body.items as Json[]).map((p) => p.metadata.name),
    ['p6'],
    'p7 came later',
  );
  t.equal(page3.body.metadata.continue, undefined);

  const even = await call('GET', '/api/v1/namespaces/default/pods?labelSelector=parity%3Deven&limit=2');
  t.same(
    (even.body.items as Json[]).map((p) => p.metadata.name),
    ['p0', 'p2'],
  );
  const rest = await call(
    'GET',
    `/api/v1/namespaces/default/pods?labelSelector=parity%3Deven&limit=2&continue=${even.body.metadata.continue as string}`,
  );
  t.same(
    (rest.body.items as Json[]).map((p) => p.metadata.name),
    ['p4', 'p6'],
  );
  const byName = await call('GET', '/api/v1/pods?fieldSelector=metadata.name%3Dp3');
  t.same(
    (byName.body.items as Json[]).map((p) => p.metadata.name),
    ['p3'],
  );
  const badField = await call('GET', '/api/v1/pods?fieldSelector=spec.nothing%3Dx');
  t.equal(badField.status, 400);
  t.match(badField.body.message, /field label not supported: spec.nothing/);
  const badLabel = await call('GET', '/api/v1/pods?labelSelector=a%20in%20');
  t.equal(badLabel.status, 400);

  const cached = await call('GET', '/api/v1/namespaces/default/pods?resourceVersion=0');
  t.equal((cached.body.items as Json[]).length, 8);
  const notOlder = await call(
    'GET',
    `/api/v1/namespaces/default/pods?resourceVersion=${page1.body.metadata.resourceVersion as string}`,
  );
  t.ok(Number(notOlder.body.metadata.resourceVersion) >= Number(page1.body.metadata.resourceVersion));
  const exact = await call(
    'GET',
    `/api/v1/namespaces/default/pods?resourceVersion=${page1.body.metadata.resourceVersion as string}&resourceVersionMatch=Exact`,
  );
  t.equal((exact.body.items as Json[]).length, 7, 'Exact reads the store at that revision');
});

t.test('Table output for kubectl get, and discovery in both forms', async (t) => {
  const { call } = await setup(t);
  await call('POST', '/api/v1/namespaces/default/pods', pod('a', { metadata: { labels: { run: 'a' } } }));
  const table = await call('GET', '/api/v1/namespaces/default/pods?limit=500', undefined, {
    Accept:
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  });
  t.equal(table.headers.get('content-type'), 'application/json;as=Table;v=v1;g=meta.k8s.io');
  t.equal(table.body.kind, 'Table');
  t.same(
    (table.body.columnDefinitions as Json[]).slice(0, 5).map((c) => c.name),
    ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
  );
  t.match((table.body.rows as Json[])[0], {
    cells: ['a', '0/1', 'Pending', '0'],
    object: { kind: 'PartialObjectMetadata', metadata: { labels: { run: 'a' } } },
  });

  const legacy = await call('GET', '/api');
  t.equal(legacy.body.kind, 'APIVersions');
  const v2 = await call('GET', '/apis', undefined, {
    Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
  });
  t.equal(v2.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const apps = (v2.body.items as Json[]).find((g) => g.metadata.name === 'apps');
  const deployments = (apps?.versions[0].resources as Json[]).find((r) => r.resource === 'deployments');
  t.match(deployments, { shortNames: ['deploy'], categories: ['all'], scope: 'Namespaced' });
  const beta = await call('GET', '/api', undefined, {
    Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  });
  t.equal(beta.body.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  const core = await call('GET', '/api/v1');
  const pods = (core.body.resources as Json[]).find((r) => r.name === 'pods');
  t.match(pods, { shortNames: ['po'], categories: ['all'], namespaced: true, kind: 'Pod' });
  t.ok((core.body.resources as Json[]).some((r) => r.name === 'pods/status'));
  const version = await call('GET', '/version');
  t.match(version.body, { major: '1', minor: '32' });
  const openapi = await call('GET', '/openapi/v3');
  const url = openapi.body.paths['apis/apps/v1'].serverRelativeURL as string;
  const doc = await call('GET', url);
  const patchOp = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  t.match(patchOp['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  t.ok((patchOp.parameters as Json[]).some((p) => p.name === 'fieldValidation'));
  for (const path of ['/healthz', '/livez', '/readyz']) t.same((await call('GET', path)).body, { text: 'ok' }, path);
});

t.test('patches, status and scale subresources, dry runs and generation', async (t) => {
  const { call } = await setup(t);
  const deploy = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: { containers: [{ name: 'c', image: 'nginx:1', ports: [{ containerPort: 80 }] }] },
      },
    },
    status: { replicas: 9 },
  };
  const created = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deploy);
  t.equal(created.status, 201);
  t.same(created.body.status, {}, 'status is reset on create');
  t.equal(created.body.metadata.generation, 1);
  t.equal(created.body.spec.replicas, 1, 'defaults applied');
  const smp = await call(
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/d',
    {
      spec: {
        template: {
          spec: { '$setElementOrder/containers': [{ name: 'c' }], containers: [{ name: 'c', image: 'nginx:2' }] },
        },
      },
    },
    { 'Content-Type': 'application/strategic-merge-patch+json' },
  );
  t.equal(smp.status, 200);
  t.same(smp.body.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }], 'merged by name');
  t.equal(smp.body.metadata.generation, 2);
  const status = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/d/status', {
    ...smp.body,
    status: { replicas: 1 },
    spec: { ...smp.body.spec, replicas: 7 },
  });
  t.equal(status.status, 200);
  t.equal(status.body.status.replicas, 1);
  t.equal(status.body.spec.replicas, 1, 'a status write does not change the spec');
  t.equal(status.body.metadata.generation, 2);
  const scale = await call('GET', '/apis/apps/v1/namespaces/default/deployments/d/scale');
  t.match(scale.body, {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    spec: { replicas: 1 },
    status: { replicas: 1, selector: 'app=d' },
  });
  const scaled = await call(
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/d/scale',
    { spec: { replicas: 3 } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  t.equal(scaled.body.kind, 'Scale');
  t.equal(scaled.body.spec.replicas, 3);
  const json = await call(
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/d',
    [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ],
    {
      'Content-Type': 'application/json-patch+json',
    },
  );
  t.equal(json.body.spec.replicas, 5);
  const pinned = await call(
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/d',
    { metadata: { resourceVersion: '1' }, spec: { replicas: 6 } },
    {
      'Content-Type': 'application/merge-patch+json',
    },
  );
  t.equal(pinned.status, 409, 'a patch carrying a stale resourceVersion conflicts');
  const dry = await call(
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/d?dryRun=All',
    { spec: { replicas: 9 } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  t.equal(dry.body.spec.replicas, 9);
  t.equal(
    (await call('GET', '/apis/apps/v1/namespaces/default/deployments/d')).body.spec.replicas,
    5,
    'a dry run writes nothing',
  );
  const applied = await call(
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/fresh?fieldManager=me',
    { ...deploy, metadata: { name: 'fresh' }, status: undefined },
    { 'Content-Type': 'application/apply-patch+yaml' },
  );
  t.equal(applied.status, 201, 'apply creates a missing object');
  const noManager = await call(
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/fresh',
    { ...deploy, metadata: { name: 'fresh' } },
    { 'Content-Type': 'application/apply-patch+yaml' },
  );
  t.equal(noManager.status, 400);
});

t.test('deletion: finalizers, graceful pods, preconditions, binding', async (t) => {
  const { call } = await setup(t);
  await call('POST', '/api/v1/namespaces/default/configmaps', {
    metadata: { name: 'f', finalizers: ['example.com/hold'] },
  });
  const marked = await call('DELETE', '/api/v1/namespaces/default/configmaps/f', { propagationPolicy: 'Background' });
  t.equal(marked.status, 200);
  t.ok(marked.body.metadata.deletionTimestamp, 'marked, not removed');
  t.equal((await call('GET', '/api/v1/namespaces/default/configmaps/f')).status, 200);
  const released = await call(
    'PATCH',
    '/api/v1/namespaces/default/configmaps/f',
    { metadata: { finalizers: null } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  t.equal(released.status, 200);
  t.equal((await call('GET', '/api/v1/namespaces/default/configmaps/f')).status, 404, 'gone with its last finalizer');

  await call('POST', '/api/v1/namespaces/default/pods', pod('bound'));
  const bind = await call('POST', '/api/v1/namespaces/default/pods/bound/binding', {
    metadata: { name: 'bound' },
    target: { kind: 'Node', name: 'n1' },
  });
  t.equal(bind.status, 201);
  const again = await call('POST', '/api/v1/namespaces/default/pods/bound/binding', {
    metadata: { name: 'bound' },
    target: { kind: 'Node', name: 'n2' },
  });
  t.equal(again.status, 409);
  const got = await call('GET', '/api/v1/namespaces/default/pods/bound');
  t.equal(got.body.spec.nodeName, 'n1');
  t.match(got.body.status.conditions, [{ type: 'PodScheduled', status: 'True' }]);
  const graceful = await call('DELETE', '/api/v1/namespaces/default/pods/bound', {});
  t.equal(graceful.body.metadata.deletionGracePeriodSeconds, 30);
  t.equal((await call('GET', '/api/v1/namespaces/default/pods/bound')).status, 200, 'a bound pod waits for its node');
  const wrongUid = await call('DELETE', '/api/v1/namespaces/default/pods/bound', {
    gracePeriodSeconds: 0,
    preconditions: { uid: 'nope' },
  });
  t.equal(wrongUid.status, 409);
  const now = await call('DELETE', '/api/v1/namespaces/default/pods/bound', { gracePeriodSeconds: 0 });
  t.equal(now.status, 200);
  t.equal((await call('GET', '/api/v1/namespaces/default/pods/bound')).status, 404);
  await call('POST', '/api/v1/namespaces/default/pods', pod('unbound'));
  await call('DELETE', '/api/v1/namespaces/default/pods/unbound?dryRun=All');
  t.equal((await call('GET', '/api/v1/namespaces/default/pods/unbound')).status, 200, 'dry-run delete keeps it');
  await call('DELETE', '/api/v1/namespaces/default/pods/unbound', { dryRun: ['All'] });
  t.equal((await call('GET', '/api/v1/namespaces/default/pods/unbound')).status, 200, 'dryRun in the body too');
  await call('DELETE', '/api/v1/namespaces/default/pods/unbound', {});
  t.equal(
    (await call('GET', '/api/v1/namespaces/default/pods/unbound')).status,
    404,
    'an unscheduled pod goes at once',
  );
});

/** Reads a chunked watch until `n` events or the timeout. */
function watchLines(url: string, n: number, timeoutMs = 5000): Promise<{ status: number; events: Json[] }> {
  return new Promise((resolve, reject) => {
    const events: Json[] = [];
    let buffer = '';
    const req = request(url, (res) => {
      const finish = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, events });
      };
      const timer = setTimeout(finish, timeoutMs);
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let i;
        while ((i = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, i)) as Json);
          buffer = buffer.slice(i + 1);
          if (events.length >= n) finish();
        }
      });
      res.on('end', finish);
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('watch: from a list revision, filtered, bookmarks, and 410 for a compacted history', async (t) => {
  const { server, call } = await setup(t, { watch: { historySize: 5, bookmarkIntervalMs: 100 } });
  const list = await call('GET', '/api/v1/namespaces/default/pods');
  const rv = list.body.metadata.resourceVersion as string;
  const pending = watchLines(
    `${server.url}/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dw2`,
    2,
  );
  await new Promise((r) => setTimeout(r, 100));
  await call('POST', '/api/v1/namespaces/default/pods', pod('w1'));
  await call('POST', '/api/v1/namespaces/default/pods', pod('w2'));
  await call('DELETE', '/api/v1/namespaces/default/pods/w2', {});
  const got = await pending;
  t.equal(got.status, 200);
  t.same(
    got.events.map((e) => `${e.type as string} ${e.object.metadata.name as string}`),
    ['ADDED w2', 'DELETED w2'],
  );

  const initial = await watchLines(`${server.url}/api/v1/namespaces/default/pods?watch=true&resourceVersion=0`, 1);
  t.same(
    initial.events.map((e) => `${e.type as string} ${e.object.metadata.name as string}`),
    ['ADDED w1'],
  );

  const bookmarks = await watchLines(
    `${server.url}/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dnone`,
    1,
    3000,
  );
  t.equal(bookmarks.events[0]?.type, 'BOOKMARK');

  for (let i = 0; i < 8; i++)
    await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` } });
  const expired = await watchLines(
    `${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`,
    1,
  );
  t.equal(expired.events[0]?.type, 'ERROR');
  t.match(expired.events[0]?.object, { kind: 'Status', code: 410, reason: 'Expired' });

  const timed = await watchLines(
    `${server.url}/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dnone`,
    99,
    5000,
  );
  t.equal(timed.events.length, 0, 'the stream ended cleanly at timeoutSeconds');

  const ws = new WebSocket(
    `${server.url.replace('http', 'ws')}/api/v1/namespaces/default/pods?watch=true&resourceVersion=0`,
  );
  const message = await new Promise<Json>((resolve, reject) => {
    ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as Json));
    ws.once('error', reject);
  });
  ws.close();
  t.equal(message.type, 'ADDED', 'watch over a WebSocket');
});

t.test('overload answers 429 with Retry-After; metrics count requests', async (t) => {
  const { call } = await setup(t, { maxInFlight: { readOnly: 0, mutating: 10 } });
  const refused = await call('GET', '/api/v1/pods');
  t.equal(refused.status, 429);
  t.equal(refused.headers.get('retry-after'), '1');
  const metrics = await call('GET', '/metrics');
  t.match(metrics.body.text, /apiserver_request_total\{verb="LIST",resource="pods",subresource="",code="429"\} 1/);
  t.match(metrics.body.text, /apiserver_storage_request_duration_seconds_bucket/);
});

t.test('a restart on the same store finds its bootstrap objects and serves them', async (t) => {
  const { store, close } = await tempStore();
  t.teardown(close);
  const first = await ApiServer.start({ kv: store, port: 0, compactionIntervalMs: 0 });
  await first.stop();
  const second = await ApiServer.start({ kv: store, port: 0, compactionIntervalMs: 0 });
  t.teardown(() => second.stop());
  const svc = (await (await fetch(`${second.url}/api/v1/namespaces/default/services/kubernetes`)).json()) as Json;
  t.equal(svc.spec.clusterIP, '10.96.0.1');
});
