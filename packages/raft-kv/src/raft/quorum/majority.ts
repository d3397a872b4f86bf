import type { NodeId } from '../types.js';

/** The outcome of an election so far. */
export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * The index that a majority of `voters` have (match index per voter, 0 when unknown): the
 * largest index i such that more than half of the voters have match >= i.
 * An empty voter set commits nothing (returns 0).
 */
export function committedIndex(voters: ReadonlySet<NodeId>, match: (id: NodeId) => number): number {
  const n = voters.size;
  if (n === 0) return 0;
  const indexes = [...voters].map(match).sort((a, b) => b - a);
  return indexes[Math.floor(n / 2)] ?? 0;
}

/** Whether the granted and refused votes so far decide an election among `voters`. */
export function voteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  const quorum = Math.floor(voters.size / 2) + 1;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}

/** Whether `ids` include a majority of `voters`. */
export function hasQuorum(voters: ReadonlySet<NodeId>, ids: (id: NodeId) => boolean): boolean {
  let n = 0;
  for (const id of voters) if (ids(id)) n++;
  return n >= Math.floor(voters.size / 2) + 1;
}
