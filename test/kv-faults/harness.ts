/**
 * A raft-kv cluster of real member processes on 127.0.0.1, for fault tests: every member is a
 * child process (see member-process.ts) the test can SIGKILL, SIGSTOP and restart on its data
 * dir, and every directed peer link A→B goes through its own {@link LinkProxy}, so that the
 * test can partition members. Everything (children, proxies, the `bosun-faults-` temp dir) is
 * removed by {@link FaultCluster.close}, which the test registers as a teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@bosun/raft-kv';
import { LinkProxy } from './link-proxy.js';
import type { MemberProcessConfig } from './member-process.js';

const MEMBER_SCRIPT = new URL('./member-process.ts', import.meta.url).pathname;

/** What t.teardown needs. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Options of {@link FaultCluster.start}. */
export interface FaultClusterOptions {
  readonly size: 3 | 5;
  readonly tickMs?: number;
  readonly electionTick?: number;
  /** How long a member may take to print its ready line (ms). */
  readonly startTimeoutMs?: number;
}

/** Where a member process stands. */
export type MemberProcessState = 'running' | 'stopped' | 'dead';

/** One member process and the fixed ports it listens on across restarts. */
interface MemberSlot {
  readonly name: string;
  readonly dataDir: string;
  readonly peerPort: number;
  readonly clientPort: number;
  child: ChildProcess | undefined;
  exited: Promise<void>;
  state: MemberProcessState;
  /** The end of what the process wrote to stderr, for diagnostics. */
  stderrTail: string;
}

/** A port of 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A cluster of member processes with a proxy on every directed link. */
export class FaultCluster {
  private readonly slots = new Map<string, MemberSlot>();
  /** `from->to` → the proxy `from` dials `to` through. */
  private readonly proxies = new Map<string, LinkProxy>();
  private readonly onExit = () => this.killAllNow();
  private closed = false;

  private constructor(
    private readonly root: string,
    private readonly opts: Required<FaultClusterOptions>,
  ) {
    process.on('exit', this.onExit);
  }

  /** Starts `size` members (m1, m2, ...) and waits until each serves clients; closed at teardown. */
  static async start(t: Teardown, options: FaultClusterOptions): Promise<FaultCluster> {
    const root = mkdtempSync(join(tmpdir(), 'bosun-faults-'));
    const cluster = new FaultCluster(root, {
      tickMs: 50,
      electionTick: 10,
      startTimeoutMs: 30_000,
      ...options,
    });
    t.teardown(() => cluster.close());
    const names = Array.from({ length: options.size }, (_, i) => `m${i + 1}`);
    for (const name of names) {
      const dataDir = join(root, name);
      mkdirSync(dataDir);
      const slot: MemberSlot = {
        name,
        dataDir,
        peerPort: await freePort(),
        clientPort: await freePort(),
        child: undefined,
        exited: Promise.resolve(),
        state: 'dead',
        stderrTail: '',
      };
      cluster.slots.set(name, slot);
    }
    for (const from of names)
      for (const to of names)
        if (from !== to) cluster.proxies.set(`${from}->${to}`, await LinkProxy.start(cluster.slot(to).peerPort));
    await Promise.all(names.map((name) => cluster.startMember(name)));
    return cluster;
  }

  /** The members' names. */
  get names(): string[] {
    return [...this.slots.keys()];
  }

  /** Every member's client endpoint. */
  get endpoints(): string[] {
    return this.names.map((n) => this.clientURL(n));
  }

  /** The client endpoint of `name`. */
  clientURL(name: string): string {
    return `http://127.0.0.1:${this.slot(name).clientPort}`;
  }

  /** Where `name`'s process stands. */
  state(name: string): MemberProcessState {
    return this.slot(name).state;
  }

  /** Starts (or restarts, on its data dir and ports) member `name`; resolves when it serves clients. */
  async startMember(name: string): Promise<void> {
    const slot = this.slot(name);
    if (slot.state !== 'dead') throw new Error(`${name} is already running`);
    const initialCluster: Record<string, string> = {};
    for (const other of this.names) {
      initialCluster[other] =
        other === name ? `http://127.0.0.1:${slot.peerPort}` : `http://127.0.0.1:${this.proxy(name, other).port}`;
    }
    const config: MemberProcessConfig = {
      name,
      dataDir: slot.dataDir,
      listenPeer: `http://127.0.0.1:${slot.peerPort}`,
      listenClient: `http://127.0.0.1:${slot.clientPort}`,
      initialCluster,
      clusterToken: 'bosun-faults',
      tickMs: this.opts.tickMs,
      electionTick: this.opts.electionTick,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', MEMBER_SCRIPT], {
      env: { ...process.env, BOSUN_FAULTS_MEMBER: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    slot.child = child;
    slot.state = 'running';
    slot.stderrTail = '';
    slot.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        if (slot.child === child) slot.state = 'dead';
        resolve();
      }),
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      slot.stderrTail = (slot.stderrTail + chunk).slice(-4_000);
    });
    child.stdout?.setEncoding('utf8');
    const ready = new Promise<void>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`${name} printed no ready line within ${this.opts.startTimeoutMs} ms`)),
        this.opts.startTimeoutMs,
      );
      child.stdout?.on('data', (chunk: string) => {
        buffered += chunk;
        if (/^ready /m.test(buffered)) {
          clearTimeout(timer);
          buffered = '';
          resolve();
        }
        if (buffered.length > 100_000) buffered = buffered.slice(-1_000);
      });
      void slot.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready: ${slot.stderrTail}`));
      });
    });
    await ready;
  }

  /** Sends `signal` to `name`'s process; for SIGKILL, waits until it has exited. */
  async signal(name: string, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const slot = this.slot(name);
    const child = slot.child;
    if (child === undefined || slot.state === 'dead' || child.pid === undefined) return;
    process.kill(child.pid, signal);
    if (signal === 'SIGSTOP') slot.state = 'stopped';
    if (signal === 'SIGCONT') slot.state = 'running';
    if (signal === 'SIGKILL') await slot.exited;
  }

  /** Cuts every link between `side` and the other members, both directions, dropping open connections. */
  partition(side: readonly string[]): void {
    for (const a of side)
      for (const b of this.names) {
        if (side.includes(b)) continue;
        this.proxy(a, b).block();
        this.proxy(b, a).block();
      }
  }

  /** Restores every link. */
  heal(): void {
    for (const proxy of this.proxies.values()) proxy.unblock();
  }

  /**
   * The leader, once a running member names one that names itself too; fails after `timeoutMs`.
   * Asks each running member through its own client's `status()`.
   */
  async waitForLeader(timeoutMs = 15_000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (let i = 0; performance.now() < deadline && i < 1_000; i++) {
      const views = await Promise.all(
        this.names
          .filter((n) => this.state(n) === 'running')
          .map(async (n) => ({ name: n, leader: await this.leaderSeenBy(n) })),
      );
      for (const v of views) {
        if (v.leader === undefined || v.leader === '') continue;
        const self = views.find((w) => w.name === v.leader);
        if (self?.leader === v.leader) return v.leader;
      }
      await sleep(100);
    }
    throw new Error(`no leader within ${timeoutMs} ms`);
  }

  /** The leader `name` knows of ('' for none), or undefined if it does not answer. */
  async leaderSeenBy(name: string): Promise<string | undefined> {
    try {
      const client = await connect({
        endpoints: [this.clientURL(name)],
        timeoutMs: 500,
        connectTimeoutMs: 500,
        maxAttempts: 1,
      });
      try {
        return (await client.status()).leader;
      } finally {
        await client.close();
      }
    } catch {
      return undefined;
    }
  }

  /** Resumes, kills and forgets every member process, closes the proxies and removes the data. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.killAllNow();
    await Promise.all([...this.slots.values()].map((s) => s.exited));
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
    process.removeListener('exit', this.onExit);
    rmSync(this.root, { recursive: true, force: true });
  }

  /** SIGCONT then SIGKILL to every child still alive (synchronous: also used on process exit). */
  private killAllNow(): void {
    for (const slot of this.slots.values()) {
      const pid = slot.child?.pid;
      if (pid === undefined || slot.child?.exitCode !== null || slot.child.signalCode !== null) continue;
      try {
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  private slot(name: string): MemberSlot {
    const slot = this.slots.get(name);
    if (slot === undefined) throw new Error(`no member ${name}`);
    return slot;
  }

  private proxy(from: string, to: string): LinkProxy {
    const proxy = this.proxies.get(`${from}->${to}`);
    if (proxy === undefined) throw new Error(`no link ${from}->${to}`);
    return proxy;
  }
}
