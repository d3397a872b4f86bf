import { encodeConfChange } from './codec.js';
import type { RaftConfig } from './config.js';
import { RaftError } from './errors.js';
import { Raft } from './raft.js';
import type { ProgressState } from './tracker/progress.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  MessageType,
  NodeId,
  RaftRole,
  ReadState,
  Snapshot,
  SoftState,
} from './types.js';

/**
 * What the application must do after stepping the node, in this order:
 * 1. persist `snapshot`, `entries` and `hardState` (one fsync when `mustSync`);
 * 2. send `messagesAfterPersist` (`messages` may be sent at once, even before step 1);
 * 3. apply `snapshot` and then `committedEntries` to the state machine (for a `confChange`
 *    entry, call {@link RawNode.applyConfChange}); serve `readStates` once applied reaches them;
 * 4. call {@link RawNode.advance} with this Ready.
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  /** A leader's appends, heartbeats and snapshots: safe to send before the local persist. */
  readonly messages: readonly Message[];
  /** Votes and responses: they promise what this member has on disk, so they wait for it. */
  readonly messagesAfterPersist: readonly Message[];
  readonly readStates: readonly ReadState[];
  readonly mustSync: boolean;
}

/** A peer's replication progress, as the leader sees it. */
export interface PeerProgress {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly recentActive: boolean;
  readonly isLearner: boolean;
}

/** A snapshot of a member's Raft state for status pages and tests. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly lead: NodeId;
  readonly role: RaftRole;
  readonly confState: ConfState;
  readonly leadTransferee: NodeId;
  /** On a leader: every member's progress. */
  readonly progress: ReadonlyMap<NodeId, PeerProgress>;
}

const sendBeforePersist: ReadonlySet<MessageType> = new Set(['append', 'heartbeat', 'snapshot', 'timeoutNow']);

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/**
 * The application's handle on a Raft member, in the style of etcd-io/raft's RawNode: step it
 * with messages, ticks and requests; when {@link hasReady}, take a {@link Ready}, do the I/O
 * it asks for, and {@link advance}. Synchronous and deterministic: all time is ticks and all
 * randomness comes from the config's generator.
 */
export class RawNode {
  readonly raft: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoft = this.softState();
    this.prevHard = this.raft.hardState();
  }

  /** Advances time by one tick. */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (if this member may). */
  campaign(): void {
    this.raft.hup('election');
  }

  /** Proposes a command; throws `proposalDropped` when there is no leader to take it. */
  propose(data: Uint8Array): void {
    this.proposeEntries([{ term: 0, index: 0, type: 'normal', data }]);
  }

  /**
   * Proposes several commands as one proposal: they are appended together and travel to each
   * follower in one append message. Throws `proposalDropped` for all of them, or takes all.
   */
  proposeMany(data: readonly Uint8Array[]): void {
    if (data.length === 0) return;
    this.proposeEntries(data.map((d) => ({ term: 0, index: 0, type: 'normal', data: d })));
  }

  /** Proposes a membership change (one at a time; see confchange/README.md). */
  proposeConfChange(cc: ConfChange): void {
    this.proposeEntries([{ term: 0, index: 0, type: 'confChange', data: encodeConfChange(cc) }]);
  }

  private proposeEntries(entries: Entry[]): void {
    if (this.raft.role !== 'leader' && this.raft.lead === '') {
      throw new RaftError('proposalDropped', 'no leader is known');
    }
    this.raft.step({ type: 'propose', from: this.raft.id, to: this.raft.id, term: 0, entries });
  }

  /**
   * Asks for a linearizable read point: a {@link ReadState} with this context appears in a later
   * Ready once leadership is confirmed; the read may be served when applied >= its index.
   */
  readIndex(context: Uint8Array): void {
    if (this.raft.role !== 'leader' && this.raft.lead === '') {
      throw new RaftError('proposalDropped', 'no leader is known');
    }
    this.raft.step({ type: 'readIndex', from: this.raft.id, to: this.raft.id, term: 0, context });
  }

  /** Feeds a message received from a peer. Messages addressed to others are refused. */
  step(m: Message): void {
    if (m.to !== this.raft.id) throw new Error(`message for ${m.to} stepped into ${this.raft.id}`);
    if (m.from !== this.raft.id && !this.raft.tracker.progress.has(m.from) && m.type === 'appendResp') {
      return; // an answer from a member that has since been removed
    }
    this.raft.step(m);
  }

  /** Applies a committed membership change; returns the new membership. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  transferLeader(to: NodeId): void {
    this.raft.transferLeader(to);
  }

  reportUnreachable(id: NodeId): void {
    this.raft.reportUnreachable(id);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.reportSnapshot(id, ok);
  }

  private softState(): SoftState {
    return { leader: this.raft.lead, role: this.raft.role };
  }

  hasReady(): boolean {
    const r = this.raft;
    const soft = this.softState();
    return (
      soft.leader !== this.prevSoft.leader ||
      soft.role !== this.prevSoft.role ||
      !sameHardState(r.hardState(), this.prevHard) ||
      r.log.unstable.snapshot !== undefined ||
      r.log.unstableEntries().length > 0 ||
      r.log.hasNextCommittedEntries() ||
      r.msgs.length > 0 ||
      r.readStates.length > 0
    );
  }

  /** Collects what the application must do now; call {@link advance} with it when done. */
  ready(): Ready {
    const r = this.raft;
    const soft = this.softState();
    const hard = r.hardState();
    const entries = [...r.log.unstableEntries()];
    const snapshot = r.log.unstable.snapshot;
    const hardChanged = !sameHardState(hard, this.prevHard);
    const messages: Message[] = [];
    const messagesAfterPersist: Message[] = [];
    for (const m of r.msgs) (sendBeforePersist.has(m.type) ? messages : messagesAfterPersist).push(m);
    r.msgs = [];
    const rd: Ready = {
      ...(soft.leader !== this.prevSoft.leader || soft.role !== this.prevSoft.role ? { softState: soft } : {}),
      ...(hardChanged ? { hardState: hard } : {}),
      ...(snapshot ? { snapshot } : {}),
      entries,
      committedEntries: r.log.nextCommittedEntries(),
      messages,
      messagesAfterPersist,
      readStates: r.readStates,
      mustSync:
        entries.length > 0 ||
        snapshot !== undefined ||
        hard.term !== this.prevHard.term ||
        hard.vote !== this.prevHard.vote,
    };
    r.readStates = [];
    this.prevSoft = soft;
    if (rd.hardState) this.prevHard = rd.hardState;
    return rd;
  }

  /** The application finished the Ready: persisted, sent and applied what it asked. */
  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.snapshot) {
      r.log.stableSnapTo(rd.snapshot.meta.index);
      r.log.appliedSnapshot(rd.snapshot.meta.index);
    }
    const last = rd.entries[rd.entries.length - 1];
    if (last) r.log.stableTo(last.index, last.term);
    const applied = rd.committedEntries[rd.committedEntries.length - 1];
    if (applied) r.log.appliedTo(applied.index);
    if (last) r.onPersisted(r.log.unstable.offset - 1);
  }

  status(): RaftStatus {
    const r = this.raft;
    const progress = new Map<NodeId, PeerProgress>();
    if (r.role === 'leader') {
      for (const [id, pr] of r.tracker.progress) {
        progress.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          recentActive: pr.recentActive,
          isLearner: pr.isLearner,
        });
      }
    }
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      lead: r.lead,
      role: r.role,
      confState: r.tracker.confState(),
      leadTransferee: r.leadTransferee,
      progress,
    };
  }
}
