/**
 * A `bosun server` process that can be stopped and started again on the same data dir and port
 * (for watches that must survive a server restart).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBosunServer } from '../kubectl/harness.js';

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
    const { child, url } = await spawnBosunServer(join(this.dir, 'data'), this.listen);
    this.child = child;
    this.url = url;
    this.listen = new URL(url).host;
  }

  /** Stops the process and removes the temp dir. */
  async destroy(): Promise<void> {
    await this.stopProcess();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
