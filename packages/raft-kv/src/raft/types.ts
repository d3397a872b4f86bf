/**
 * The vocabulary of the Raft core: entries, hard state, snapshots, configurations and
 * messages. Plain data only, so that every value can be persisted, sent and printed.
 */

/** A member's identity. Stable for the member's life; a replacement member gets a new one. */
export type NodeId = string;

/** What an entry carries: an application command, or a membership change. */
export type EntryType = 'normal' | 'confChange';

/**
 * One log entry.
 * Invariant: index >= 1; within a log, terms never decrease as indexes increase.
 */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** The command (for `confChange`, an encoded {@link ConfChange}); empty for the leader's no-op. */
  readonly data: Uint8Array;
}

/**
 * What must be on stable storage before a member answers a message (Raft Figure 2).
 * Invariant: commit never decreases; vote is reset only when term increases.
 */
export interface HardState {
  readonly term: number;
  /** Whom this member voted for in `term`, or '' for nobody. */
  readonly vote: NodeId;
  readonly commit: number;
}

/** The membership of the cluster: who votes and who only listens. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** A membership change, one member at a time (see confchange/README.md for why that is safe). */
export type ConfChangeType = 'addVoter' | 'addLearner' | 'removeNode';

/**
 * A proposed membership change. `addVoter` of a current learner promotes it.
 * `context` is opaque to Raft (the cluster layer puts the member's URLs there).
 */
export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  readonly context?: Uint8Array;
}

/** Where a snapshot stands in the log, and the membership as of that point. */
export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

/** The application's state machine at `meta.index`, as opaque bytes. */
export interface Snapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

/**
 * Messages between members. Each is one of a closed set of string literals so that traces
 * read like the paper. Local-only kinds never cross the network: the caller steps them
 * into its own node.
 */
export type MessageType =
  // elections (§5.2, PreVote §9.6)
  | 'preVote'
  | 'preVoteResp'
  | 'vote'
  | 'voteResp'
  // replication (§5.3)
  | 'append'
  | 'appendResp'
  | 'heartbeat'
  | 'heartbeatResp'
  | 'snapshot'
  // a follower forwarding a client request to the leader
  | 'propose'
  | 'readIndex'
  | 'readIndexResp'
  // leadership transfer (§3.10 of the dissertation)
  | 'timeoutNow';

/** One message. Fields beyond `type`, `from`, `to` and `term` are set per type, as documented. */
export interface Message {
  readonly type: MessageType;
  readonly from: NodeId;
  readonly to: NodeId;
  /** The sender's term; 0 for a `propose` or `readIndex` forwarded to the leader. */
  readonly term: number;
  /** append: index of the entry before `entries`; vote: last log index; appendResp: match or reject hint. */
  readonly index?: number;
  /** append: term of the entry at `index`; vote: last log term; appendResp: term of the reject hint. */
  readonly logTerm?: number;
  /** append / propose: the entries. */
  readonly entries?: readonly Entry[];
  /** append / heartbeat: the leader's commit index (heartbeat: min(match, commit)). */
  readonly commit?: number;
  /** appendResp / voteResp / preVoteResp: the request was refused. */
  readonly reject?: boolean;
  /** appendResp with reject: the index the follower suggests probing next (fast back-off). */
  readonly rejectHint?: number;
  /** snapshot: the snapshot to install. */
  readonly snapshot?: Snapshot;
  /** heartbeat / heartbeatResp / readIndex / readIndexResp: the read request's context. */
  readonly context?: Uint8Array;
  /** vote / preVote: sent because of a leadership transfer, so leader stickiness is bypassed. */
  readonly transfer?: boolean;
}

/** The role a member plays. */
export type RaftRole = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** A linearizable read that may now be served: once `appliedIndex >= index`. */
export interface ReadState {
  readonly index: number;
  readonly context: Uint8Array;
}

/** The soft state: who leads as far as this member knows, and its own role. Not persisted. */
export interface SoftState {
  readonly leader: NodeId;
  readonly role: RaftRole;
}
