import { invariant } from '../errors.js';
import { committedIndex, hasQuorum, voteResult, type VoteResult } from '../quorum/majority.js';
import type { ConfState, NodeId } from '../types.js';
import { Progress } from './progress.js';

/** Flow-control limits for every follower. */
export interface ProgressLimits {
  readonly maxInflightMsgs: number;
  readonly maxInflightBytes: number;
}

/**
 * The membership and, on a leader, the replication progress of every member.
 * Invariants: voters and learners are disjoint; every member has a Progress entry.
 */
export class ProgressTracker {
  voters = new Set<NodeId>();
  learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();

  constructor(private readonly limits: ProgressLimits) {}

  /** Sets the membership, keeping the progress of members that stay and creating the rest. */
  setConfig(cs: ConfState, nextIndex: number): void {
    this.voters = new Set(cs.voters);
    this.learners = new Set(cs.learners);
    for (const id of [...this.progress.keys()]) {
      if (!this.voters.has(id) && !this.learners.has(id)) this.progress.delete(id);
    }
    for (const id of [...this.voters, ...this.learners]) {
      const existing = this.progress.get(id);
      if (existing) existing.isLearner = this.learners.has(id);
      else this.progress.set(id, new Progress(nextIndex, this.limits, this.learners.has(id)));
    }
    this.check();
  }

  confState(): ConfState {
    return { voters: [...this.voters].sort(), learners: [...this.learners].sort() };
  }

  isMember(id: NodeId): boolean {
    return this.voters.has(id) || this.learners.has(id);
  }

  /** The highest index on a majority of voters. */
  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match ?? 0);
  }

  /**
   * CheckQuorum: whether a majority of voters answered less than `window` ticks before `now`
   * (ticks of the leader's clock, as recorded in each Progress's lastContact; `self` always counts).
   */
  quorumHeardWithin(self: NodeId, now: number, window: number): boolean {
    return hasQuorum(this.voters, (id) => {
      if (id === self) return true;
      const pr = this.progress.get(id);
      return pr !== undefined && now - pr.lastContact < window;
    });
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): VoteResult {
    return voteResult(this.voters, this.votes);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Every member except `self`, learners included. */
  peers(self: NodeId): NodeId[] {
    return [...this.progress.keys()].filter((id) => id !== self);
  }

  private check(): void {
    for (const id of this.learners) invariant(!this.voters.has(id), () => `${id} is both voter and learner`);
  }
}
