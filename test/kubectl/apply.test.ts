// Declarative and editing flows with the real kubectl: apply (client- and server-side),
// create -f, replace -f, edit, patch of each type, delete -f, dry runs, and get -w.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Cluster, eventually, findKubectls } from './harness.js';
import type { Kubectl } from './harness.js';

const kubectls = findKubectls();
const wanted = [32, 27, 33, 20].filter((v) => kubectls.has(v));

const deployment = (ns: string, image: string, replicas: number, ports: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: ${image}
${ports ? '        ports:\n        - containerPort: 80\n' : ''}        env:
        - name: MODE
          value: prod
`;

if (kubectls.size === 0) {
  t.skip('no kubectl on this machine');
} else {
  t.test('against one bosun server', async (t) => {
    const cluster = await Cluster.start();
    t.teardown(() => cluster.stop());
    for (const minor of wanted) {
      const k = kubectls.get(minor) as Kubectl;
      await t.test(`kubectl 1.${minor}: apply, create -f, replace -f, edit, patch, delete -f, get -w`, async (t) => {
        const ns = `apply-1-${minor}`;
        const file = (name: string, text: string) => {
          const path = join(cluster.dir, `${ns}-${name}`);
          writeFileSync(path, text);
          return path;
        };
        const run = async (args: string[], env?: Record<string, string>) => {
          const r = await cluster.kubectl(k, args, env === undefined ? {} : { env });
          if (r.code !== 0) t.comment(`kubectl ${args.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}`);
          return r;
        };
        const ok = async (args: string[], expect: RegExp, env?: Record<string, string>) => {
          const r = await run(args, env);
          t.equal(r.code, 0, `kubectl ${args.join(' ')} exits 0`);
          t.match(r.stdout, expect, `kubectl ${args.join(' ')} prints ${expect}`);
          return r;
        };
        type Deploy = {
          metadata: {
            annotations?: Record<string, string>;
            labels?: Record<string, string>;
            managedFields?: { manager: string; operation: string }[];
          };
          spec: {
            replicas: number;
            template: { spec: { containers: { name: string; image: string; ports?: unknown[]; env?: unknown[] }[] } };
          };
        };
        const getDeploy = async () =>
          (await cluster.api<Deploy>(`/apis/apps/v1/namespaces/${ns}/deployments/web`)).body;

        await ok(['create', 'namespace', ns], /created/);

        const v1 = file('deploy-v1.yaml', deployment(ns, 'nginx:1.24', 1, true));
        await ok(['apply', '-f', v1], /deployment.apps\/web created/);
        t.match(
          (await getDeploy()).metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '',
          /"image":"nginx:1.24"/,
        );
        await ok(['apply', '-f', v1], /deployment.apps\/web unchanged/);
        const v2 = file('deploy-v2.yaml', deployment(ns, 'nginx:1.25', 3, false));
        await ok(['apply', '-f', v2], /deployment.apps\/web configured/);
        let d = await getDeploy();
        t.equal(d.spec.replicas, 3);
        t.equal(d.spec.template.spec.containers.length, 1);
        t.equal(d.spec.template.spec.containers[0]?.image, 'nginx:1.25');
        t.equal(d.spec.template.spec.containers[0]?.ports, undefined, 'the 3-way patch removed the ports');
        t.same(d.spec.template.spec.containers[0]?.env, [{ name: 'MODE', value: 'prod' }]);

        await ok(
          ['patch', 'deployment', 'web', '-n', ns, '-p', '{"spec":{"replicas":2}}'],
          /deployment.apps\/web patched/,
        );
        await ok(
          ['patch', 'deployment', 'web', '-n', ns, '--type=merge', '-p', '{"metadata":{"labels":{"tier":"front"}}}'],
          /patched/,
        );
        await ok(
          [
            'patch',
            'deployment',
            'web',
            '-n',
            ns,
            '--type=json',
            '-p',
            '[{"op":"replace","path":"/spec/replicas","value":4}]',
          ],
          /patched/,
        );
        d = await getDeploy();
        t.equal(d.spec.replicas, 4);
        t.equal(d.metadata.labels?.tier, 'front');
        const badJson = await run([
          'patch',
          'deployment',
          'web',
          '-n',
          ns,
          '--type=json',
          '-p',
          '[{"op":"remove","path":"/spec/nothere"}]',
        ]);
        t.not(badJson.code, 0, 'a JSON patch that cannot apply fails');

        const svc = file(
          'svc.yaml',
          `apiVersion: v1\nkind: Service\nmetadata:\n  name: ssa\n  namespace: ${ns}\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 8080\n`,
        );
        await ok(['apply', '--server-side', '-f', svc], /service\/ssa serverside-applied/);
        const ssa = (await cluster.api<Deploy>(`/api/v1/namespaces/${ns}/services/ssa`)).body;
        t.ok(
          ssa.metadata.managedFields?.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'),
          'managedFields record the apply',
        );
        await ok(['apply', '--server-side', '-f', svc], /serverside-applied/);

        const cm = file(
          'cm.yaml',
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ${ns}\ndata:\n  color: blue\n`,
        );
        await ok(['create', '-f', cm], /configmap\/cfg created/);
        const again = await run(['create', '-f', cm]);
        t.equal(again.code, 1);
        t.match(again.stderr, /AlreadyExists/);
        const cm2 = file(
          'cm2.yaml',
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ${ns}\ndata:\n  color: green\n`,
        );
        await ok(['replace', '-f', cm2], /configmap\/cfg replaced/);
        const editor = join(cluster.dir, `${ns}-editor.sh`);
        writeFileSync(editor, '#!/bin/sh\nsed -i "s/color: green/color: red/" "$1"\n');
        chmodSync(editor, 0o755);
        await ok(['edit', 'configmap', 'cfg', '-n', ns], /configmap\/cfg edited/, {
          KUBE_EDITOR: editor,
          EDITOR: editor,
        });
        const edited = (await cluster.api<{ data: Record<string, string> }>(`/api/v1/namespaces/${ns}/configmaps/cfg`))
          .body;
        t.same(edited.data, { color: 'red' });

        await ok(
          ['run', 'dry', '--image=busybox', '--dry-run=server', '-n', ns],
          /pod\/dry created \(server dry run\)/,
        );
        t.equal((await cluster.api(`/api/v1/namespaces/${ns}/pods/dry`)).status, 404, 'a dry run stores nothing');

        const watch = cluster.spawnKubectl(k, ['get', 'pods', '-w', '-n', ns]);
        try {
          // The watch prints nothing for an empty namespace; create a pod and see its row.
          await new Promise((r) => setTimeout(r, 1500));
          await ok(['run', 'w1', '--image=busybox', '-n', ns], /pod\/w1 created/);
          t.ok(
            await eventually(() => /w1\s+0\/1\s+Pending/.test(watch.output()), 15_000),
            `get -w printed the new pod: ${watch.output()}`,
          );
        } finally {
          watch.child.kill('SIGTERM');
        }

        await ok(['delete', '-f', v2], /deployment.apps "web" deleted/);
        await ok(['delete', '-f', cm2], /configmap "cfg" deleted/);
        t.equal((await cluster.api(`/apis/apps/v1/namespaces/${ns}/deployments/web`)).status, 404);
      });
    }
  });
}
