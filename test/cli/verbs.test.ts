/** Each `bosun` verb against a real `bosun server`, run in-process with runCli; tables compared with kubectl's. */
/* eslint-disable @typescript-eslint/no-explicit-any -- the stored objects are read as loose JSON */
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@bosun/cli';
import { Cluster, findKubectls } from '../kubectl/harness.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

t.test('bosun verbs against a real server', async (t) => {
  const cluster = await Cluster.start();
  const dir = mkdtempSync(join(tmpdir(), 'bosun-cli-verbs-'));
  t.teardown(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const bosun = async (...argv: string[]): Promise<Run> => {
    let out = '';
    let err = '';
    const code = await runCli([...argv, '--kubeconfig', cluster.kubeconfig], {
      out: (s) => (out += s),
      err: (s) => (err += s),
    });
    return { code, out, err };
  };
  const stored = async (path: string) => (await cluster.api<Record<string, any>>(path)).body;

  await t.test('run, get, get -o yaml|json|name, errors', async (t) => {
    t.same(await bosun('run', 'nginx', '--image', 'nginx:1.25', '--port', '80', '--env', 'A=1'), {
      code: 0,
      out: 'pod/nginx created\n',
      err: '',
    });
    const pod = await stored('/api/v1/namespaces/default/pods/nginx');
    t.match(pod, {
      metadata: { labels: { run: 'nginx' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
        ],
        restartPolicy: 'Always',
      },
    });
    const get = await bosun('get', 'pods');
    t.equal(get.code, 0);
    t.match(get.out, /^NAME {4}READY {3}STATUS {4}RESTARTS {3}AGE\nnginx {3}0\/1 {5}Pending {3}0 {10}\d+s\n$/);
    t.match((await bosun('get', 'pod/nginx', '-o', 'yaml')).out, /^apiVersion: v1\nkind: Pod\n/);
    t.equal(JSON.parse((await bosun('get', 'po', '-o', 'json')).out).kind, 'List');
    t.equal((await bosun('get', 'po', '-o', 'name')).out, 'pod/nginx\n');
    t.same(await bosun('get', 'po', 'nope'), {
      code: 1,
      out: '',
      err: 'Error from server (NotFound): pods "nope" not found\n',
    });
    t.same(await bosun('get', 'deploy'), { code: 0, out: '', err: 'No resources found in default namespace.\n' });
    t.equal((await bosun('get', 'widgets')).err, 'error: the server doesn\'t have a resource type "widgets"\n');
    t.match(
      (await bosun('get', 'po', '-A', '--show-labels')).out,
      /^NAMESPACE {3}NAME .* LABELS\ndefault {5}nginx .* run=nginx\n$/,
    );
    t.same(await bosun('run', 'dry', '--image', 'x', '--dry-run=server'), {
      code: 0,
      out: 'pod/dry created (server dry run)\n',
      err: '',
    });
    t.equal((await cluster.api('/api/v1/namespaces/default/pods/dry')).status, 404);
  });

  await t.test('create, scale, expose, set image, label, annotate', async (t) => {
    t.equal(
      (await bosun('create', 'deployment', 'web', '--image', 'nginx:1', '--replicas', '2', '--port', '80')).out,
      'deployment.apps/web created\n',
    );
    t.match(await stored('/apis/apps/v1/namespaces/default/deployments/web'), {
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } },
      },
    });
    t.equal((await bosun('create', 'namespace', 'team')).out, 'namespace/team created\n');
    t.equal(
      (await bosun('create', 'configmap', 'cfg', '--from-literal', 'a=1', '-n', 'team')).out,
      'configmap/cfg created\n',
    );
    t.same((await stored('/api/v1/namespaces/team/configmaps/cfg')).data, { a: '1' });
    const file = join(dir, 'key.txt');
    writeFileSync(file, 'secret-bytes');
    t.equal(
      (await bosun('create', 'secret', 'generic', 's', '--from-literal', 'u=admin', '--from-file', file)).out,
      'secret/s created\n',
    );
    t.same((await stored('/api/v1/namespaces/default/secrets/s')).data, {
      u: Buffer.from('admin').toString('base64'),
      'key.txt': Buffer.from('secret-bytes').toString('base64'),
    });
    t.equal(
      (await bosun('create', 'namespace', 'team')).err,
      'Error from server (AlreadyExists): namespaces "team" already exists\n',
    );

    t.equal((await bosun('scale', 'deploy/web', '--replicas', '3')).out, 'deployment.apps/web scaled\n');
    t.equal((await stored('/apis/apps/v1/namespaces/default/deployments/web')).spec.replicas, 3);
    t.same(await bosun('scale', 'deployment', 'web', '--replicas', '5', '--current-replicas', '1'), {
      code: 1,
      out: '',
      err: 'error: Expected replicas to be 1, was 3\n',
    });
    t.equal((await bosun('scale', 'deployment', 'web', '--replicas', '5', '--current-replicas', '3')).code, 0);

    t.equal(
      (await bosun('expose', 'deployment', 'web', '--port', '8080', '--target-port', '80', '--type', 'NodePort')).out,
      'service/web exposed\n',
    );
    t.match(await stored('/api/v1/namespaces/default/services/web'), {
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80 }] },
    });
    t.equal((await bosun('expose', 'pod/nginx', '--name', 'nginx-svc')).out, 'service/nginx-svc exposed\n');
    t.match(await stored('/api/v1/namespaces/default/services/nginx-svc'), {
      spec: { selector: { run: 'nginx' }, ports: [{ port: 80 }] },
    });

    t.equal((await bosun('set', 'image', 'deploy/web', 'nginx=nginx:2')).out, 'deployment.apps/web image updated\n');
    t.equal(
      (await stored('/apis/apps/v1/namespaces/default/deployments/web')).spec.template.spec.containers[0].image,
      'nginx:2',
    );
    t.equal(
      (await bosun('set', 'image', 'deploy/web', 'nope=x')).err,
      'error: unable to find container named "nope"\n',
    );

    t.equal((await bosun('label', 'pods', 'nginx', 'tier=web')).out, 'pod/nginx labeled\n');
    t.same(await bosun('label', 'pod/nginx', 'tier=db'), {
      code: 1,
      out: '',
      err: "error: 'tier' already has a value (web), and --overwrite is false\n",
    });
    t.equal((await bosun('label', 'pod/nginx', 'tier=db', '--overwrite')).out, 'pod/nginx labeled\n');
    t.equal((await bosun('label', 'pod/nginx', 'tier-')).out, 'pod/nginx labeled\n');
    t.same((await stored('/api/v1/namespaces/default/pods/nginx')).metadata.labels, { run: 'nginx' });
    t.equal((await bosun('annotate', 'deploy', 'web', 'owner=me')).out, 'deployment.apps/web annotated\n');
    t.equal((await stored('/apis/apps/v1/namespaces/default/deployments/web')).metadata.annotations.owner, 'me');
  });

  await t.test('get matches kubectl get (except AGE)', async (t) => {
    const kubectls = [...findKubectls().values()];
    const k = kubectls[kubectls.length - 1];
    if (k === undefined) {
      t.skip('no kubectl on this machine');
      return;
    }
    const dropAge = (text: string) => text.replace(/\b\d+(s|m\d*s?|h|d)\b/g, 'AGE');
    for (const args of [
      ['pods'],
      ['deploy', '-o', 'wide'],
      ['svc', '-A'],
      ['ns', '--show-labels'],
      ['all'],
      ['pods,svc'],
      ['cm', '-n', 'team'],
    ]) {
      const mine = await bosun('get', ...args);
      const theirs = await cluster.kubectl(k, ['get', ...args]);
      t.equal(dropAge(mine.out), dropAge(theirs.stdout), `get ${args.join(' ')}`);
      t.equal(mine.err, theirs.stderr, `stderr of get ${args.join(' ')}`);
    }
  });

  await t.test('apply: create, unchanged, configured (3-way), server-side, stdin, directory', async (t) => {
    const manifest = (image: string, extra = '') =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  labels:\n    a: "1"${extra}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n      - name: main\n        image: ${image}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  k: v\n`;
    const file = join(dir, 'app.yaml');
    writeFileSync(file, manifest('busybox:1', '\n    b: "2"'));
    t.same(await bosun('apply', '-f', file), {
      code: 0,
      out: 'deployment.apps/app created\nconfigmap/app-config created\n',
      err: '',
    });
    t.same((await bosun('apply', '-f', file)).out, 'deployment.apps/app unchanged\nconfigmap/app-config unchanged\n');
    writeFileSync(file, manifest('busybox:2'));
    t.same((await bosun('apply', '-f', dir)).out, 'deployment.apps/app configured\nconfigmap/app-config unchanged\n');
    const app = await stored('/apis/apps/v1/namespaces/default/deployments/app');
    t.same(app.metadata.labels, { a: '1' }, 'label b removed since the last applied configuration');
    t.equal(app.spec.template.spec.containers[0].image, 'busybox:2');
    t.match(app.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], /busybox:2/);
    t.same(
      (await bosun('apply', '-f', file, '--server-side', '--force-conflicts')).out,
      'deployment.apps/app serverside-applied\nconfigmap/app-config serverside-applied\n',
    );
    const bad = await bosun('apply', '-f', join(dir, 'missing.yaml'));
    t.equal(bad.code, 1);
    t.match(bad.err, /^error: error parsing .*missing.yaml: the path ".*" does not exist\n$/);
  });

  await t.test('rollout: history, undo, restart, pause, resume, status', async (t) => {
    const dep = await stored('/apis/apps/v1/namespaces/default/deployments/web');
    const rs = (revision: string, image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-${revision}`,
        labels: { app: 'web', 'pod-template-hash': revision },
        annotations: { 'deployment.kubernetes.io/revision': revision },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: dep.metadata.uid, controller: true },
        ],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': revision } },
        template: {
          metadata: { labels: { app: 'web', 'pod-template-hash': revision } },
          spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
        },
      },
    });
    for (const [rev, image] of [
      ['1', 'nginx:1'],
      ['2', 'nginx:2'],
    ] as const) {
      const r = await cluster.api('/apis/apps/v1/namespaces/default/replicasets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rs(rev, image)),
      });
      t.equal(r.status, 201);
    }
    t.equal(
      (await bosun('rollout', 'history', 'deployment/web')).out,
      'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n',
    );
    t.equal((await bosun('rollout', 'undo', 'deployment/web')).out, 'deployment.apps/web rolled back\n');
    t.equal(
      (await stored('/apis/apps/v1/namespaces/default/deployments/web')).spec.template.spec.containers[0].image,
      'nginx:1',
    );
    t.equal(
      (await bosun('rollout', 'undo', 'deploy/web', '--to-revision', '9')).err,
      'error: unable to find specified revision 9 in history\n',
    );
    t.equal((await bosun('rollout', 'restart', 'deploy/web')).out, 'deployment.apps/web restarted\n');
    t.match((await stored('/apis/apps/v1/namespaces/default/deployments/web')).spec.template.metadata.annotations, {
      'kubectl.kubernetes.io/restartedAt': /^\d{4}-/,
    });
    t.equal((await bosun('rollout', 'pause', 'deploy/web')).out, 'deployment.apps/web paused\n');
    t.equal((await bosun('rollout', 'pause', 'deploy/web')).err, 'error: deployments.apps "web" is already paused\n');
    t.equal((await bosun('rollout', 'resume', 'deploy/web')).out, 'deployment.apps/web resumed\n');
    const status = await bosun('rollout', 'status', 'deploy/web', '--watch=false');
    t.equal(status.code, 0);
    t.match(status.out, /^Waiting for deployment/);
    const timeout = await bosun('rollout', 'status', 'deploy/web', '--timeout', '1s');
    t.equal(timeout.code, 1);
    t.match(timeout.err, /timed out waiting for deployment "web" rollout to finish/);
  });

  await t.test('describe, logs, config', async (t) => {
    const d = await bosun('describe', 'pod', 'nginx');
    t.match(d.out, /^Name: +nginx\nNamespace: +default\n/);
    t.match(d.out, /Events: {2}<none>\n$/);
    t.match((await bosun('describe', 'deploy/web')).out, /Replicas: +5 desired/);
    t.same(await bosun('describe', 'pod', 'nope'), {
      code: 1,
      out: '',
      err: 'Error from server (NotFound): pods "nope" not found\n',
    });
    const logs = await bosun('logs', 'nginx');
    t.equal(logs.code, 1);
    t.match(logs.err, /^Error from server \(ServiceUnavailable\): [^\n]+\n$/);
    const view = await bosun('config', 'view');
    t.match(view.out, /current-context: bosun\n/);
    t.equal((await bosun('config', 'use-context', 'nope')).err, 'error: no context exists with the name: "nope"\n');
    t.equal((await bosun('config', 'use-context', 'bosun')).out, 'Switched to context "bosun".\n');
  });

  await t.test('delete: by name, TYPE/NAME, -l, --all, -f, waits', async (t) => {
    t.equal((await bosun('delete', 'pod', 'nginx', '--grace-period', '0')).out, 'pod "nginx" deleted\n');
    t.equal((await cluster.api('/api/v1/namespaces/default/pods/nginx')).status, 404);
    t.equal(
      (await bosun('delete', 'svc/web', 'svc/nginx-svc')).out,
      'service "web" deleted\nservice "nginx-svc" deleted\n',
    );
    t.same(await bosun('delete', 'pod', 'nginx'), {
      code: 1,
      out: '',
      err: 'Error from server (NotFound): pods "nginx" not found\n',
    });
    t.equal((await bosun('delete', 'cm', '--all', '-n', 'team', '--wait=false')).out, 'configmap "cfg" deleted\n');
    t.equal(
      (await bosun('delete', '-f', join(dir, 'app.yaml'))).out,
      'deployment.apps "app" deleted\nconfigmap "app-config" deleted\n',
    );
    t.equal((await bosun('delete', 'secret', '-l', 'none=here')).err, 'No resources found in default namespace.\n');
  });
});
