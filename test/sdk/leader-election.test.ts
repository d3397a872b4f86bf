/**
 * Leader election against a real `bosun server`: two candidates in two processes. Killing the
 * leader (SIGKILL) hands the lease over once it expires; cancelling it (SIGTERM with
 * releaseOnCancel) hands it over at once.
 */
import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Cluster } from '../kubectl/harness.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = join(ROOT, 'test/sdk/fixtures/leader-candidate.ts');
const LEASE_MS = 6000;
const RENEW_MS = 4000;
const RETRY_MS = 500;

interface Candidate {
  identity: string;
  child: ChildProcess;
  /** Lines printed so far. */
  lines: string[];
  stderr: () => string;
}

function startCandidate(cluster: Cluster, identity: string, lease: string, release: boolean): Candidate {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, cluster.kubeconfig, identity, lease, ...(release ? ['--release-on-cancel'] : [])],
    {
      cwd: join(ROOT, 'test'),
      env: { ...process.env, LEASE_MS: String(LEASE_MS), RENEW_MS: String(RENEW_MS), RETRY_MS: String(RETRY_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.on('error', (e) => (err += `spawn failed: ${String(e)}\n`));
  return { identity, child, lines, stderr: () => err };
}

/** The time (ms) at which `c` printed `leading`, once it has. */
function ledAt(c: Candidate): number | undefined {
  const line = c.lines.find((l) => l.startsWith('leading '));
  return line === undefined ? undefined : Number(line.split(' ')[2]);
}

async function waitFor<V>(what: string, get: () => V | undefined, timeoutMs: number): Promise<V> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function handOver(t: Test, cluster: Cluster, lease: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<number> {
  const release = signal === 'SIGTERM';
  const a = startCandidate(cluster, 'candidate-a', lease, release);
  const b = startCandidate(cluster, 'candidate-b', lease, release);
  try {
    const leader = await waitFor('a leader', () => [a, b].find((c) => ledAt(c) !== undefined), 30_000);
    const follower = leader === a ? b : a;
    // Let the follower observe the leader and a few renewals.
    await waitFor(
      'the follower to see the leader',
      () => (follower.lines.some((l) => l.startsWith('new-leader')) ? true : undefined),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 3 * RETRY_MS));
    t.equal(ledAt(follower), undefined, 'only one leader at a time');
    const pid = leader.child.pid as number;
    const killedAt = Date.now();
    process.kill(pid, signal);
    await exited(leader.child);
    if (release)
      t.ok(
        leader.lines.some((l) => l.startsWith('stopped ')),
        'the cancelled leader stopped leading',
      );
    const takeover = await waitFor('the follower to take over', () => ledAt(follower), LEASE_MS * 3);
    t.ok(
      follower.lines.some((l) => l.startsWith(`new-leader ${follower.identity} `)),
      'the follower saw itself as the new leader',
    );
    const stored = await cluster.api<{ spec?: { holderIdentity?: string; leaseTransitions?: number } }>(
      `/apis/coordination.k8s.io/v1/namespaces/default/leases/${lease}`,
    );
    t.equal(stored.body.spec?.holderIdentity, follower.identity, 'the lease names the new leader');
    t.equal(stored.body.spec?.leaseTransitions, 1, 'one transition');
    return takeover - killedAt;
  } finally {
    for (const c of [a, b]) {
      if (c.child.exitCode === null && c.child.signalCode === null) {
        c.child.kill('SIGKILL');
        await exited(c.child);
      }
    }
    if (t.passing() === false) t.comment(`stderr a: ${a.stderr()}\nstderr b: ${b.stderr()}`);
  }
}

t.test('leader election hand-over between two processes', async (t) => {
  const cluster = await Cluster.start();
  t.teardown(() => cluster.stop());

  t.test('SIGKILL: the other candidate takes over once the lease expires', async (t) => {
    const elapsed = await handOver(t, cluster, 'killed', 'SIGKILL');
    t.comment(`took over ${elapsed} ms after the kill`);
    // The follower judges expiry from when it observed the last renewal (at most one retry
    // period after it was written, which is at most one retry period before the kill).
    t.ok(elapsed >= LEASE_MS - RETRY_MS - 250, `not before the lease expired (${elapsed} ms)`);
    t.ok(
      elapsed <= LEASE_MS + 2 * RETRY_MS + 1000,
      `within leaseDuration + retryPeriod (+ observation lag and slack): ${elapsed} ms`,
    );
  });

  t.test('SIGTERM with releaseOnCancel: the hand-over is immediate', async (t) => {
    const elapsed = await handOver(t, cluster, 'released', 'SIGTERM');
    t.comment(`took over ${elapsed} ms after SIGTERM`);
    t.ok(elapsed <= RETRY_MS + 1500, `within about one retry period, far below the lease duration (${elapsed} ms)`);
  });
});
