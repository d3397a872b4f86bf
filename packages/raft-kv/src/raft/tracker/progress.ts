import { invariant } from '../errors.js';
import { Inflights } from './inflights.js';

/**
 * How the leader replicates to a follower:
 * - `probe`: one append at a time until the follower's match is found;
 * - `replicate`: pipelined appends within the in-flight window;
 * - `snapshot`: a snapshot is on its way; nothing else is sent until it is acknowledged.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/**
 * The leader's view of one follower's log.
 * Invariant: 0 <= match < next.
 */
export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In `snapshot` state: the index of the snapshot sent. */
  pendingSnapshot = 0;
  /** Heard from within the last election timeout (for status pages). */
  recentActive = false;
  /** The leader's tick when this member last answered (CheckQuorum and lease reads use it). */
  lastContact = 0;
  /** In `probe` state: an append was sent and not yet answered. */
  probeSent = false;
  readonly inflights: Inflights;

  constructor(
    next: number,
    limits: { maxInflightMsgs: number; maxInflightBytes: number },
    public isLearner: boolean,
  ) {
    this.next = next;
    this.inflights = new Inflights(limits.maxInflightMsgs, limits.maxInflightBytes);
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }

  becomeProbe(): void {
    const fromSnapshot = this.state === 'snapshot' ? this.pendingSnapshot : 0;
    this.resetState('probe');
    this.next = Math.max(this.match + 1, fromSnapshot + 1);
    this.check();
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** The follower acknowledged entries up to n; returns whether match advanced. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    this.check();
    return updated;
  }

  /**
   * The follower rejected an append at `rejected`; move next back (to at most `hint` + 1).
   * Returns false when the rejection is stale (an answer to an older probe).
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1, 1);
    this.probeSent = false;
    this.check();
    return true;
  }

  /** Whether the leader must hold back appends to this follower for now. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  /** An append with `count` entries ending at `lastIndex` was sent. */
  sentEntries(count: number, lastIndex: number, bytes: number): void {
    if (this.state === 'replicate' && count > 0) {
      this.next = lastIndex + 1;
      this.inflights.add(lastIndex, bytes);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
    this.check();
  }

  private check(): void {
    invariant(0 <= this.match && this.match < this.next, () => `progress match ${this.match} next ${this.next}`);
  }
}
