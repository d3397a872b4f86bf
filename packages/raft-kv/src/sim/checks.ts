import type { Ready } from '../raft/rawnode.js';
import type { Entry, HardState, NodeId } from '../raft/types.js';
import type { SimNode } from './sim-node.js';

/** The safety property a failed check names (Raft Figure 3, plus durability and apply order). */
export type SafetyProperty =
  | 'electionSafety'
  | 'logMatching'
  | 'leaderCompleteness'
  | 'stateMachineSafety'
  | 'durableOnQuorum'
  | 'appliedMonotonic'
  | 'linearizability'
  | 'liveness';

/** A broken safety property, with what was seen. */
export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
  constructor(
    readonly property: SafetyProperty,
    detail: string,
  ) {
    super(`${property}: ${detail}`);
  }
}

function digest(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.byteLength; i++) {
    h ^= data[i] as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Where a member's log on disk ends: what a voter compares to grant its vote (§5.4.1). */
interface LogPosition {
  readonly term: number;
  readonly index: number;
}

function diskPosition(node: SimNode): LogPosition {
  const index = node.disk.lastIndex();
  return { term: node.disk.term(index), index };
}

/** Whether the entry is on the member's disk (or covered by its snapshot). */
function holds(node: SimNode, e: Entry): boolean {
  const disk = node.disk;
  if (disk.snapshot().meta.index >= e.index) return true;
  return e.index <= disk.lastIndex() && disk.term(e.index) === e.term;
}

/**
 * A voter lacking the entry whose disk log is at least as up to date as those of a majority of
 * `voters` (itself included), described; undefined when there is none.
 */
function electableWithout(voters: readonly NodeId[], byId: ReadonlyMap<NodeId, SimNode>, e: Entry): string | undefined {
  const quorum = Math.floor(voters.length / 2) + 1;
  for (const id of voters) {
    const candidate = byId.get(id);
    if (!candidate || holds(candidate, e)) continue;
    const c = diskPosition(candidate);
    const granters = voters.filter((v) => {
      const voter = byId.get(v);
      if (!voter) return false; // unknown: assume it refuses
      const p = diskPosition(voter);
      return c.term > p.term || (c.term === p.term && c.index >= p.index);
    });
    if (granters.length >= quorum) {
      return `${id} (log ends at ${c.index}/${c.term}; ${granters.join(',')} of ${voters.length} voters would vote for it)`;
    }
  }
  return undefined;
}

/**
 * Checks Raft's safety properties as the simulation runs, from what members persist, apply
 * and claim:
 * - election safety: at most one leader per term;
 * - log matching: two persisted entries with the same index and term have the same content
 *   and the same previous term (so, by induction, the same log up to there);
 * - leader completeness: a new leader holds every entry applied anywhere so far that was
 *   committed in an earlier term; and, before the fact, when an entry is first applied no
 *   member lacking it could win an election;
 * - state machine safety: no two members apply different entries at one index;
 * - durable on a quorum: an entry, when first applied, is on the disks of a majority of voters;
 * - applied index never goes backwards within a member's life.
 */
export class Checker {
  private readonly leaders = new Map<number, NodeId>();
  private readonly persisted = new Map<number, Map<number, { hash: number; prevTerm: number }>>();
  private readonly applied = new Map<number, { term: number; hash: number }>();
  /** The term in which each index was first known committed. */
  private readonly commitTerms = new Map<number, number>();
  private committedUpTo = 0;
  private maxApplied = 0;
  private readonly lastApplied = new Map<NodeId, number>();

  constructor(private readonly members: () => readonly SimNode[]) {}

  onStart(node: SimNode): void {
    this.lastApplied.set(node.id, node.applied());
  }

  onReady(node: SimNode, rd: Ready): void {
    if (rd.hardState) this.recordCommit(rd.hardState);
    if (rd.softState?.role !== 'leader') return;
    const term = node.raw.raft.term;
    const other = this.leaders.get(term);
    if (other !== undefined && other !== node.id) {
      throw new SafetyViolation('electionSafety', `${other} and ${node.id} both lead term ${term}`);
    }
    this.leaders.set(term, node.id);
    this.checkLeaderCompleteness(node);
  }

  /**
   * Notes the term in which indexes were first known committed. A leader's Ready is the first
   * to show a commit it made (its messages carrying it leave in that same Ready).
   */
  private recordCommit(hs: HardState): void {
    for (let i = this.committedUpTo + 1; i <= hs.commit; i++) this.commitTerms.set(i, hs.term);
    this.committedUpTo = Math.max(this.committedUpTo, hs.commit);
  }

  /**
   * A new leader of term T holds every applied entry committed in a term before T (Figure 3).
   * A candidate of an older term may still win after a newer term committed, with votes cast
   * before: such a leader cannot commit anything, and need not hold what the newer term did.
   */
  private checkLeaderCompleteness(node: SimNode): void {
    const log = node.raw.raft.log;
    const term = node.raw.raft.term;
    for (let i = Math.max(log.firstIndex(), 1); i <= this.maxApplied; i++) {
      const want = this.applied.get(i);
      if (!want || (this.commitTerms.get(i) ?? 0) >= term) continue;
      if (i > log.lastIndex()) {
        throw new SafetyViolation(
          'leaderCompleteness',
          `${node.id} leads term ${term} with last index ${log.lastIndex()} < applied ${i}`,
        );
      }
      const has = log.zeroTermOnError(i);
      if (has !== want.term) {
        throw new SafetyViolation(
          'leaderCompleteness',
          `${node.id} leads with term ${has} at ${i}, applied ${want.term}`,
        );
      }
    }
  }

  onPersist(node: SimNode, rd: Ready): void {
    for (const e of rd.entries) {
      let prevTerm: number;
      try {
        prevTerm = node.disk.term(e.index - 1);
      } catch {
        continue; // the previous entry is compacted away: nothing to compare
      }
      this.recordPersisted(node.id, e, prevTerm);
    }
  }

  private recordPersisted(id: NodeId, e: Entry, prevTerm: number): void {
    const hash = digest(e.data);
    let byTerm = this.persisted.get(e.index);
    if (!byTerm) {
      byTerm = new Map();
      this.persisted.set(e.index, byTerm);
    }
    const seen = byTerm.get(e.term);
    if (!seen) {
      byTerm.set(e.term, { hash, prevTerm });
      return;
    }
    if (seen.hash !== hash || seen.prevTerm !== prevTerm) {
      throw new SafetyViolation(
        'logMatching',
        `${id} persisted a different entry ${e.index}/${e.term} (prev term ${prevTerm} vs ${seen.prevTerm})`,
      );
    }
  }

  onApplySnapshot(node: SimNode, index: number): void {
    this.checkMonotonic(node, index);
  }

  onApply(node: SimNode, e: Entry): void {
    this.checkMonotonic(node, e.index);
    const hash = digest(e.data);
    const seen = this.applied.get(e.index);
    if (seen) {
      if (seen.term !== e.term || seen.hash !== hash) {
        throw new SafetyViolation(
          'stateMachineSafety',
          `${node.id} applies ${e.index}/${e.term}, but ${e.index}/${seen.term} was applied elsewhere`,
        );
      }
      return;
    }
    this.applied.set(e.index, { term: e.term, hash });
    this.maxApplied = Math.max(this.maxApplied, e.index);
    this.checkDurable(node, e);
    this.checkNoElectableWithout(node, e);
  }

  /**
   * Leader completeness, checked before it is too late (the argument of §5.4.3): once an entry
   * is committed, a majority of voters hold a log strictly more up to date than that of any
   * member lacking it, so no such member can collect the votes to lead. Checked when the entry
   * is first applied, on disks, in the applying member's membership or the one before its
   * last change. A leader that commits an entry of an earlier term by counting replicas
   * (Figure 8) fails this at once, before a rival actually wins an election and overwrites it.
   */
  private checkNoElectableWithout(node: SimNode, e: Entry): void {
    const byId = new Map(this.members().map((m) => [m.id, m]));
    const configs = [node.membership().voters, node.previousMembership().voters].filter((v) => v.length > 0);
    const rivals = configs.map((voters) => electableWithout(voters, byId, e));
    const rival = rivals[0];
    if (rival === undefined || rivals.includes(undefined)) return;
    throw new SafetyViolation(
      'leaderCompleteness',
      `${node.id} applies ${e.index}/${e.term}, but ${rival} lacks it and could still be elected`,
    );
  }

  /**
   * The entry must be on the disks of a majority of the voters of the membership that
   * committed it: the applying member's, or the one before its last change (a change takes
   * effect when applied, so the entries right after it were committed by the old one).
   */
  private checkDurable(node: SimNode, e: Entry): void {
    const byId = new Map(this.members().map((m) => [m.id, m]));
    const copiesIn = (voters: readonly NodeId[]): number => {
      let copies = 0;
      for (const id of voters) {
        const disk = byId.get(id)?.disk;
        if (!disk) continue;
        if (disk.snapshot().meta.index >= e.index) copies++;
        else if (e.index <= disk.lastIndex() && disk.term(e.index) === e.term) copies++;
      }
      return copies;
    };
    const configs = [node.membership().voters, node.previousMembership().voters];
    if (configs.some((voters) => copiesIn(voters) >= Math.floor(voters.length / 2) + 1)) return;
    const voters = configs[0] as readonly NodeId[];
    throw new SafetyViolation(
      'durableOnQuorum',
      `${node.id} applies ${e.index}/${e.term} held by ${copiesIn(voters)} of ${voters.length} voters' disks`,
    );
  }

  private checkMonotonic(node: SimNode, index: number): void {
    const last = this.lastApplied.get(node.id) ?? 0;
    if (index <= last) {
      throw new SafetyViolation('appliedMonotonic', `${node.id} applies ${index} after ${last}`);
    }
    this.lastApplied.set(node.id, index);
  }

  /** The number of entries applied somewhere so far. */
  appliedCount(): number {
    return this.maxApplied;
  }
}
