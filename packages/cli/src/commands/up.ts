/**
 * `bosun up`: the embedded single-machine cluster in one process — a single-member store and
 * the API server (the scheduler, controllers and a local node agent join as they land). Data
 * lives in ~/.bosun (or --data-dir); started again it resumes the same cluster. `--detach` runs
 * it in the background with a pid file; `bosun down` stops it.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { startEmbeddedServer } from '@bosun/control-plane';
import type { Io } from '../program.js';
import { untilSignal } from '../signals.js';
import { INSECURE_WARNING, collect, parseListen, securityOptions } from './server.js';
import { claimPidFile, readPidFile, releasePidFile } from './pid-file.js';

interface UpFlags {
  readonly dataDir?: string;
  readonly listen: string;
  readonly detach?: boolean;
  readonly readyTimeout: string;
  readonly insecureHttp?: boolean;
  readonly tlsSan: string[];
}

/** The data dir of `bosun up` and `bosun down`: --data-dir, else $BOSUN_DATA_DIR, else ~/.bosun. */
export function dataDirOf(flag: string | undefined): string {
  return resolve(flag ?? process.env.BOSUN_DATA_DIR ?? join(homedir(), '.bosun'));
}

/** The banner `bosun up` prints once the cluster answers. */
export function banner(url: string, kubeconfig: string): string {
  return [
    `Bosun is up: API server ${url}`,
    `admin kubeconfig: ${kubeconfig}`,
    '',
    'Next:',
    `  export KUBECONFIG=${kubeconfig}`,
    '  bosun get nodes            (or: kubectl get nodes)',
    '  kubectl create deployment web --image=nginx',
    '',
  ].join('\n');
}

/** One GET of /readyz (trusting the cluster CA for https); whether it answered 200. */
function readyOnce(url: string, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const target = `${url}/readyz`;
    const onResponse = (res: IncomingMessage) => {
      res.resume();
      resolve(res.statusCode === 200);
    };
    const req = url.startsWith('https:')
      ? httpsGet(target, ca === undefined ? {} : { ca }, onResponse)
      : httpGet(target, onResponse);
    req.on('error', () => resolve(false));
    req.setTimeout(2_000, () => req.destroy());
  });
}

async function waitReady(url: string, dataDir: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const caPath = join(dataDir, 'pki', 'ca.crt');
    const ca = existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined;
    if (await readyOnce(url, ca)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Adds `up` to the program. */
export function registerUp(program: Command, io: Io): void {
  program
    .command('up')
    .description(
      'start the single-machine cluster (store and API server) until Ctrl-C; --detach runs it in the background',
    )
    .option('--data-dir <dir>', 'where the cluster keeps its data (default: $BOSUN_DATA_DIR or ~/.bosun)')
    .option('--listen <host:port>', 'where the API server listens', '127.0.0.1:6443')
    .option('-d, --detach', 'run in the background (pid file in the data dir; stop it with bosun down)')
    .option('--ready-timeout <seconds>', 'with --detach: how long to wait for the cluster to answer', '60')
    .option('--tls-san <name>', 'another name or address for the serving certificate (repeatable)', collect, [])
    .option('--insecure-http', 'serve plain HTTP with no authentication or authorization (development only)')
    .action(async (flags: UpFlags) => {
      const dataDir = dataDirOf(flags.dataDir);
      const { host, port } = parseListen(flags.listen);
      mkdirSync(dataDir, { recursive: true });
      const running = readPidFile(dataDir);
      if (running !== undefined)
        throw new Error(
          `bosun is already running for ${dataDir} (pid ${running.pid}, ${running.url}); stop it with bosun down`,
        );
      if (flags.detach === true) {
        await detach(io, dataDir, flags);
        return;
      }
      if (flags.insecureHttp === true) io.err(INSECURE_WARNING);
      const server = await startEmbeddedServer({ dataDir, host, port, ...securityOptions(flags) });
      try {
        claimPidFile(dataDir, { pid: process.pid, url: server.url });
        io.out(banner(server.url, server.kubeconfig));
        await untilSignal();
        io.out('stopping...\n');
      } finally {
        await server.stop();
        releasePidFile(dataDir, process.pid);
      }
      io.out('stopped\n');
    });
}

/** Starts `bosun up` in a detached child, waits for it to answer, and prints the banner. */
async function detach(io: Io, dataDir: string, flags: UpFlags): Promise<void> {
  const logPath = join(dataDir, 'bosun.log');
  const log = openSync(logPath, 'a');
  const bin = process.argv[1] ?? '';
  const args = [
    ...process.execArgv,
    bin,
    'up',
    '--data-dir',
    dataDir,
    '--listen',
    flags.listen,
    ...flags.tlsSan.flatMap((san) => ['--tls-san', san]),
    ...(flags.insecureHttp === true ? ['--insecure-http'] : []),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  const timeoutMs = Number(flags.readyTimeout) * 1000;
  const deadline = Date.now() + timeoutMs;
  let written = readPidFile(dataDir);
  while (written === undefined && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
    written = readPidFile(dataDir);
  }
  if (written === undefined || !(await waitReady(written.url, dataDir, Math.max(0, deadline - Date.now())))) {
    throw new Error(`bosun up --detach: the cluster did not start within ${flags.readyTimeout} s; see ${logPath}`);
  }
  io.out(banner(written.url, join(dataDir, 'kubeconfig.yaml')));
  io.out(
    `running in the background (pid ${written.pid}, log ${logPath}); stop it with: bosun down${flags.dataDir === undefined ? '' : ` --data-dir ${dataDir}`}\n`,
  );
}
