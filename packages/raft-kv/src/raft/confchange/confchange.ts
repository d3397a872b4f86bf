import { RaftError } from '../errors.js';
import type { ConfChange, ConfState } from '../types.js';

/**
 * The membership after one change. Bosun changes membership one member at a time (see
 * README.md beside this file): add a voter, add a learner, promote a learner (addVoter of a
 * learner), or remove a member. Demoting a voter and removing the last voter are refused.
 */
export function applyConfChange(cs: ConfState, cc: ConfChange): ConfState {
  const voters = new Set(cs.voters);
  const learners = new Set(cs.learners);
  switch (cc.type) {
    case 'addVoter':
      learners.delete(cc.nodeId);
      voters.add(cc.nodeId);
      break;
    case 'addLearner':
      if (voters.has(cc.nodeId)) {
        throw new RaftError('invalidConfChange', `cannot make voter ${cc.nodeId} a learner`);
      }
      learners.add(cc.nodeId);
      break;
    case 'removeNode':
      voters.delete(cc.nodeId);
      learners.delete(cc.nodeId);
      if (voters.size === 0) throw new RaftError('invalidConfChange', `cannot remove the last voter ${cc.nodeId}`);
      break;
  }
  return { voters: [...voters].sort(), learners: [...learners].sort() };
}

/** How many voters a change adds or removes (0 or 1: one voter at a time keeps quorums overlapping). */
export function voterDelta(before: ConfState, after: ConfState): number {
  const a = new Set(before.voters);
  const b = new Set(after.voters);
  let changed = 0;
  for (const id of a) if (!b.has(id)) changed++;
  for (const id of b) if (!a.has(id)) changed++;
  return changed;
}
