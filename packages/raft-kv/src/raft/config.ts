import { RaftError } from './errors.js';
import type { LogStorage } from './storage.js';
import type { NodeId } from './types.js';

/**
 * How ReadIndex confirms leadership: `safe` by a heartbeat round to a quorum; `leaseBased` by
 * trusting that no other leader can exist within an election timeout of the last quorum
 * contact (needs CheckQuorum, bounded clock drift and message delay, and members that do not
 * restart within the lease: a restarted member no longer knows whom it followed and may vote).
 * Without a current lease, a leaseBased read falls back to the heartbeat round.
 */
export type ReadOnlyOption = 'safe' | 'leaseBased';

/**
 * Deliberate bugs, for proving that the simulator catches them. Never set outside tests.
 * - `readWithoutReadIndex`: a leader answers reads at once with its commit index.
 * - `commitPreviousTermByCount`: a leader commits entries of earlier terms by counting replicas.
 * - `forgetVotePersist`: the vote is left out of the hard state handed out to persist.
 */
export interface RaftBugs {
  readonly readWithoutReadIndex?: boolean;
  readonly commitPreviousTermByCount?: boolean;
  readonly forgetVotePersist?: boolean;
}

/** Everything a Raft member needs to start. Time is counted in ticks, randomness injected. */
export interface RaftConfig {
  readonly id: NodeId;
  readonly storage: LogStorage;
  /** Ticks without hearing from a leader before campaigning (randomized in [n, 2n)). */
  readonly electionTick: number;
  /** Ticks between the leader's heartbeats; must be < electionTick. */
  readonly heartbeatTick: number;
  /** A seeded source of uniform numbers in [0, 1). */
  readonly random: () => number;
  /** The last index the application applied before this start (0 for none). */
  readonly applied?: number;
  /** Upper bound of entry bytes in one append message. */
  readonly maxSizePerMsg?: number;
  /** Upper bound of committed entry bytes handed out per Ready. */
  readonly maxCommittedSizePerReady?: number;
  /** In-flight window per follower: messages. */
  readonly maxInflightMsgs?: number;
  /** In-flight window per follower: bytes (0 = no byte limit). */
  readonly maxInflightBytes?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly readOnlyOption?: ReadOnlyOption;
  readonly bugs?: RaftBugs;
}

/** A config with every default filled in. */
export type ResolvedRaftConfig = Required<Omit<RaftConfig, 'bugs'>> & { bugs: RaftBugs };

/** Fills in defaults and refuses impossible settings. */
export function resolveConfig(c: RaftConfig): ResolvedRaftConfig {
  if (c.id === '') throw new RaftError('invalidConfChange', 'a member id must not be empty');
  if (c.heartbeatTick <= 0) throw new RangeError('heartbeatTick must be > 0');
  if (c.electionTick <= c.heartbeatTick) throw new RangeError('electionTick must be > heartbeatTick');
  const readOnlyOption = c.readOnlyOption ?? 'safe';
  const checkQuorum = c.checkQuorum ?? false;
  if (readOnlyOption === 'leaseBased' && !checkQuorum) {
    throw new RangeError('leaseBased reads need checkQuorum: a deposed leader could otherwise serve stale reads');
  }
  return {
    id: c.id,
    storage: c.storage,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    random: c.random,
    applied: c.applied ?? 0,
    maxSizePerMsg: c.maxSizePerMsg ?? 1024 * 1024,
    maxCommittedSizePerReady: c.maxCommittedSizePerReady ?? 8 * 1024 * 1024,
    maxInflightMsgs: c.maxInflightMsgs ?? 256,
    maxInflightBytes: c.maxInflightBytes ?? 0,
    preVote: c.preVote ?? false,
    checkQuorum,
    readOnlyOption,
    bugs: c.bugs ?? {},
  };
}
