/**
 * Bosun's store beside etcd: `pnpm bench:kv [--quick] [--only=bosun|etcd] [--cpu-prof]`.
 * Starts a three-member Bosun cluster (member processes) and, when the `etcd` binary is on the
 * PATH, a three-member etcd cluster, both on loopback, one after the other; runs the same
 * scenarios through one driver interface; prints one table and writes JSON to bench/results/.
 * `--cpu-prof` runs the Bosun members under `node --cpu-prof` (profiles in bench/results/).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bosunFactory } from './kv/bosun-driver.js';
import { etcdInstalled, startBosun, startEtcd, type Cluster } from './kv/cluster.js';
import { etcdFactory } from './kv/etcd-driver.js';
import { awaitWritable, runScenarios, scaleOf, type Measurement } from './kv/scenarios.js';
import { compare, formatComparison } from './kv/table.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const cpuProf = args.includes('--cpu-prof');
const scale = scaleOf(quick);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(here, '..', 'results');

const root = mkdtempSync(join(tmpdir(), 'bosun-bench-kv-'));
const children = new Set<ChildProcess>();
function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
function removeRoot(): void {
  rmSync(root, { recursive: true, force: true });
}
process.on('exit', () => {
  killAll();
  removeRoot();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    removeRoot();
    process.exit(130);
  });
}
const track = (child: ChildProcess) => {
  children.add(child);
  child.once('exit', () => children.delete(child));
};

/** Whether etcd can run here, installing Debian's etcd-server when root and apt allow it. */
function ensureEtcd(): string | undefined {
  if (etcdInstalled()) return undefined;
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0) {
    console.log('etcd not found: trying apt-get install -y etcd-server');
    spawnSync('apt-get', ['install', '-y', 'etcd-server'], {
      stdio: 'inherit',
      timeout: 180_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (etcdInstalled()) return undefined;
  }
  return 'etcd is not installed (no `etcd` on the PATH): running Bosun alone';
}

async function measure(system: 'bosun' | 'etcd'): Promise<Measurement[]> {
  const t0 = performance.now();
  let cluster: Cluster | undefined;
  const profileDir = join(resultsDir, `profiles-${stamp}`);
  try {
    if (system === 'bosun') {
      if (cpuProf) mkdirSync(profileDir, { recursive: true });
      const nodeFlags = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
      cluster = await startBosun({ root, track, nodeFlags });
    } else {
      cluster = await startEtcd({ root, track });
    }
    const factory = system === 'bosun' ? bosunFactory(cluster.endpoints) : etcdFactory(cluster.endpoints);
    await awaitWritable(factory, 30_000);
    console.log(
      `[${system}] cluster up in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${cluster.endpoints.join(' ')}`,
    );
    return await runScenarios(factory, cluster, scale);
  } finally {
    await cluster?.stop();
    if (system === 'bosun' && cpuProf) console.log(`[bosun] CPU profiles in ${profileDir}`);
    console.log(`[${system}] done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

const etcdMissing = only === 'bosun' ? 'skipped' : ensureEtcd();
if (etcdMissing && only !== 'bosun') console.log(etcdMissing);
const bosun = only === 'etcd' ? [] : await measure('bosun');
const etcd = etcdMissing ? [] : await measure('etcd');

const rows = compare(bosun, etcd);
console.log(`\nBosun vs etcd, 3 members each on loopback, 256-byte values${quick ? ' (--quick)' : ''}`);
console.log(formatComparison(rows, etcdMissing ? 'n/a' : '-'));
mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, `kv-vs-etcd-${stamp}.json`);
const etcdVersion = etcdMissing
  ? undefined
  : spawnSync('etcd', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
writeFileSync(out, `${JSON.stringify({ quick, node: process.version, etcdVersion, scale, rows }, null, 2)}\n`);
console.log(`results written to ${out}`);
if (rows.some((r) => r.bosun?.error || r.etcd?.error)) process.exitCode = 1;
