import { applyConfChange } from './confchange/confchange.js';
import { resolveConfig, type RaftConfig, type ResolvedRaftConfig } from './config.js';
import { RaftError, invariant } from './errors.js';
import { RaftLog } from './log/raft-log.js';
import { ReadOnly } from './read-only.js';
import { entrySize } from './storage.js';
import { ProgressTracker } from './tracker/tracker.js';
import { hasQuorum } from './quorum/majority.js';
import { decodeConfChange } from './codec.js';
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
} from './types.js';

/** A message without the sender and term, which {@link Raft.send} fills in. */
type Outgoing = Omit<Message, 'from' | 'term'> & { term?: number };

const emptyData = new Uint8Array();

/**
 * The Raft state machine of one member: pure, synchronous and deterministic. It is driven by
 * {@link step} (messages), {@link tick} (time) and the local requests, and accumulates what the
 * caller must persist, send and apply; {@link RawNode} packages those as a Ready.
 */
export class Raft {
  readonly id: NodeId;
  readonly cfg: ResolvedRaftConfig;
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  private readonly readOnly = new ReadOnly();

  /** Invariant: term never decreases; vote is '' or a member voted for in this term. */
  term = 0;
  vote: NodeId = '';
  role: RaftRole = 'follower';
  /** The leader of `term` as far as this member knows, or ''. */
  lead: NodeId = '';
  /** A leadership transfer in progress to this member, or ''. */
  leadTransferee: NodeId = '';
  /** The index of the newest membership change this leader proposed; only one may be pending. */
  pendingConfIndex = 0;

  /** Outgoing messages, in order; RawNode splits them by whether they must wait for the persist. */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** Reads that arrived before this leader committed an entry of its term. */
  private pendingReads: Message[] = [];

  /** The current campaign was started by a leadership transfer (its requests bypass stickiness). */
  private campaignTransfer = false;
  private electionElapsed = 0;
  /** Ticks since this member became leader; peers' lastContact is on this clock. */
  private leaderTicks = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;

  constructor(config: RaftConfig) {
    this.cfg = resolveConfig(config);
    this.id = this.cfg.id;
    this.log = new RaftLog(this.cfg.storage, this.cfg.maxCommittedSizePerReady);
    this.tracker = new ProgressTracker(this.cfg);
    const { hardState, confState } = this.cfg.storage.initialState();
    this.tracker.setConfig(confState, this.log.lastIndex() + 1);
    if (hardState.term !== 0 || hardState.commit !== 0) this.loadHardState(hardState);
    if (this.cfg.applied > 0) this.log.appliedTo(this.cfg.applied);
    this.becomeFollower(this.term, '');
  }

  private loadHardState(hs: HardState): void {
    invariant(hs.commit <= this.log.lastIndex(), () => `hard state commit ${hs.commit} past ${this.log.lastIndex()}`);
    this.log.committed = Math.max(this.log.committed, hs.commit);
    this.term = hs.term;
    this.vote = hs.vote;
  }

  hardState(): HardState {
    const vote = this.cfg.bugs.forgetVotePersist ? '' : this.vote;
    return { term: this.term, vote, commit: this.log.committed };
  }

  /** A voter that is not a learner and knows itself to be in the configuration. */
  promotable(): boolean {
    return this.tracker.voters.has(this.id);
  }

  // ---------------------------------------------------------------- roles

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = '';
    }
    this.lead = '';
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTick + Math.floor(this.cfg.random() * this.cfg.electionTick);
    this.leadTransferee = '';
    this.tracker.resetVotes();
    const last = this.log.lastIndex();
    for (const [id, pr] of this.tracker.progress) {
      pr.becomeProbe();
      pr.match = 0;
      pr.next = last + 1;
      pr.recentActive = false;
      pr.lastContact = 0;
      if (id === this.id) pr.match = this.stableLastIndex();
    }
    this.pendingConfIndex = 0;
    this.readOnly.reset();
    this.pendingReads = [];
  }

  /** The last index this member has persisted (its own match as a leader). */
  private stableLastIndex(): number {
    return this.log.unstable.offset - 1;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.role = 'follower';
    this.lead = lead;
  }

  private becomePreCandidate(): void {
    invariant(this.role !== 'leader', () => 'a leader cannot become a pre-candidate');
    // PreVote does not change the term or the vote; it only asks whether an election could win.
    this.tracker.resetVotes();
    this.role = 'preCandidate';
    this.lead = '';
    this.heartbeatElapsed = 0;
  }

  private becomeCandidate(): void {
    invariant(this.role !== 'leader', () => 'a leader cannot become a candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    invariant(this.role === 'candidate', () => `only a candidate can become leader (was ${this.role})`);
    this.reset(this.term);
    this.leaderTicks = 0;
    this.role = 'leader';
    this.lead = this.id;
    const self = this.tracker.progress.get(this.id);
    self?.becomeReplicate();
    // Conservatively treat everything in the log as possibly holding a membership change.
    this.pendingConfIndex = this.log.lastIndex();
    // §8: a no-op of the new term lets the leader learn what is committed.
    this.appendEntries([{ term: 0, index: 0, type: 'normal', data: emptyData }]);
  }

  // ---------------------------------------------------------------- time

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.role === 'candidate' || this.role === 'preCandidate') {
      this.heartbeatElapsed++;
      if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
        this.heartbeatElapsed = 0;
        this.requestVotes();
      }
    }
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup('election');
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    this.leaderTicks++;
    // CheckQuorum: step down as soon as a quorum has not been heard from for an election timeout.
    if (this.cfg.checkQuorum && !this.heardFromQuorum()) {
      this.becomeFollower(this.term, '');
      return;
    }
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      for (const [id, pr] of this.tracker.progress) pr.recentActive = id === this.id;
      // A transfer that did not finish within an election timeout is abandoned.
      this.leadTransferee = '';
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat(this.readOnly.lastPendingContext());
    }
  }

  // ---------------------------------------------------------------- elections

  /** Starts an election (or a pre-vote) if this member may: `transfer` skips PreVote. */
  hup(kind: 'election' | 'transfer'): void {
    if (this.role === 'leader' || !this.promotable()) return;
    if (this.hasUnappliedConfChanges()) return;
    if (kind === 'election' && this.cfg.preVote) this.campaign('preElection');
    else this.campaign(kind);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.log.committed <= this.log.applied) return false;
    try {
      const ents = this.log.slice(this.log.applied + 1, this.log.committed + 1, Number.MAX_SAFE_INTEGER);
      return ents.some((e) => e.type === 'confChange');
    } catch {
      return true; // compacted underneath us: be conservative
    }
  }

  private campaign(kind: 'preElection' | 'election' | 'transfer'): void {
    if (kind === 'preElection') this.becomePreCandidate();
    else this.becomeCandidate();
    this.tracker.recordVote(this.id, true);
    if (this.tracker.tallyVotes() === 'won') {
      // A single voter wins at once.
      if (kind === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    this.campaignTransfer = kind === 'transfer';
    this.requestVotes();
  }

  /**
   * Asks every voter that has not answered yet for its (pre-)vote. A candidate repeats this
   * every heartbeat interval (§5.1: servers retry RPCs that got no answer), so a lost request
   * or a voter that restarted does not cost a whole election timeout.
   */
  private requestVotes(): void {
    const preVote = this.role === 'preCandidate';
    const voteType: MessageType = preVote ? 'preVote' : 'vote';
    const term = preVote ? this.term + 1 : this.term;
    const index = this.log.lastIndex();
    const logTerm = this.log.lastTerm();
    for (const id of this.tracker.voters) {
      if (id === this.id || this.tracker.votes.has(id)) continue;
      this.send({ type: voteType, to: id, term, index, logTerm, transfer: this.campaignTransfer });
    }
  }

  private handleVoteRequest(m: Message): void {
    // A vote we already cast for the same candidate, an unused vote with no known leader, or a
    // pre-vote for a future term may be granted, if the candidate's log is at least as up to date.
    const canVote =
      this.vote === m.from || (this.vote === '' && this.lead === '') || (m.type === 'preVote' && m.term > this.term);
    const respType: MessageType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    if (canVote && this.log.isUpToDate(m.index ?? 0, m.logTerm ?? 0)) {
      this.send({ type: respType, to: m.from, term: m.term });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  private handleVoteResponse(m: Message): void {
    const expected: MessageType = this.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
    if (m.type !== expected) return;
    this.tracker.recordVote(m.from, !m.reject);
    switch (this.tracker.tallyVotes()) {
      case 'won':
        if (this.role === 'preCandidate') this.campaign('election');
        else {
          this.becomeLeader();
          this.bcastAppend();
        }
        break;
      case 'lost':
        this.becomeFollower(this.term, '');
        break;
      case 'pending':
        break;
    }
  }

  // ---------------------------------------------------------------- step

  /** Feeds one message from a peer (or a forwarded request) into the state machine. */
  step(m: Message): void {
    if (m.term > this.term) {
      if (!this.acceptHigherTerm(m)) return;
    } else if (m.term < this.term && m.term !== 0) {
      this.answerStaleTerm(m);
      return;
    }
    switch (m.type) {
      case 'vote':
      case 'preVote':
        this.handleVoteRequest(m);
        return;
      default:
        break;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  /** Handles a message of a higher term; returns whether to go on processing it. */
  private acceptHigherTerm(m: Message): boolean {
    if (m.type === 'vote' || m.type === 'preVote') {
      // Leader stickiness (§4.2.3): ignore votes while we hear from a live leader, unless the
      // leader itself asked for the election by a transfer.
      const inLease = this.cfg.checkQuorum && this.lead !== '' && this.electionElapsed < this.cfg.electionTick;
      if (inLease && !m.transfer) return false;
    }
    if (m.type === 'preVote') return true; // a pre-vote never changes our term
    if (m.type === 'preVoteResp' && !m.reject) return true; // we bump the term when we win
    const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
    const elapsed = this.electionElapsed;
    this.becomeFollower(m.term, fromLeader ? m.from : '');
    // §5.2: only a leader's message or a granted vote restarts the election timer. A member
    // that refuses a stale candidate keeps counting, so it can win the next election itself;
    // resetting here lets a stale, faster-ticking member hold an election off indefinitely.
    if (m.type === 'vote' && this.role === 'follower') this.electionElapsed = elapsed;
    return true;
  }

  private answerStaleTerm(m: Message): void {
    if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'heartbeat' || m.type === 'append')) {
      // Tell a deposed leader about the new term so that it steps down; otherwise a member
      // partitioned away with PreVote could never disrupt it, and it would never learn.
      this.send({ type: 'appendResp', to: m.from });
    } else if (m.type === 'preVote') {
      this.send({ type: 'preVoteResp', to: m.from, reject: true });
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'propose':
        if (this.lead === '') return; // dropped: the proposer times out and retries
        this.send({ type: 'propose', to: this.lead, term: 0, entries: m.entries ?? [] });
        return;
      case 'append':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'snapshot':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'timeoutNow':
        this.hup('transfer');
        return;
      case 'readIndex':
        if (this.lead === '') return;
        this.send({ type: 'readIndex', to: this.lead, term: 0, context: m.context ?? emptyData });
        return;
      case 'readIndexResp':
        this.readStates.push({ index: m.index ?? 0, context: m.context ?? emptyData });
        return;
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'append':
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'snapshot':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'voteResp':
      case 'preVoteResp':
        this.handleVoteResponse(m);
        return;
      default:
        return; // proposals and reads are dropped without a leader
    }
  }

  // ---------------------------------------------------------------- follower side of replication

  private handleAppend(m: Message): void {
    const prevIndex = m.index ?? 0;
    if (prevIndex < this.log.committed) {
      this.send({ type: 'appendResp', to: m.from, index: this.log.committed });
      return;
    }
    const lastNew = this.log.maybeAppend(prevIndex, m.logTerm ?? 0, m.commit ?? 0, m.entries ?? []);
    if (lastNew !== undefined) {
      this.send({ type: 'appendResp', to: m.from, index: lastNew });
      return;
    }
    const hint = this.log.findConflictByTerm(Math.min(prevIndex, this.log.lastIndex()), m.logTerm ?? 0);
    this.send({
      type: 'appendResp',
      to: m.from,
      index: prevIndex,
      reject: true,
      rejectHint: hint.index,
      logTerm: hint.term,
    });
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(Math.min(m.commit ?? 0, this.log.lastIndex()));
    this.send({ type: 'heartbeatResp', to: m.from, ...(m.context ? { context: m.context } : {}) });
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (!s) return;
    if (this.restore(s)) this.send({ type: 'appendResp', to: m.from, index: this.log.lastIndex() });
    else this.send({ type: 'appendResp', to: m.from, index: this.log.committed });
  }

  /** Installs a snapshot if it is news; returns whether it was installed. */
  private restore(s: Snapshot): boolean {
    if (s.meta.index <= this.log.committed) return false;
    if (this.log.matchTerm(s.meta.index, s.meta.term)) {
      // We already have the entries: just learn that they are committed.
      this.log.commitTo(s.meta.index);
      return false;
    }
    this.log.restore(s);
    this.tracker.setConfig(s.meta.confState, this.log.lastIndex() + 1);
    return true;
  }

  // ---------------------------------------------------------------- leader

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'propose':
        this.leaderPropose(m.entries ?? [], m.from !== this.id);
        return;
      case 'readIndex':
        this.leaderReadIndex(m);
        return;
      case 'appendResp':
        this.handleAppendResponse(m);
        return;
      case 'heartbeatResp':
        this.handleHeartbeatResponse(m);
        return;
      default:
        return;
    }
  }

  /** Appends proposed entries to the leader's log; throws `proposalDropped` for local ones it refuses. */
  private leaderPropose(entries: readonly Entry[], forwarded: boolean): void {
    const refuse = (why: string): void => {
      if (!forwarded) throw new RaftError('proposalDropped', why);
    };
    if (!this.tracker.isMember(this.id)) return refuse('this member was removed from the cluster');
    if (this.leadTransferee !== '') return refuse(`leadership is being transferred to ${this.leadTransferee}`);
    for (const e of entries) {
      if (e.type !== 'confChange') continue;
      if (this.pendingConfIndex > this.log.applied) {
        return refuse(`a membership change at ${this.pendingConfIndex} is not applied yet`);
      }
      if (!this.committedEntryInCurrentTerm()) {
        return refuse('the leader has not committed an entry of its term yet');
      }
      if (entries.filter((x) => x.type === 'confChange').length > 1) {
        return refuse('one membership change at a time');
      }
      try {
        applyConfChange(this.tracker.confState(), decodeConfChange(e.data));
      } catch (err) {
        if (err instanceof RaftError) return refuse(err.message);
        throw err;
      }
    }
    this.appendEntries(entries);
    if (entries.some((e) => e.type === 'confChange')) this.pendingConfIndex = this.log.lastIndex();
    this.bcastAppend();
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.log.zeroTermOnError(this.log.committed) === this.term;
  }

  private appendEntries(entries: readonly Entry[]): void {
    let index = this.log.lastIndex();
    const stamped = entries.map((e) => ({ term: this.term, index: ++index, type: e.type, data: e.data }));
    this.log.append(stamped);
    // The leader counts its own entries only once they are persisted: see onPersisted().
  }

  /** The application persisted the log up to `index`: a leader counts itself for commit now. */
  onPersisted(index: number): void {
    if (this.role !== 'leader') return;
    const self = this.tracker.progress.get(this.id);
    if (self?.maybeUpdate(index) && this.maybeCommit()) this.bcastAppend();
  }

  private maybeCommit(): boolean {
    const anyTerm = this.cfg.bugs.commitPreviousTermByCount === true;
    if (!this.log.maybeCommit(this.tracker.committed(), this.term, anyTerm)) return false;
    if (this.committedEntryInCurrentTerm()) this.releasePendingReads();
    return true;
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.tracker.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.lastContact = this.leaderTicks;
    if (m.reject) {
      let hint = m.rejectHint ?? 0;
      if ((m.logTerm ?? 0) > 0) hint = this.log.findConflictByTerm(hint, m.logTerm ?? 0).index;
      if (pr.maybeDecrTo(m.index ?? 0, hint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index ?? 0)) return;
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match + 1 >= this.log.firstIndex()) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(pr.match);

    if (this.maybeCommit()) this.bcastAppend();
    else if (wasPaused) this.sendAppend(m.from);
    // Pipelining: keep the window full.
    while (this.maybeSendAppend(m.from, false)) {
      /* sent one more */
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', to: m.from });
    }
  }

  private handleHeartbeatResponse(m: Message): void {
    const pr = this.tracker.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    pr.lastContact = this.leaderTicks;
    pr.probeSent = false;
    // Appends may have been lost: let one more through so that a reject can reset the window.
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from);
    // Lease-based reads fall back to this round when the lease has lapsed (see holdsLease).
    if (!m.context) return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (!acks) return;
    if (!hasQuorum(this.tracker.voters, (id) => id === this.id || acks.has(id))) return;
    for (const req of this.readOnly.advance(m.context)) this.answerRead(req.from, req.index, req.context);
  }

  private leaderReadIndex(m: Message): void {
    const context = m.context ?? emptyData;
    if (this.cfg.bugs.readWithoutReadIndex) {
      this.answerRead(m.from, this.log.committed, context);
      return;
    }
    if (this.tracker.voters.size === 1 && this.tracker.voters.has(this.id)) {
      if (this.committedEntryInCurrentTerm()) this.answerRead(m.from, this.log.committed, context);
      else this.pendingReads.push(m);
      return;
    }
    if (!this.committedEntryInCurrentTerm()) {
      // §6.4: the commit index is only known to be current once an entry of this term committed.
      this.pendingReads.push(m);
      return;
    }
    if (this.cfg.readOnlyOption === 'leaseBased' && this.holdsLease()) {
      this.answerRead(m.from, this.log.committed, context);
      return;
    }
    this.readOnly.add(this.log.committed, m.from, context);
    this.readOnly.recvAck(this.id, context);
    this.bcastHeartbeat(context);
  }

  /**
   * Whether this leader may serve a read from its lease (§6.4.1): a quorum answered it since the
   * last CheckQuorum round, less than an election timeout ago, so leader stickiness keeps every
   * member of that quorum from voting for another leader yet; and it is not handing leadership
   * over (TimeoutNow lets the target bypass stickiness). Serving lease reads until CheckQuorum
   * deposes the leader was not enough: that comes up to two election timeouts after the last
   * quorum contact, while the others may elect a new leader after one (read-index.test.ts).
   */
  private holdsLease(): boolean {
    return this.leadTransferee === '' && this.heardFromQuorum();
  }

  /**
   * Whether a quorum of voters answered this leader within the last election timeout (counted
   * in this leader's ticks; a new leader counts everyone as heard at its election).
   */
  private heardFromQuorum(): boolean {
    return this.tracker.quorumHeardWithin(this.id, this.leaderTicks, this.cfg.electionTick);
  }

  private releasePendingReads(): void {
    const pending = this.pendingReads;
    this.pendingReads = [];
    for (const m of pending) this.leaderReadIndex(m);
  }

  private answerRead(from: NodeId, index: number, context: Uint8Array): void {
    if (from === this.id) this.readStates.push({ index, context });
    else this.send({ type: 'readIndexResp', to: from, index, context });
  }

  /** Starts handing leadership to `to`: catch it up, then TimeoutNow (§3.10). */
  transferLeader(to: NodeId): void {
    if (this.role !== 'leader')
      throw new RaftError('proposalDropped', `not the leader (leader is ${this.lead || 'unknown'})`);
    if (to === this.id || !this.tracker.voters.has(to)) {
      throw new RaftError('proposalDropped', `cannot transfer leadership to ${to}: not another voter`);
    }
    if (this.leadTransferee === to) return;
    this.leadTransferee = to;
    this.electionElapsed = 0;
    const pr = this.tracker.progress.get(to);
    if (pr && pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to });
    else this.sendAppend(to);
  }

  // ---------------------------------------------------------------- sending

  private send(m: Outgoing): void {
    this.msgs.push({ ...m, from: this.id, term: m.term ?? this.term } as Message);
  }

  bcastAppend(): void {
    for (const id of this.tracker.peers(this.id)) this.sendAppend(id);
  }

  private bcastHeartbeat(context?: Uint8Array): void {
    for (const id of this.tracker.peers(this.id)) {
      const pr = this.tracker.progress.get(id);
      const commit = Math.min(pr?.match ?? 0, this.log.committed);
      this.send({ type: 'heartbeat', to: id, commit, ...(context ? { context } : {}) });
    }
  }

  sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /** Sends an append (or a snapshot) to `to` unless its window is full; returns whether it sent. */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.tracker.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    let prevTerm: number;
    let entries: Entry[];
    try {
      prevTerm = this.log.term(prevIndex);
      entries = this.log.entries(pr.next, this.cfg.maxSizePerMsg);
    } catch (e) {
      if (!(e instanceof RaftError) || e.code !== 'compacted') throw e;
      return this.sendSnapshot(to);
    }
    if (entries.length === 0 && !sendIfEmpty) return false;
    const bytes = entries.reduce((n, e) => n + entrySize(e), 0);
    this.send({ type: 'append', to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed });
    const last = entries[entries.length - 1];
    pr.sentEntries(entries.length, last ? last.index : prevIndex, bytes);
    return true;
  }

  private sendSnapshot(to: NodeId): boolean {
    const pr = this.tracker.progress.get(to);
    if (!pr) return false;
    let snapshot: Snapshot;
    try {
      snapshot = this.log.snapshot();
    } catch (e) {
      if (e instanceof RaftError && e.code === 'snapshotTemporarilyUnavailable') return false;
      throw e;
    }
    invariant(snapshot.meta.index > 0, () => 'a follower needs a snapshot but there is none');
    this.send({ type: 'snapshot', to, snapshot });
    pr.becomeSnapshot(snapshot.meta.index);
    return true;
  }

  /** The application reports that sending a snapshot to `to` finished or failed. */
  reportSnapshot(to: NodeId, ok: boolean): void {
    const pr = this.tracker.progress.get(to);
    if (this.role !== 'leader' || !pr || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    // Wait for the follower's answer (or the next heartbeat) before probing again.
    pr.probeSent = true;
  }

  /** The application could not reach `to`: stop pipelining to it until it answers. */
  reportUnreachable(to: NodeId): void {
    const pr = this.tracker.progress.get(to);
    if (this.role === 'leader' && pr?.state === 'replicate') pr.becomeProbe();
  }

  // ---------------------------------------------------------------- membership

  /**
   * Applies a committed membership change (called by the application when it applies the
   * entry). Leaders validate changes when they propose them, so an invalid one can only come
   * from a corrupted log; it is ignored the same way on every member.
   */
  applyConfChange(cc: ConfChange): ConfState {
    let next: ConfState;
    try {
      next = applyConfChange(this.tracker.confState(), cc);
    } catch (e) {
      if (e instanceof RaftError) return this.tracker.confState();
      throw e;
    }
    const known = new Set(this.tracker.progress.keys());
    this.tracker.setConfig(next, this.log.lastIndex() + 1);
    if (this.role !== 'leader') return next;
    // A member just added gets an election timeout to answer before CheckQuorum counts it absent.
    for (const [id, pr] of this.tracker.progress) if (!known.has(id)) pr.lastContact = this.leaderTicks;
    if (!this.tracker.voters.has(this.id)) {
      this.handOffAfterRemoval();
      return next;
    }
    if (this.leadTransferee !== '' && !this.tracker.voters.has(this.leadTransferee)) this.leadTransferee = '';
    // A smaller quorum may commit more now; new members need appends.
    if (this.maybeCommit()) this.bcastAppend();
    else this.bcastAppend();
    return next;
  }

  private handOffAfterRemoval(): void {
    let best: NodeId = '';
    let bestMatch = -1;
    for (const id of this.tracker.voters) {
      const match = this.tracker.progress.get(id)?.match ?? 0;
      if (match > bestMatch) [best, bestMatch] = [id, match];
    }
    if (best !== '' && bestMatch === this.log.lastIndex()) this.send({ type: 'timeoutNow', to: best });
    this.becomeFollower(this.term, '');
  }
}
