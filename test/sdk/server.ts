/**
 * A `bosun server` process that can be stopped and started again on the same data dir and port
 * (for watches that must survive a server restart).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'packages/cli/src/bin.ts');

/** A restartable `bosun server` on a temp data dir. */
export class RestartableServer {
  private child: ChildProcess | undefined;
  private listen = '127.0.0.1:0';
  /** The base URL (fixed after the first start). */
  url = '';

  private constructor(readonly dir: string) {}

  /** The admin kubeconfig the server writes. */
  get kubeconfig(): string {
    return join(this.dir, 'data', 'kubeconfig.yaml');
  }

  /** Starts a server on a free port in a new temp dir. */
  static async start(): Promise<RestartableServer> {
    const server = new RestartableServer(mkdtempSync(join(tmpdir(), 'bosun-sdk-test-')));
    try {
      await server.startProcess();
    } catch (err) {
      rmSync(server.dir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  /** Starts the process again on the same data dir and port. */
  async restart(): Promise<void> {
    await this.stopProcess();
    await this.startProcess();
  }

  /** Stops the process (SIGTERM, SIGKILL after 10 s); the data dir stays. */
  async stopProcess(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Starts the process (after {@link stopProcess}). */
  async startProcess(): Promise<void> {
    if (this.child !== undefined) throw new Error('the server is running');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'server', '--data-dir', join(this.dir, 'data'), '--listen', this.listen],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bosun server did not start in 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /listening on (http:\/\/[\d.:]+)/.exec(output);
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
    this.url = url;
    this.listen = new URL(url).host;
  }

  /** Stops the process and removes the temp dir. */
  async destroy(): Promise<void> {
    await this.stopProcess();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
