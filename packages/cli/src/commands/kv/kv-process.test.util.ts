/**
 * Helpers for tests that run the `bosun` bin as real processes: one-shot commands, `bosun kv
 * serve` members, waiting for their output, and stopping them by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/cli/dist/bin.js, found from this file whether it runs from src/ or dist/. */
function binPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return join(dir, 'dist', 'bin.js');
}

/** The path of the `bosun` bin. */
export const BIN = binPath();

/**
 * A free loopback port (bound and released) for a `bosun kv serve` started later, below Linux's
 * ephemeral range: there no outgoing connection of another test can take it in between.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port of 127.0.0.1 in 20000-31999 after 100 tries');
}

/** How a run of the bin ended and what it printed. */
export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin with `args` (and `input` on stdin), killing it after `timeoutMs`. */
export function bosun(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Where and how a `bosun kv serve` member listens. */
export interface ServeOptions {
  readonly name: string;
  /** The parent of the member's data dir (`<dir>/<name>`). */
  readonly dir: string;
  /** `--listen-peer`, e.g. `http://127.0.0.1:2380`. */
  readonly listenPeer: string;
  /** `--listen-client`, e.g. `http://127.0.0.1:2379`. */
  readonly listenClient: string;
  /** More flags, e.g. `--initial-cluster` or the TLS flags. */
  readonly extra?: readonly string[];
}

/**
 * Spawns `bosun kv serve` (cluster token `test-token`) with stdout piped and stderr drained.
 * The caller stops it with `stop`, also on failure.
 */
export function spawnServe(options: ServeOptions): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'kv',
      'serve',
      '--name',
      options.name,
      '--data-dir',
      join(options.dir, options.name),
      '--listen-peer',
      options.listenPeer,
      '--listen-client',
      options.listenClient,
      '--cluster-token',
      'test-token',
      ...(options.extra ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr.resume();
  return child;
}

/** Resolves once `child`'s stdout matches `re`; rejects after `timeoutMs` or if it exits. */
export function waitForOutput(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`no ${re} within ${timeoutMs} ms; got: ${seen}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (re.test(seen)) done();
    };
    const onExit = (code: number | null) => done(new Error(`exited with ${code} before ${re}; got: ${seen}`));
    function done(error?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(seen);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Sends `signal` to `child` by pid and waits (bounded) for it to exit; SIGKILL if it does not. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid !== undefined) process.kill(child.pid, signal);
  const timer = setTimeout(() => child.pid !== undefined && child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
