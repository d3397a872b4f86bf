import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import t from 'tap';
import { OPENAPI_V2_PROTOBUF_CONTENT_TYPE, encodeOpenApiV2 } from './openapi-v2.js';

/** A bundled kubectl minor (`kubectl.1.27`) from the PATH or from the Google Cloud SDK directory. */
function findKubectl(binary: string): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const dir of dirs) {
    const direct = join(dir, binary);
    if (existsSync(direct)) return direct;
    const kubectl = join(dir, 'kubectl');
    if (existsSync(kubectl)) {
      const bundled = join(dirname(realpathSync(kubectl)), binary);
      if (existsSync(bundled)) return bundled;
    }
  }
  return undefined;
}

const verbs = ['create', 'get', 'list', 'patch', 'update'];

const discovery: Record<string, object> = {
  '/api': { kind: 'APIVersions', versions: ['v1'] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      {
        name: 'apps',
        versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
      },
    ],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'v1',
    resources: [{ name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs }],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'apps/v1',
    resources: [{ name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs }],
  },
};

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: "nginx:1.25"}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
`;

const document = encodeOpenApiV2({
  title: 'Kubernetes',
  version: 'v1.32.0',
  paths: [
    {
      path: '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
      gvk: { group: 'apps', version: 'v1', kind: 'Deployment' },
    },
    { path: '/api/v1/namespaces/{namespace}/configmaps/{name}', gvk: { group: '', version: 'v1', kind: 'ConfigMap' } },
  ],
});

interface Outcome {
  exitError: string | undefined;
  /** `<path>?<query>` of each POST. */
  posts: string[];
}

/** Runs `kubectl create -f` (dry run) against a stub server whose /openapi/v2 answer is `openapi`. */
async function createWithOpenApi(
  kubectl: string,
  openapi: { contentType: string; body: Uint8Array } | undefined,
): Promise<Outcome> {
  const work = mkdtempSync(join(tmpdir(), 'bosun-openapi-v2-'));
  const posts: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    req.resume();
    req.on('end', () => {
      const doc = discovery[path];
      if (req.method === 'GET' && doc !== undefined) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(doc));
      } else if (req.method === 'GET' && path === '/openapi/v2' && openapi !== undefined) {
        res.writeHead(200, { 'Content-Type': openapi.contentType });
        res.end(openapi.body);
      } else if (req.method === 'POST') {
        posts.push(url);
        const [apiVersion, kind] = path.includes('/deployments') ? ['apps/v1', 'Deployment'] : ['v1', 'ConfigMap'];
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ apiVersion, kind, metadata: { name: 'x', namespace: 'default' } }));
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `clusters: [{name: local, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: local, user: {}}]
contexts: [{name: local, context: {cluster: local, user: local, namespace: default}}]
current-context: local
`,
  );
  writeFileSync(join(work, 'objects.yaml'), manifest);
  const args = ['create', '-f', join(work, 'objects.yaml'), '--dry-run=server', `--kubeconfig=${kubeconfig}`];
  args.push(`--cache-dir=${join(work, 'cache')}`);
  try {
    const exitError = await new Promise<string | undefined>((done) => {
      execFile(kubectl, args, { timeout: 60_000 }, (error, _stdout, stderr) => {
        done(error === null ? undefined : stderr || error.message);
      });
    });
    return { exitError, posts: posts.sort() };
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

for (const binary of ['kubectl.1.27', 'kubectl.1.28']) {
  const kubectl = findKubectl(binary);
  const skip = kubectl === undefined ? `${binary} is not installed` : false;

  t.test(
    `${binary} create -f accepts the protobuf document and leaves validation to the server`,
    { skip },
    async (t) => {
      if (kubectl === undefined) return;
      const ok = await createWithOpenApi(kubectl, { contentType: OPENAPI_V2_PROTOBUF_CONTENT_TYPE, body: document });
      t.equal(ok.exitError, undefined, 'kubectl exits 0');
      // fieldValidation=Strict: kubectl found the PATCH operation with the parameter for both kinds
      // (apps and the core group) and left schema validation to the server.
      t.strictSame(ok.posts, [
        '/api/v1/namespaces/default/configmaps?dryRun=All&fieldManager=kubectl-create&fieldValidation=Strict',
        '/apis/apps/v1/namespaces/default/deployments?dryRun=All&fieldManager=kubectl-create&fieldValidation=Strict',
      ]);
    },
  );

  t.test(`${binary} create -f fails without the document (control)`, { skip }, async (t) => {
    if (kubectl === undefined) return;
    const missing = await createWithOpenApi(kubectl, undefined);
    t.match(missing.exitError, /could not find the requested resource/);
    t.strictSame(missing.posts, []);
    const asJson = await createWithOpenApi(kubectl, { contentType: 'application/json', body: Buffer.from('{}') });
    t.not(asJson.exitError, undefined, 'a JSON document is not accepted');
    t.strictSame(asJson.posts, []);
  });
}
