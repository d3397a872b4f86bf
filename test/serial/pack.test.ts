// Publishability: pack @bosun/sdk and what it depends on, install the tarballs into a scratch
// project outside the workspace, then type-check and run a file that imports the SDK.
// Serial (see .taprc): packing rebuilds the packages' dist/ from empty.
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../kubectl/harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pnpmVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { pnpm: string } })
  .engines.pnpm;

async function pnpm(args: string[], cwd: string) {
  const onPath = await execa('pnpm', ['--version'], { reject: false });
  if (onPath.exitCode === 0 && onPath.stdout.trim() === pnpmVersion) return execa('pnpm', args, { cwd });
  return execa('npx', ['-y', `pnpm@${pnpmVersion}`, ...args], { cwd });
}

async function pack(pkg: string, dest: string): Promise<string> {
  const { stdout } = await pnpm(['pack', '--pack-destination', dest], join(root, 'packages', pkg));
  const tarball = stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack printed no tarball name:\n${stdout}`);
  return tarball.startsWith('/') ? tarball : join(dest, tarball);
}

t.test('a stranger can npm install @bosun/sdk and import it, with types', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'bosun-pack-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);

  // A stale file from a deleted source must not ship: the release build empties dist/ first.
  const stale = join(root, 'packages', 'sdk', 'dist', 'deleted-module.js');
  writeFileSync(stale, 'export const stale = true;\n');
  const sdk = await pack('sdk', tarballs);
  const raftKv = await pack('raft-kv', tarballs);
  t.notOk(existsSync(stale), 'the release build removed the stale file');
  const listing = (await execa('tar', ['-tzf', sdk])).stdout;
  t.notMatch(listing, /deleted-module/, 'the stale file is not in the tarball');
  t.notMatch(listing, /\.test\./, 'no test files ship');
  t.match(listing, /package\/dist\/index\.d\.ts/, 'types ship');
  const manifest = JSON.parse((await execa('tar', ['-xzOf', sdk, 'package/package.json'])).stdout) as {
    dependencies: Record<string, string>;
  };
  t.notMatch(JSON.stringify(manifest.dependencies), /workspace:/, 'workspace: ranges are replaced');

  const project = join(scratch, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // A TypeScript project on Node has Node's types; the packages' declarations use them.
  await execa('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', sdk, raftKv, '@types/node@20'], {
    cwd: project,
  });
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        types: ['node'],
      },
      files: ['main.ts'],
    }),
  );
  // An example a user would write: talk to a live cluster through its kubeconfig.
  writeFileSync(
    join(project, 'main.ts'),
    [
      "import { SDK_VERSION, RAFT_KV_VERSION, createClient } from '@bosun/sdk';",
      "import type { ConfigMap } from '@bosun/sdk';",
      'const version: string = SDK_VERSION;',
      'console.log(`sdk ${version} raft-kv ${RAFT_KV_VERSION}`);',
      'const client = createClient();',
      "const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-npm' }, data: { a: 'b' } };",
      "const created = await client.configMaps('default').create(cm);",
      "const names = (await client.configMaps('default').list()).items.map((c) => c.metadata.name);",
      "console.log(`created ${created.metadata.name} at ${created.metadata.resourceVersion}; listed ${names.join(',')}`);",
      'client.close();',
      '',
    ].join('\n'),
  );
  // A type error must fail the check: prove the check is live before trusting it.
  writeFileSync(
    join(project, 'wrong.ts'),
    "import { SDK_VERSION } from '@bosun/sdk';\nconst n: number = SDK_VERSION;\n",
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const wrong = await execa('node', [tsc, '--noEmit', '-p', project, 'wrong.ts'], { cwd: project, reject: false });
  t.not(wrong.exitCode, 0, 'a type error in a consumer is reported');
  await execa('node', [tsc, '-p', project], { cwd: project });
  const cluster = await Cluster.start();
  t.teardown(() => cluster.stop());
  const run = await execa('node', ['main.js'], { cwd: project, env: { KUBECONFIG: cluster.kubeconfig } });
  t.match(run.stdout, /^sdk \d+\.\d+\.\d+ raft-kv \d+\.\d+\.\d+\ncreated from-npm at \d+; listed from-npm$/);
  const stored = await cluster.api<{ data: Record<string, string> }>('/api/v1/namespaces/default/configmaps/from-npm');
  t.same(stored.body.data, { a: 'b' }, 'the packed SDK wrote to the live server');
});
