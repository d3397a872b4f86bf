/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's `leaderelection`: a
 * candidate takes the lease when it is free or expired, renews it every retry period, and steps
 * down when it cannot renew within the renew deadline. Expiry is judged by the local clock: a
 * candidate remembers the lease record it last observed and when; a record unchanged for its
 * `leaseDurationSeconds` is expired, whatever the clocks of other machines say. Every write is an
 * optimistic update with the observed resourceVersion (a 409 means someone else wrote first: try
 * again next period).
 */
import { realClock, sleep } from './clock.js';
import type { Clock } from './clock.js';
import { errorCode } from './informer.js';
import type { Lease, LeaseSpec } from './kinds.js';

/**
 * The lease storage leader election needs, scoped to the lease's namespace; a resource client of
 * leases satisfies it. Errors carry a numeric `code`: 404 not found, 409 conflict or already exists.
 */
export interface LeaseStore {
  /** Reads the lease `name`. */
  get(name: string): Promise<Lease>;
  /** Creates a lease (409 if it exists). */
  create(obj: Lease): Promise<Lease>;
  /** Replaces a lease if `metadata.resourceVersion` is current (409 if not). */
  update(obj: Lease): Promise<Lease>;
}

/** What a leader-elected process is told. */
export interface LeaderCallbacks {
  /** This candidate became the leader; `signal` aborts when it stops leading. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** This candidate stopped leading (lost the lease, or was cancelled). */
  onStoppedLeading(): void;
  /** The observed leader changed (also reported for this candidate). */
  onNewLeader?(identity: string): void;
}

/** How a leader elector is configured (durations as client-go's defaults: 15 s, 10 s, 2 s). */
export interface LeaderElectionOptions {
  /** Where the lease lives. */
  lock: LeaseStore;
  /** The lease's name. */
  leaseName: string;
  /** The lease's namespace (written into a lease this candidate creates). */
  leaseNamespace?: string;
  /** This candidate's identity (unique among candidates). */
  identity: string;
  /** How long an unrenewed lease keeps others waiting (ms). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down (ms). */
  renewDeadlineMs?: number;
  /** How often candidates try to acquire and the leader renews (ms). */
  retryPeriodMs?: number;
  /** On cancellation, clear the holder so another candidate can take over at once. */
  releaseOnCancel?: boolean;
  /** The callbacks. */
  callbacks: LeaderCallbacks;
  /** Time source; default the real clock. */
  clock?: Clock;
  /** Told about failed lease reads and writes (other than expected conflicts) and callback errors. */
  onError?(err: unknown): void;
}

/** Where a leader elector is in its life. */
export type LeaderElectorState = 'idle' | 'acquiring' | 'leading' | 'stopped';

/** Formats milliseconds since the epoch as a Kubernetes MicroTime (`2026-01-01T00:00:00.000000Z`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Runs one candidate of a Lease-based election. */
export class LeaderElector {
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private stateValue: LeaderElectorState = 'idle';
  /** The lease record last observed, and when (local clock): the basis of expiry. */
  private observed: { spec: LeaseSpec; resourceVersion: string; at: number } | undefined;
  private reportedLeader: string | undefined;

  /** A candidate; call {@link LeaderElector.run} to take part. */
  constructor(private readonly options: LeaderElectionOptions) {
    this.clock = options.clock ?? realClock;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (options.identity === '') throw new Error('leader election needs an identity');
    if (!(this.leaseDurationMs > this.renewDeadlineMs))
      throw new Error('leaseDurationMs must be greater than renewDeadlineMs');
    if (!(this.renewDeadlineMs > this.retryPeriodMs))
      throw new Error('renewDeadlineMs must be greater than retryPeriodMs');
    if (!(this.retryPeriodMs > 0)) throw new Error('retryPeriodMs must be positive');
  }

  /** 'idle', 'acquiring', 'leading' or 'stopped'. */
  get state(): LeaderElectorState {
    return this.stateValue;
  }

  /** True while this candidate holds the lease. */
  isLeader(): boolean {
    return this.stateValue === 'leading';
  }

  /** The holder of the lease as last observed ('' when free or unknown). */
  getLeader(): string {
    return this.observed?.spec.holderIdentity ?? '';
  }

  /**
   * Takes part until `signal` aborts or leadership is lost: waits to acquire the lease, calls
   * `onStartedLeading`, renews until it cannot (or `signal` aborts), then calls
   * `onStoppedLeading` (only if it led) and resolves. Like client-go's, a candidate that lost
   * the lease does not try again: run a new one (or exit the process).
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.stateValue !== 'idle') throw new Error('LeaderElector.run may be called once');
    this.stateValue = 'acquiring';
    try {
      if (!(await this.acquire(signal))) return;
      this.stateValue = 'leading';
      const leading = new AbortController();
      const onAbort = (): void => leading.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.startLeading(leading.signal);
      await this.renew(signal);
      signal.removeEventListener('abort', onAbort);
      leading.abort();
      if (signal.aborted && this.options.releaseOnCancel === true) await this.release();
      this.stateValue = 'stopped';
      this.options.callbacks.onStoppedLeading();
    } finally {
      this.stateValue = 'stopped';
    }
  }

  private startLeading(signal: AbortSignal): void {
    try {
      Promise.resolve(this.options.callbacks.onStartedLeading(signal)).catch((err: unknown) =>
        this.options.onError?.(err),
      );
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  /** Tries every retry period until it holds the lease (true) or `signal` aborts (false). */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await sleep(this.clock, this.retryPeriodMs, signal);
    }
    return false;
  }

  /** Renews every retry period; returns when a renewal fails past the renew deadline, or on abort. */
  private async renew(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (!(await sleep(this.clock, this.retryPeriodMs, signal))) return;
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted && this.clock.now() < deadline) {
        const result = await raceTimeout(this.clock, this.tryAcquireOrRenew(), deadline - this.clock.now());
        if (result === true) {
          renewed = true;
          break;
        }
        if (!(await sleep(this.clock, Math.min(this.retryPeriodMs, Math.max(0, deadline - this.clock.now())), signal)))
          break;
      }
      if (!renewed || signal.aborted) return;
    }
  }

  /** One attempt, as client-go's tryAcquireOrRenew: true when this candidate holds the lease after it. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { lock, leaseName, identity } = this.options;
    const now = this.clock.now();
    const leaseDurationSeconds = Math.ceil(this.leaseDurationMs / 1000);
    let current: Lease;
    try {
      current = await lock.get(leaseName);
    } catch (err) {
      if (errorCode(err) !== 404) {
        this.options.onError?.(err);
        return false;
      }
      const spec: LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      };
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: leaseName,
          ...(this.options.leaseNamespace !== undefined ? { namespace: this.options.leaseNamespace } : {}),
        },
        spec,
      };
      return this.write(() => lock.create(lease), spec, now);
    }

    const spec = current.spec ?? {};
    const resourceVersion = current.metadata.resourceVersion ?? '';
    if (this.observed === undefined || !sameRecord(this.observed.spec, spec)) {
      this.observed = { spec, resourceVersion, at: now };
    } else {
      this.observed.resourceVersion = resourceVersion;
    }
    this.reportLeader(spec.holderIdentity ?? '');
    const holder = spec.holderIdentity ?? '';
    const heldByUs = holder === identity;
    const observedDurationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && !heldByUs && this.observed.at + observedDurationMs > now) return false;

    const next: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: heldByUs ? (spec.acquireTime ?? microTime(now)) : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: heldByUs ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
    };
    const updated: Lease = { ...current, metadata: { ...current.metadata, resourceVersion }, spec: next };
    return this.write(() => lock.update(updated), next, now);
  }

  /** Performs a create or update; on success records what was written as observed. */
  private async write(op: () => Promise<Lease>, spec: LeaseSpec, now: number): Promise<boolean> {
    try {
      const written = await op();
      this.observed = { spec, resourceVersion: written.metadata.resourceVersion ?? '', at: now };
      this.reportLeader(spec.holderIdentity ?? '');
      return true;
    } catch (err) {
      if (errorCode(err) !== 409) this.options.onError?.(err);
      return false;
    }
  }

  /** Clears the holder (client-go's release) so that another candidate can take over at once. */
  private async release(): Promise<void> {
    const observed = this.observed;
    if (observed === undefined || observed.spec.holderIdentity !== this.options.identity) return;
    const now = this.clock.now();
    const spec: LeaseSpec = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: observed.spec.leaseTransitions ?? 0,
    };
    try {
      const current = await this.options.lock.get(this.options.leaseName);
      if (current.spec?.holderIdentity !== this.options.identity) return;
      await this.options.lock.update({ ...current, spec });
      this.observed = { spec, resourceVersion: '', at: now };
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  private reportLeader(identity: string): void {
    if (identity === '' || identity === this.reportedLeader) return;
    this.reportedLeader = identity;
    try {
      this.options.callbacks.onNewLeader?.(identity);
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}

function sameRecord(a: LeaseSpec, b: LeaseSpec): boolean {
  return (
    (a.holderIdentity ?? '') === (b.holderIdentity ?? '') &&
    (a.leaseDurationSeconds ?? 0) === (b.leaseDurationSeconds ?? 0) &&
    (a.acquireTime ?? '') === (b.acquireTime ?? '') &&
    (a.renewTime ?? '') === (b.renewTime ?? '') &&
    (a.leaseTransitions ?? 0) === (b.leaseTransitions ?? 0)
  );
}

/** Resolves to the promise's value, or to `undefined` if `ms` passes first. */
async function raceTimeout<V>(clock: Clock, promise: Promise<V>, ms: number): Promise<V | undefined> {
  let timer: unknown;
  const timeout = new Promise<undefined>((resolve) => {
    timer = clock.setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}
