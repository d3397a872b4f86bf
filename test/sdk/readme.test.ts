// The examples in packages/sdk/README.md, extracted and run against a real `bosun server`: they
// must type-check and do what the README says. Until the Deployment controller exists, this
// test writes the deployment's status itself (as the controller will) to let the first
// example's wait finish.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Cluster, eventually } from '../kubectl/harness.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The README's examples: each ```ts block after a `<!-- example: name -->` line. */
export function readmeExamples(text: string): Map<string, string> {
  const examples = new Map<string, string>();
  const re = /<!-- example: ([\w-]+) -->\s*```ts\n([\s\S]*?)\n```/g;
  for (const m of text.matchAll(re)) examples.set(m[1] as string, `${m[2] as string}\n`);
  return examples;
}

function runExample(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

t.test('the SDK README examples type-check and run', async (t) => {
  const examples = readmeExamples(readFileSync(join(ROOT, 'packages/sdk/README.md'), 'utf8'));
  t.same([...examples.keys()], ['deployment', 'watch-pods', 'controller']);
  // Inside the workspace so that `@bosun/sdk` resolves as it does for a user of the package.
  const dir = join(ROOT, 'test/sdk', `.readme-examples-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const cluster = await Cluster.start();
  t.teardown(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const files = new Map<string, string>();
  for (const [name, code] of examples) {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, code);
    files.set(name, file);
  }
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--types',
      'node',
      '--skipLibCheck',
      ...files.values(),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  t.equal(tsc.status, 0, `the examples type-check\n${tsc.stdout}${tsc.stderr}`);
  const env = { KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir };

  await t.test('create a deployment and wait until it is available', async (t) => {
    const run = runExample(files.get('deployment') as string, { ...env, WAIT_MS: '60000' });
    t.ok(await eventually(() => run.output().includes('web: 0/2 available'), 30_000), run.output());
    // Stand in for the Deployment controller: report two available replicas.
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    const current = (await cluster.api<{ metadata: { generation: number } }>(path)).body;
    const status = {
      observedGeneration: current.metadata.generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    };
    const patched = await cluster.api(`${path}/status`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ status }),
    });
    t.equal(patched.status, 200);
    t.equal(await run.exited, 0, run.output());
    t.match(run.output(), /deployment web created\n(.*\n)*web: 2\/2 available\ndeployment web is available\n/);
  });

  await t.test('watch pods', async (t) => {
    const run = runExample(files.get('watch-pods') as string, { ...env, MAX_EVENTS: '3' });
    await new Promise((r) => setTimeout(r, 1500));
    for (const name of ['w1', 'w2', 'w3']) {
      const created = await cluster.api('/api/v1/namespaces/default/pods', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }),
      });
      t.equal(created.status, 201);
    }
    t.equal(await run.exited, 0, run.output());
    t.equal(run.output(), 'ADDED pod/w1\nADDED pod/w2\nADDED pod/w3\n');
  });

  await t.test('a small controller with an informer and a work queue', async (t) => {
    const run = runExample(files.get('controller') as string, env);
    for (const [name, data] of [
      ['one', { a: '1' }],
      ['two', { a: '1', b: '2' }],
    ] as const) {
      await cluster.api('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ metadata: { name }, data }),
      });
    }
    const annotated = async (name: string) =>
      (
        await cluster.api<{ metadata: { annotations?: Record<string, string> } }>(
          `/api/v1/namespaces/default/configmaps/${name}`,
        )
      ).body.metadata.annotations?.['example.com/keys'];
    t.ok(
      await eventually(async () => (await annotated('one')) === '1' && (await annotated('two')) === '2', 20_000),
      run.output(),
    );
    // A change is reconciled again (level-triggered).
    await cluster.api('/api/v1/namespaces/default/configmaps/one', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { a: '1', b: '2', c: '3' } }),
    });
    t.ok(await eventually(async () => (await annotated('one')) === '3', 20_000), run.output());
    run.child.kill('SIGTERM');
    t.equal(await run.exited, 0, run.output());
  });
});
