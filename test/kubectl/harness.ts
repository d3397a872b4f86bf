/**
 * The real kubectl against a real `bosun server` process: finds the kubectl binaries this
 * machine has (the PATH's, the versioned ones installed beside it, and Debian's 1.20 where
 * `.ci/run` unpacked it), starts a server on a free loopback port with a temp data dir, and
 * runs kubectl with that server's admin kubeconfig and a private discovery cache.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'packages/cli/src/bin.ts');

/** Where `.ci/run` unpacks Debian's kubernetes-client (kubectl 1.20). */
export const DEBIAN_KUBECTL = '/opt/bosun-test/kubectl-1.20/usr/bin/kubectl';

/** Spawns `bosun server` on `dataDir` and resolves once it prints where it listens. */
export async function spawnBosunServer(
  dataDir: string,
  listen: string,
  extraArgs: readonly string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'server', '--data-dir', dataDir, '--listen', listen, ...extraArgs],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bosun server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (https?:\/\/[\d.:]+)/.exec(output);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bosun server exited with ${code}:\n${output}`));
    });
  });
  return { child, url };
}

/** A kubectl binary and its minor version. */
export interface Kubectl {
  readonly minor: number;
  readonly path: string;
}

/** The kubectl binaries available here, keyed by minor version. */
export function findKubectls(): Map<number, Kubectl> {
  const found = new Map<number, Kubectl>();
  const which = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  if (onPath !== '') {
    const dir = dirname(realpathSync(onPath));
    for (let minor = 20; minor <= 40; minor++) {
      const path = join(dir, `kubectl.1.${minor}`);
      if (existsSync(path)) found.set(minor, { minor, path });
    }
    if (found.size === 0) {
      const v = spawnSync(onPath, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
      const minor = Number(/"minor":\s*"(\d+)/.exec(v.stdout)?.[1]);
      if (Number.isInteger(minor)) found.set(minor, { minor, path: onPath });
    }
  }
  const debian = process.env.BOSUN_KUBECTL_120 ?? DEBIAN_KUBECTL;
  if (!found.has(20) && existsSync(debian)) found.set(20, { minor: 20, path: debian });
  return found;
}

/** The result of one kubectl run. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `bosun server` process and a kubectl bound to it. */
export class Cluster {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly kubeconfig: string,
    readonly dir: string,
  ) {}

  /** Starts `bosun server` on a free port in a temp dir. */
  static async start(options: { args?: (dir: string) => string[] } = {}): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-kubectl-test-'));
    const { child, url } = await spawnBosunServer(join(dir, 'data'), '127.0.0.1:0', options.args?.(dir) ?? []);
    return new Cluster(child, url, join(dir, 'data', 'kubeconfig.yaml'), dir);
  }

  /** Runs `kubectl args...` with the admin kubeconfig; `input` goes to stdin. */
  kubectl(
    k: Kubectl,
    args: readonly string[],
    options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    const cacheDir = join(this.dir, `cache-${k.minor}`);
    return new Promise((resolve) => {
      const child = spawn(k.path, ['--kubeconfig', this.kubeconfig, '--cache-dir', cacheDir, ...args], {
        env: { ...process.env, KUBECONFIG: this.kubeconfig, HOME: this.dir, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  }

  /** Starts a long-running kubectl (`get -w`); the caller kills it. */
  spawnKubectl(k: Kubectl, args: readonly string[]): { child: ChildProcess; output: () => string } {
    const child = spawn(
      k.path,
      ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, `cache-${k.minor}`), ...args],
      {
        env: { ...process.env, HOME: this.dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    return { child, output: () => out };
  }

  /** A JSON request to the server (for checking stored objects). */
  async api<T = Record<string, unknown>>(path: string, init: ApiInit = {}): Promise<{ status: number; body: T }> {
    return apiRequest<T>(this.url, join(this.dir, 'data'), path, init);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes the temp dir. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A request for {@link apiRequest}: method, headers and a string body. */
export interface ApiInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * A request to a `bosun server` as its admin: over HTTPS with the cluster CA and the admin
 * client certificate from `<dataDir>/pki` (plain HTTP when the server runs --insecure-http).
 * The body is parsed as JSON when it is JSON.
 */
export function apiRequest<T = Record<string, unknown>>(
  base: string,
  dataDir: string,
  path: string,
  init: ApiInit = {},
): Promise<{ status: number; body: T }> {
  const secure = base.startsWith('https:');
  const pki = join(dataDir, 'pki');
  const tls = secure
    ? {
        ca: readFileSync(join(pki, 'ca.crt')),
        cert: readFileSync(join(pki, 'admin.crt')),
        key: readFileSync(join(pki, 'admin.key')),
      }
    : {};
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      `${base}${path}`,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, ...tls },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body: body as T });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
