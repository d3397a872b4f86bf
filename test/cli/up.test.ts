// `bosun up` and `bosun down` as a user runs them: a detached cluster with a pid file that
// resumes its data when started again, and a foreground one that Ctrl-C stops cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { apiRequest } from '../kubectl/harness.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'packages/cli/src/bin.ts');

function bosun(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

t.test('up --detach, use, up again refused, down, up resumes the data, down', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-up-test-'));
  t.teardown(() => {
    bosun(['down', '--data-dir', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const up = bosun(['up', '--detach', '--data-dir', dir, '--listen', '127.0.0.1:0']);
  t.equal(up.code, 0, up.stderr);
  const url = /API server (https?:\/\/[\d.:]+)/.exec(up.stdout)?.[1] ?? '';
  t.match(up.stdout, new RegExp(`admin kubeconfig: ${join(dir, 'kubeconfig.yaml')}`));
  t.match(up.stdout, /running in the background \(pid \d+/);
  const pid = (JSON.parse(readFileSync(join(dir, 'bosun.pid'), 'utf8')) as { pid: number }).pid;
  const created = await apiRequest(url, dir, '/api/v1/namespaces/default/configmaps', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: { name: 'kept' }, data: { a: 'b' } }),
  });
  t.equal(created.status, 201);

  // As the banner says: `bosun get` finds the cluster's kubeconfig by itself.
  const got = bosun(['get', 'namespaces'], { HOME: dir, BOSUN_DATA_DIR: dir, KUBECONFIG: '' });
  t.equal(got.code, 0, got.stderr);
  t.match(got.stdout, /^NAME\s+STATUS\s+AGE\ndefault\s+Active/);

  const again = bosun(['up', '--detach', '--data-dir', dir, '--listen', '127.0.0.1:0']);
  t.equal(again.code, 1);
  t.match(again.stderr, new RegExp(`^error: bosun is already running for ${dir} \\(pid ${pid}`));

  const down = bosun(['down', '--data-dir', dir]);
  t.equal(down.code, 0);
  t.match(down.stdout, `bosun stopped (pid ${pid})`);
  t.notOk(existsSync(join(dir, 'bosun.pid')), 'the pid file is gone');
  t.match(bosun(['down', '--data-dir', dir]).stdout, /bosun is not running/);

  const resumed = bosun(['up', '--detach', '--data-dir', dir, '--listen', '127.0.0.1:0']);
  t.equal(resumed.code, 0, resumed.stderr);
  const url2 = /API server (https?:\/\/[\d.:]+)/.exec(resumed.stdout)?.[1] ?? '';
  const kept = await apiRequest(url2, dir, '/api/v1/namespaces/default/configmaps/kept');
  t.equal(kept.status, 200, 'the cluster resumed with its data');
  t.equal(bosun(['down', '--data-dir', dir]).code, 0);
});

t.test('up in the foreground prints the banner and stops cleanly on Ctrl-C', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-up-test-'));
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'up', '--data-dir', dir, '--listen', '127.0.0.1:0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!out.includes('Next:') && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  t.match(out, /Bosun is up: API server https:\/\/127\.0\.0\.1:\d+/);
  t.match(out, /bosun get nodes/);
  t.ok(existsSync(join(dir, 'bosun.pid')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  t.equal(await exited, 0);
  t.match(out, /stopped\n$/);
  t.notOk(existsSync(join(dir, 'bosun.pid')), 'the pid file is removed on exit');
});
