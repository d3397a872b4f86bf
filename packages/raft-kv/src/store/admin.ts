import { NodeError } from '../node/raft-node.js';
import type { Store } from './embedded.js';

/** The reserved key prefix where members publish their URLs, so that clients can find them. */
export const MEMBER_KEY_PREFIX = '\u0000bosun/members/';

/** One member, as `member list` shows it. */
export interface MemberInfo {
  readonly name: string;
  readonly peerURL: string;
  /** Empty until the member has started and published it. */
  readonly clientURL: string;
  readonly isLearner: boolean;
}

/** The membership and who leads. */
export interface MemberListResponse {
  readonly leader: string;
  readonly members: readonly MemberInfo[];
}

/**
 * Cluster administration, as etcdctl's `member`, `move-leader` and `snapshot save` have it.
 * Changes go through Raft one at a time; a learner is promoted only once it has caught up.
 */
export interface ClusterAdmin {
  memberList(): Promise<MemberListResponse>;
  /** Adds a member (as a learner by default: it gets the log, then `memberPromote` makes it vote). */
  memberAdd(name: string, peerURL: string, options?: { learner?: boolean }): Promise<MemberListResponse>;
  memberRemove(name: string): Promise<MemberListResponse>;
  memberPromote(name: string): Promise<MemberListResponse>;
  /** Hands leadership to another voter; resolves once it leads (must be called on the leader). */
  moveLeader(name: string): Promise<void>;
  /** The whole keyspace at a linearizable point, as a snapshot a new cluster can start from. */
  snapshot(): Promise<Uint8Array>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** How far behind the leader a learner may be and still be promoted. */
const PROMOTE_MAX_LAG = 1000;

/** {@link ClusterAdmin} over a member's own store. */
export class StoreAdmin implements ClusterAdmin {
  constructor(private readonly store: Store) {}

  memberList(): Promise<MemberListResponse> {
    return this.list(false);
  }

  /**
   * The membership; after a change it was applied here, so the local (serializable) view is the
   * answer: a linearizable read could fail if this member just lost leadership (removing itself),
   * and the client would then retry a change that already happened.
   */
  private async list(serializable: boolean): Promise<MemberListResponse> {
    const published = await this.store.range(MEMBER_KEY_PREFIX, { prefix: true, serializable });
    const urls = new Map<string, { peerURL?: string; clientURL?: string }>();
    for (const kv of published.kvs) {
      const name = decoder.decode(kv.key).slice(MEMBER_KEY_PREFIX.length);
      urls.set(name, JSON.parse(decoder.decode(kv.value)) as { peerURL?: string; clientURL?: string });
    }
    const { voters, learners } = this.store.node.membership();
    const info = (name: string, isLearner: boolean): MemberInfo => ({
      name,
      peerURL: urls.get(name)?.peerURL ?? '',
      clientURL: urls.get(name)?.clientURL ?? '',
      isLearner,
    });
    return {
      leader: this.store.node.status().lead,
      members: [...voters.map((v) => info(v, false)), ...learners.map((l) => info(l, true))],
    };
  }

  async memberAdd(name: string, peerURL: string, options: { learner?: boolean } = {}): Promise<MemberListResponse> {
    if (!/^[A-Za-z0-9._-]{1,63}$/.test(name)) throw new NodeError('badRequest', `invalid member name "${name}"`);
    new URL(peerURL); // throws on a malformed URL
    // At the leader, as every change: a follower's forwarded change is dropped silently while
    // another is pending, and its caller waited out the request timeout for an unknown outcome.
    this.atLeader('member add');
    const { voters, learners } = this.store.node.membership();
    if (voters.includes(name) || learners.includes(name)) {
      throw new NodeError('badRequest', `member ${name} already exists`);
    }
    await this.store.put(`${MEMBER_KEY_PREFIX}${name}`, JSON.stringify({ peerURL, clientURL: '' }));
    const context = encoder.encode(JSON.stringify({ peerURL }));
    await this.store.node.changeMembership({
      type: options.learner === false ? 'addVoter' : 'addLearner',
      nodeId: name,
      context,
    });
    return this.list(true);
  }

  async memberRemove(name: string): Promise<MemberListResponse> {
    const { voters, learners } = this.store.node.membership();
    if (!voters.includes(name) && !learners.includes(name))
      throw new NodeError('badRequest', `no member named ${name}`);
    // At the leader: a member removing itself would never hear that its removal committed.
    this.atLeader('member remove');
    await this.store.deleteRange(`${MEMBER_KEY_PREFIX}${name}`);
    await this.store.node.changeMembership({ type: 'removeNode', nodeId: name });
    return this.list(true);
  }

  async memberPromote(name: string): Promise<MemberListResponse> {
    const node = this.store.node;
    if (!node.membership().learners.includes(name)) throw new NodeError('badRequest', `${name} is not a learner`);
    const status = this.atLeader('member promote');
    const progress = status.progress.get(name);
    // Caught up: the leader has found where the learner's log matches and streams to it, and it
    // is within PROMOTE_MAX_LAG entries of the commit index.
    if (!progress || progress.state !== 'replicate' || progress.match + PROMOTE_MAX_LAG < status.commit) {
      throw new NodeError(
        'badRequest',
        `learner ${name} has not caught up yet (at ${progress?.match ?? 0} of ${status.commit})`,
      );
    }
    await node.changeMembership({ type: 'addVoter', nodeId: name });
    return this.list(true);
  }

  async moveLeader(name: string): Promise<void> {
    const node = this.store.node;
    const status = this.atLeader('move-leader');
    if (!node.membership().voters.includes(name)) throw new NodeError('badRequest', `${name} is not a voter`);
    if (name === status.id) return;
    node.transferLeadership(name);
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (node.status().lead === name) return;
    }
    throw new NodeError('timeout', `leadership did not move to ${name} within 5 s`);
  }

  /**
   * Membership changes run at the leader: it refuses (and the client retries) while a change is
   * pending, instead of a follower's forwarded proposal being dropped silently.
   */
  private atLeader(what: string): ReturnType<Store['node']['status']> {
    const status = this.store.node.status();
    if (status.role !== 'leader') throw new NodeError('notLeader', `${what} must run at the leader`, status.lead);
    return status;
  }

  async snapshot(): Promise<Uint8Array> {
    return this.store.snapshotData();
  }
}
