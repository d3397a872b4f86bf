/**
 * Three-member clusters on loopback, each member its own process: Bosun (bosun-member.js under
 * plain node) and etcd (the `etcd` binary). Ports are picked free; data dirs live under one
 * temp dir the caller owns and removes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { System } from './driver.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A running member process. */
export interface MemberProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly clientURL: string;
}

/** A running three-member cluster; `stop` ends its processes (SIGTERM, then SIGKILL). */
export interface Cluster {
  readonly system: System;
  readonly members: readonly MemberProcess[];
  readonly endpoints: readonly string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
  await exited;
  clearTimeout(timer);
}

function clusterOf(system: System, members: MemberProcess[]): Cluster {
  return {
    system,
    members,
    endpoints: members.map((m) => m.clientURL),
    async stop() {
      await Promise.all(members.map((m) => stopChild(m.child)));
    },
  };
}

/** Waits for a member to print `ready <url>` (bounded by `timeoutMs`). */
function awaitReady(child: ChildProcess, name: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} not ready within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready`));
    });
  });
}

/** Options shared by both cluster starters. */
export interface StartOptions {
  /** The temp dir that holds every data dir and log. */
  readonly root: string;
  /** Called with each child as soon as it is spawned, so the caller can always kill it. */
  readonly track: (child: ChildProcess) => void;
  /** Extra node flags for Bosun members (e.g. `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
}

/** Starts three Bosun members, each `node bosun-member.js`, and waits until all serve clients. */
export async function startBosun(opts: StartOptions): Promise<Cluster> {
  const names = ['b1', 'b2', 'b3'];
  const peer = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, `http://127.0.0.1:${await freePort()}`])),
  );
  const members: MemberProcess[] = [];
  const started = names.map(async (name) => {
    const dataDir = join(opts.root, 'bosun', name);
    mkdirSync(dataDir, { recursive: true });
    const options = {
      name,
      dataDir,
      listenPeer: peer[name],
      listenClient: `http://127.0.0.1:${await freePort()}`,
      initialCluster: peer,
      clusterToken: 'bosun-bench',
    };
    const log = openSync(join(opts.root, `${name}.log`), 'a');
    const child = spawn(
      process.execPath,
      [...(opts.nodeFlags ?? []), join(here, 'bosun-member.js'), JSON.stringify(options)],
      {
        stdio: ['pipe', 'pipe', log],
      },
    );
    opts.track(child);
    const clientURL = await awaitReady(child, `bosun member ${name}`, 30_000);
    members.push({ name, child, dataDir, clientURL });
  });
  try {
    await Promise.all(started);
  } catch (e) {
    await clusterOf('bosun', members).stop();
    throw e;
  }
  members.sort((a, b) => a.name.localeCompare(b.name));
  return clusterOf('bosun', members);
}

/** Whether the `etcd` binary is on the PATH. */
export function etcdInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v etcd'], { stdio: 'ignore' }).status === 0;
}

/** Starts three etcd members with `--initial-cluster-state new` (readiness is the caller's check). */
export async function startEtcd(opts: StartOptions): Promise<Cluster> {
  const names = ['e1', 'e2', 'e3'];
  const peer = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, `http://127.0.0.1:${await freePort()}`])),
  );
  const initialCluster = names.map((n) => `${n}=${peer[n]}`).join(',');
  const members: MemberProcess[] = [];
  for (const name of names) {
    const dataDir = join(opts.root, 'etcd', name);
    mkdirSync(dataDir, { recursive: true });
    const clientURL = `http://127.0.0.1:${await freePort()}`;
    const log = openSync(join(opts.root, `${name}.log`), 'a');
    const child = spawn(
      'etcd',
      [
        `--name=${name}`,
        `--data-dir=${dataDir}`,
        `--listen-peer-urls=${peer[name]}`,
        `--initial-advertise-peer-urls=${peer[name]}`,
        `--listen-client-urls=${clientURL}`,
        `--advertise-client-urls=${clientURL}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        '--initial-cluster-token=bosun-bench',
      ],
      { stdio: ['ignore', log, log] },
    );
    opts.track(child);
    members.push({ name, child, dataDir, clientURL });
  }
  return clusterOf('etcd', members);
}

/** A process's resident set size in bytes (VmRSS of /proc/PID/status; 0 when unknown). */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Bytes of a directory tree: apparent (file sizes) and allocated (blocks on disk). */
export function diskUsage(dir: string): { apparent: number; allocated: number } {
  let apparent = 0;
  let allocated = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = diskUsage(path);
      apparent += sub.apparent;
      allocated += sub.allocated;
    } else if (entry.isFile()) {
      const st = statSync(path);
      apparent += st.size;
      allocated += st.blocks * 512;
    }
  }
  return { apparent, allocated };
}
