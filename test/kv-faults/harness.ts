/**
 * A raft-kv cluster of real member processes on 127.0.0.1, for fault tests: every member is a
 * child process (see member-process.ts) the test can SIGKILL, SIGSTOP and restart on its data
 * dir, and every directed peer link A→B goes through its own {@link LinkProxy}, so that the
 * test can partition members. Members can join ({@link FaultCluster.addMember}: the new member
 * gets a proxy on each link to and from every member) and leave ({@link FaultCluster.removeProcess}).
 * Everything (children, proxies, the `bosun-faults-` temp dir) is removed by
 * {@link FaultCluster.close}, which the test registers as a teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@bosun/raft-kv';
import { LinkProxy } from './link-proxy.js';
import type { MemberInfoLine, MemberProcessConfig } from './member-process.js';

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
  /** How long a member may take to print its ready line (ms); a joining member: until promoted. */
  readonly startTimeoutMs?: number;
  /** Applied entries between two snapshots of each member (10 000 by default, as the store's). */
  readonly snapshotCount?: number;
}

/** Where a member process stands. */
export type MemberProcessState = 'running' | 'stopped' | 'dead';

/** One member process and the fixed ports it listens on across restarts. */
interface MemberSlot {
  readonly name: string;
  readonly dataDir: string;
  readonly peerPort: number;
  readonly clientPort: number;
  /** The client URL of the member it joined through; undefined for a member of the initial cluster. */
  readonly join: string | undefined;
  child: ChildProcess | undefined;
  exited: Promise<void>;
  state: MemberProcessState;
  /** The end of what the process wrote to stderr, for diagnostics. */
  stderrTail: string;
  /** Who waits for the answers to the commands sent to the process's stdin, in order. */
  readonly answers: ((line: string) => void)[];
}

/**
 * A port of 127.0.0.1 that was free a moment ago, for a member process to listen on later.
 * It is taken below Linux's ephemeral range (32768-60999 by default): a port from that range
 * can be handed to some process's outgoing connection before the member binds it (seen in CI
 * as EADDRINUSE while other tests ran); below it, only another listener can collide.
 */
async function freePort(): Promise<number> {
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
      snapshotCount: 10_000,
      ...options,
    });
    t.teardown(() => cluster.close());
    const names = Array.from({ length: options.size }, (_, i) => `m${i + 1}`);
    for (const name of names) await cluster.newSlot(name, undefined);
    await Promise.all(names.map((name) => cluster.startMember(name)));
    return cluster;
  }

  /** A slot for member `name` on fresh ports and an empty data dir, with proxies on its links. */
  private async newSlot(name: string, joinVia: string | undefined): Promise<MemberSlot> {
    if (this.slots.has(name)) throw new Error(`member ${name} exists already`);
    const dataDir = join(this.root, name);
    mkdirSync(dataDir);
    const slot: MemberSlot = {
      name,
      dataDir,
      peerPort: await freePort(),
      clientPort: await freePort(),
      join: joinVia,
      child: undefined,
      exited: Promise.resolve(),
      state: 'dead',
      stderrTail: '',
      answers: [],
    };
    this.slots.set(name, slot);
    for (const other of this.slots.values()) {
      if (other === slot) continue;
      this.proxies.set(`${other.name}->${name}`, await LinkProxy.start(slot.peerPort));
      this.proxies.set(`${name}->${other.name}`, await LinkProxy.start(other.peerPort));
    }
    return slot;
  }

  /**
   * Prepares member `name` to join through `via`'s client URL, without starting it: its ports,
   * data dir and links; every running member is told to dial it through its proxy. Resolves
   * with the peer URL the cluster will know it by (for a `memberAdd` the test makes itself).
   */
  async prepareMember(name: string, via: string): Promise<string> {
    const slot = await this.newSlot(name, this.clientURL(via));
    for (const other of this.names) {
      if (other === name || this.state(other) === 'dead') continue;
      const answer = await this.command(other, `route ${name} http://127.0.0.1:${this.proxy(other, name).port}`);
      if (answer !== `routed ${name}`) throw new Error(`${other} answered ${JSON.stringify(answer)} to a route`);
    }
    return `http://127.0.0.1:${slot.peerPort}`;
  }

  /**
   * Adds member `name` to the running cluster: starts it on an empty data dir with `join`
   * through `via` (it is added as a learner unless the test added it already, catches up and
   * is promoted); resolves once it serves clients, that is once it is a voter.
   */
  async addMember(name: string, via: string): Promise<void> {
    await this.prepareMember(name, via);
    await this.startMember(name);
  }

  /**
   * Stops `name`'s process (SIGTERM, SIGKILL after 5 s) if it runs, closes its links and
   * deletes its data dir: the member is gone from this harness (not from the cluster's
   * membership: that is the test's `memberRemove`).
   */
  async removeProcess(name: string): Promise<void> {
    const slot = this.slot(name);
    await this.stop(name);
    for (const [link, proxy] of this.proxies) {
      if (!link.startsWith(`${name}->`) && !link.endsWith(`->${name}`)) continue;
      this.proxies.delete(link);
      await proxy.close();
    }
    this.slots.delete(name);
    rmSync(slot.dataDir, { recursive: true, force: true });
  }

  /** Stops `name`'s process gracefully (SIGTERM), or with SIGKILL if it has not exited within 5 s. */
  async stop(name: string): Promise<void> {
    const slot = this.slot(name);
    const pid = slot.child?.pid;
    if (slot.state === 'dead' || pid === undefined) return;
    if (slot.state === 'stopped') await this.signal(name, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      slot.exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5_000))),
    ]);
    clearTimeout(timer);
    if (!exited) await this.signal(name, 'SIGKILL');
  }

  /** What `name`'s process reports about its snapshots (see member-process.ts). */
  async memberInfo(name: string): Promise<MemberInfoLine> {
    const answer = await this.command(name, 'info');
    if (!answer.startsWith('info ')) throw new Error(`${name} answered ${JSON.stringify(answer)} to info`);
    return JSON.parse(answer.slice('info '.length)) as MemberInfoLine;
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
      ...(slot.join !== undefined ? { join: slot.join } : {}),
      clusterToken: 'bosun-faults',
      tickMs: this.opts.tickMs,
      electionTick: this.opts.electionTick,
      snapshotCount: this.opts.snapshotCount,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', MEMBER_SCRIPT], {
      env: { ...process.env, BOSUN_FAULTS_MEMBER: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    slot.child = child;
    slot.state = 'running';
    slot.stderrTail = '';
    slot.answers.length = 0;
    slot.exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        if (slot.child === child) slot.state = 'dead';
        resolve();
      }),
    );
    child.stdin?.on('error', () => undefined); // a command sent as the process dies
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      slot.stderrTail = (slot.stderrTail + chunk).slice(-4_000);
    });
    child.stdout?.setEncoding('utf8');
    const ready = new Promise<void>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () =>
          reject(new Error(`${name} printed no ready line within ${this.opts.startTimeoutMs} ms: ${slot.stderrTail}`)),
        this.opts.startTimeoutMs,
      );
      child.stdout?.on('data', (chunk: string) => {
        buffered += chunk;
        for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
          const line = buffered.slice(0, at);
          buffered = buffered.slice(at + 1);
          if (line.startsWith('ready ')) {
            clearTimeout(timer);
            resolve();
          } else {
            slot.answers.shift()?.(line);
          }
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

  /** Sends `line` to `name`'s process and resolves with its answer (see member-process.ts). */
  private command(name: string, line: string, timeoutMs = 5_000): Promise<string> {
    const slot = this.slot(name);
    const child = slot.child;
    if (child?.stdin === null || child === undefined || slot.state === 'dead') {
      return Promise.reject(new Error(`${name} is not running`));
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not answer ${line} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      slot.answers.push((answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      child.stdin?.write(`${line}\n`);
    });
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

  /** How many connections the link `from`→`to` has forwarded. */
  forwardedOn(from: string, to: string): number {
    return this.proxy(from, to).forwarded;
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
