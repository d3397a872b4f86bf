// The Kubernetes tutorial's commands, with each kubectl version this machine has, against a
// real `bosun server`: what kubectl prints and what the server stored. Until the scheduler and
// controllers exist, pods stay Pending and deployments have no pods.
import t from 'tap';
import { Cluster, findKubectls } from './harness.js';
import type { Kubectl } from './harness.js';

const kubectls = findKubectls();
const wanted = [32, 27, 33, 20].filter((v) => kubectls.has(v));

if (kubectls.size === 0) {
  t.skip(
    'no kubectl on this machine: install one (the tests use the versions beside the PATH one, and Debian 12 kubernetes-client)',
  );
} else {
  t.test('against one bosun server', async (t) => {
    const cluster = await Cluster.start();
    t.teardown(() => cluster.stop());
    for (const minor of wanted) {
      const k = kubectls.get(minor) as Kubectl;
      await t.test(`kubectl 1.${minor}: the tutorial flow`, async (t) => {
        const ns = `tutorial-1-${minor}`;
        const run = async (args: string[], input?: string) => {
          const r = await cluster.kubectl(k, args, input === undefined ? {} : { input });
          if (r.code !== 0) t.comment(`kubectl ${args.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}`);
          return r;
        };
        const ok = async (args: string[], expect: RegExp, input?: string) => {
          const r = await run(args, input);
          t.equal(r.code, 0, `kubectl ${args.join(' ')} exits 0`);
          t.match(r.stdout, expect, `kubectl ${args.join(' ')} prints ${expect}`);
          return r;
        };

        const nodes = await run(['get', 'nodes']);
        t.equal(nodes.code, 0);
        t.match(nodes.stderr, /No resources found/);

        await ok(['create', 'namespace', ns], new RegExp(`namespace/${ns} created`));
        await ok(['run', 'nginx', '--image=nginx', '-n', ns], /pod\/nginx created/);
        await ok(
          ['get', 'pods', '-n', ns],
          /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nnginx\s+0\/1\s+Pending\s+0\s+\d+s\n$/,
        );
        await ok(
          ['get', 'pod', '-o', 'wide', '-n', ns],
          /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\nnginx\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>\s+<none>\s+<none>/,
        );
        const stored = await cluster.api<{
          spec: { containers: { imagePullPolicy: string }[]; restartPolicy: string };
          status: { phase: string };
        }>(`/api/v1/namespaces/${ns}/pods/nginx`);
        t.equal(stored.body.status.phase, 'Pending');
        t.equal(stored.body.spec.containers[0]?.imagePullPolicy, 'Always', 'defaults applied');

        await ok(['expose', 'pod', 'nginx', '--type=NodePort', '--port=80', '-n', ns], /service\/nginx exposed/);
        await ok(
          ['get', 'service', 'nginx', '-n', ns],
          /nginx\s+NodePort\s+10\.(9[6-9]|1[01]\d)\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\d+s/,
        );

        await ok(['create', 'deployment', 'web', '--image=nginx', '-n', ns], /deployment.apps\/web created/);
        await ok(['scale', 'deployment', 'web', '--replicas=3', '-n', ns], /deployment.apps\/web scaled/);
        const deploy = await cluster.api<{
          spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } };
        }>(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
        t.equal(deploy.body.spec.replicas, 3);
        await ok(['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80', '-n', ns], /service\/web exposed/);
        await ok(['get', 'svc', 'web', '-n', ns], /web\s+LoadBalancer\s+[\d.]+\s+<pending>\s+80:3\d{4}\/TCP/);
        await ok(['describe', 'deployment', 'web', '-n', ns], /Name:\s+web\n(.*\n)*Replicas:\s+3 desired/);
        await ok(
          ['describe', 'service', 'nginx', '-n', ns],
          /Type:\s+NodePort\n(.*\n)*NodePort:\s+<unset>\s+3\d{4}\/TCP/,
        );
        const events = await run(['get', 'events', '-n', ns]);
        t.equal(events.code, 0);
        t.match(events.stderr, /No resources found/);
        await ok(
          ['get', 'deployments', '-n', ns],
          /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/3\s+0\s+0\s+\d+s/,
        );

        const all = await ok(['get', 'all', '-n', ns], /pod\/nginx/);
        t.match(all.stdout, /service\/nginx\s+NodePort/);
        t.match(all.stdout, /service\/web\s+LoadBalancer/);
        t.match(all.stdout, /deployment.apps\/web/);

        await ok(['get', 'deploy', 'web', '-o', 'yaml', '-n', ns], /replicas: 3/);
        const json = await ok(['get', 'deploy', '-o', 'json', '-n', ns], /"kind": "List"/);
        t.equal((JSON.parse(json.stdout) as { items: unknown[] }).items.length, 1);
        await ok(['get', 'pods', '-l', 'run=nginx', '-n', ns], /nginx/);
        const none = await run(['get', 'pods', '-l', 'run=other', '-n', ns]);
        t.match(none.stderr, /No resources found/);
        await ok(
          ['get', 'pods', '-A'],
          new RegExp(`NAMESPACE\\s+NAME\\s+READY[^\\n]*\\n(.*\\n)*${ns}\\s+nginx\\s+0/1\\s+Pending`),
        );
        await ok(['get', 'pods', '--show-labels', '-n', ns], /nginx\s+0\/1\s+Pending\s+0\s+\d+s\s+run=nginx/);
        await ok(['get', 'svc', '--sort-by=.metadata.name', '-n', ns], /nginx[^\n]*\nweb/);
        await ok(['describe', 'pod', 'nginx', '-n', ns], /Name:\s+nginx\n(.*\n)*Status:\s+Pending/);

        await ok(
          ['set', 'image', 'deployment/web', 'nginx=nginx:1.25', '-n', ns],
          /deployment.apps\/web image updated/,
        );
        const updated = await cluster.api<{
          metadata: { generation: number };
          spec: { template: { spec: { containers: { name: string; image: string; imagePullPolicy?: string }[] } } };
        }>(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
        t.same(
          updated.body.spec.template.spec.containers.map((c) => [c.name, c.image, c.imagePullPolicy]),
          [['nginx', 'nginx:1.25', 'Always']],
          'strategic merge kept the container, changed only its image',
        );
        t.ok(updated.body.metadata.generation >= 3, 'spec changes bumped the generation');
        await ok(['rollout', 'history', 'deployment/web', '-n', ns], /deployment.apps\/web/);

        await ok(['label', 'pod', 'nginx', 'tier=web', '-n', ns], /pod\/nginx labeled/);
        await ok(['annotate', 'pod', 'nginx', 'note=hello', '-n', ns], /pod\/nginx annotated?/);
        const labelled = await cluster.api<{
          metadata: { labels: Record<string, string>; annotations: Record<string, string> };
        }>(`/api/v1/namespaces/${ns}/pods/nginx`);
        t.same(labelled.body.metadata.labels, { run: 'nginx', tier: 'web' });
        t.equal(labelled.body.metadata.annotations.note, 'hello');

        await ok(['delete', 'pod', 'nginx', '-n', ns], /pod "nginx" deleted/);
        await ok(['delete', 'service', 'nginx', '-n', ns], /service "nginx" deleted/);
        await ok(['delete', 'deployment', 'web', '-n', ns], /deployment.apps "web" deleted/);
        await ok(['run', 'a', '--image=busybox', '--labels=group=x', '-n', ns], /pod\/a created/);
        await ok(['run', 'b', '--image=busybox', '--labels=group=x', '-n', ns], /pod\/b created/);
        await ok(['delete', 'pods', '-l', 'group=x', '-n', ns], /pod "a" deleted\npod "b" deleted/);
        await ok(['delete', 'service', 'web', '-n', ns], /service "web" deleted/);
        const left = await cluster.api<{ items: unknown[] }>(`/api/v1/namespaces/${ns}/pods`);
        t.equal(left.body.items.length, 0);
        const missing = await run(['get', 'pod', 'nginx', '-n', ns]);
        t.equal(missing.code, 1);
        t.match(missing.stderr, /Error from server \(NotFound\): pods "nginx" not found/);
      });
    }
  });
}
