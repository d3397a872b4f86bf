import { randomBytes, randomInt } from 'node:crypto';
import { decodeConfChange } from '../raft/codec.js';
import { RaftError } from '../raft/errors.js';
import { RawNode, type RaftStatus, type Ready } from '../raft/rawnode.js';
import { MemoryStorage } from '../raft/storage.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Snapshot } from '../raft/types.js';
import { openStorage, saveSnapshot, type RecoveredStorage, type StorageOptions } from '../storage/index.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';

/** The application state that Raft replicates. */
export interface StateMachine {
  /** Applies a committed command; the result goes back to the proposer's caller. */
  apply(payload: Uint8Array, index: number): unknown;
  /** The whole state, for a snapshot at the last applied index. */
  snapshot(): Uint8Array;
  /** Replaces the whole state with a snapshot's. */
  restore(data: Uint8Array): void;
}

/** Where a member's outgoing Raft messages go (absent for a single-member store). */
export interface PeerTransport {
  send(messages: readonly Message[]): void;
  /** A snapshot message was handed over; report the outcome with {@link RaftNode.reportSnapshot}. */
  readonly reportsSnapshots?: boolean;
}

/** Timers, injectable so that tests can drive time. */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own timers. */
export const realTimers: Timers = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** How to start a member. */
export interface RaftNodeOptions {
  readonly id: NodeId;
  readonly dataDir: string;
  readonly machine: StateMachine;
  /** The voters of a new cluster (used only when dataDir is empty); omit to join an existing one. */
  readonly initialVoters?: readonly NodeId[];
  readonly transport?: PeerTransport;
  /** Milliseconds per Raft tick (100 by default). */
  readonly tickMs?: number;
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  /** Take a snapshot after this many applied entries (10,000 by default). */
  readonly snapshotCount?: number;
  /** Entries kept behind a snapshot so that slow followers catch up without one (5,000 by default). */
  readonly snapshotCatchUpEntries?: number;
  /** How long a proposal or read may wait before failing with `timeout` (ms, 10,000 by default). */
  readonly requestTimeoutMs?: number;
  readonly storage?: StorageOptions;
  readonly timers?: Timers;
  /** Called when this member's leader or role changes. */
  readonly onLeaderChange?: (leader: NodeId, isLeader: boolean) => void;
  /** Called after each batch of committed entries was applied. */
  readonly onApplied?: (index: number) => void;
  /** The state a new cluster starts from (a restored snapshot) instead of an empty one. */
  readonly initialData?: Uint8Array;
  /** Called with the duration of each fsynced WAL write (seconds), for metrics. */
  readonly onFsync?: (seconds: number) => void;
  /** Called with the duration of applying each batch of committed entries (seconds), for metrics. */
  readonly onApplyBatch?: (seconds: number) => void;
  /** Called when a membership change was applied (the owner updates its transport's peers). */
  readonly onConfChange?: (cc: ConfChange, membership: ConfState) => void;
}

/** Why a request to the member failed. */
export type NodeErrorCode = 'timeout' | 'stopped' | 'notLeader' | 'badRequest';

/** An operational error of a member; `leader` hints where to go for `notLeader`. */
export class NodeError extends Error {
  override readonly name = 'NodeError';
  constructor(
    readonly code: NodeErrorCode,
    message: string,
    readonly leader: NodeId = '',
  ) {
    super(message);
  }
}

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: unknown;
}

/**
 * A Raft member with its I/O: the RawNode, its durable storage (WAL + snapshots), a ticker,
 * the state machine, and the callers waiting for proposals and linearizable reads.
 *
 * Ready loop: each Ready's entries and hard state are written with ONE fsync (while it runs,
 * new proposals gather in the next Ready: group commit), then responses are sent, committed
 * entries applied and waiting callers answered.
 */
export class RaftNode {
  readonly id: NodeId;
  private raw!: RawNode;
  private memory = new MemoryStorage();
  private durable!: RecoveredStorage;
  private readonly timers: Timers;
  private ticker: unknown;
  private processing = false;
  private scheduled = false;
  private stopped = false;
  private readonly bootId = randomBytes(4).toString('hex');
  private nextProposal = 0;
  private readonly proposals = new Map<string, Waiter>();
  private nextRead = 0;
  /** Linearizable reads waiting: `index` once confirmed; `issuedUnder`, the leader the core knew when it took the read. */
  private readonly reads = new Map<string, Waiter & { index?: number; issuedUnder?: NodeId }>();
  private readonly confWaiters = new Map<string, Waiter>();
  private appliedIndex = 0;
  private snapshotIndex = 0;
  /** A hard state whose only news is the commit index, written with the next fsynced batch. */
  private unsyncedHardState: HardState | undefined;
  /** How many times a (new) leader became known here, as etcd's leader-changes counter. */
  leaderChanges = 0;
  private confState: ConfState = { voters: [], learners: [] };
  private leader: NodeId = '';
  private snapshotting: Promise<void> | undefined;
  private appliedWaiters: { index: number; resolve: () => void }[] = [];

  private constructor(private readonly opts: RaftNodeOptions) {
    this.id = opts.id;
    this.timers = opts.timers ?? realTimers;
  }

  /** Opens (recovering or bootstrapping) a member and starts its ticker. */
  static async open(opts: RaftNodeOptions): Promise<RaftNode> {
    const node = new RaftNode(opts);
    await node.recover();
    node.ticker = node.timers.setInterval(() => node.tick(), opts.tickMs ?? 100);
    node.schedule();
    // Serve nothing until everything known to be committed before the restart is applied again.
    await node.appliedUpTo(node.memory.getHardState().commit);
    return node;
  }

  /** Resolves once this member has applied up to `index`. */
  appliedUpTo(index: number): Promise<void> {
    if (this.appliedIndex >= index) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ index, resolve }));
  }

  private async recover(): Promise<void> {
    this.durable = await openStorage(this.opts.dataDir, this.opts.storage);
    let { snapshot } = this.durable;
    const { hardState, entries } = this.durable;
    const empty = !snapshot && entries.length === 0 && hardState.term === 0;
    if (empty && this.opts.initialVoters && this.opts.initialVoters.length > 0) {
      snapshot = await this.bootstrap(this.opts.initialVoters);
    }
    if (snapshot) {
      this.memory.applySnapshot(snapshot);
      this.opts.machine.restore(snapshot.data);
      this.appliedIndex = snapshot.meta.index;
      this.snapshotIndex = snapshot.meta.index;
      this.confState = snapshot.meta.confState;
    }
    this.memory.append(entries);
    this.memory.setHardState(empty && snapshot ? { term: 1, vote: '', commit: 1 } : hardState);
    this.raw = new RawNode({
      id: this.id,
      storage: this.memory,
      electionTick: this.opts.electionTick ?? 10,
      heartbeatTick: this.opts.heartbeatTick ?? 1,
      random: () => randomInt(0, 2 ** 32) / 2 ** 32,
      applied: this.appliedIndex,
      preVote: true,
      checkQuorum: true,
      maxInflightMsgs: 512,
      maxSizePerMsg: 1024 * 1024,
    });
    // A single voter can lead at once instead of waiting for an election timeout.
    if (this.confState.voters.length === 1 && this.confState.voters[0] === this.id) this.raw.campaign();
  }

  private async bootstrap(voters: readonly NodeId[]): Promise<Snapshot> {
    const snapshot: Snapshot = {
      meta: { index: 1, term: 1, confState: { voters: [...voters].sort(), learners: [] } },
      data: this.opts.initialData ?? this.opts.machine.snapshot(),
    };
    // Like a snapshot from a leader: the file first, then the WAL marker with the hard state.
    await this.durable.snapshots.save(snapshot);
    await this.durable.wal.save({ snapshot: { index: 1, term: 1 }, hardState: { term: 1, vote: '', commit: 1 } });
    return snapshot;
  }

  // ------------------------------------------------------------------ requests

  /** Proposes a command; resolves with what the state machine's apply returned. */
  propose(payload: Uint8Array): Promise<unknown> {
    if (this.stopped) return Promise.reject(new NodeError('stopped', 'the member is stopped'));
    const id = `${this.id}/${this.bootId}/${this.nextProposal++}`;
    try {
      this.raw.propose(encodeEnvelope(id, payload));
    } catch (e) {
      return Promise.reject(this.translate(e));
    }
    this.schedule();
    return this.wait(this.proposals, id);
  }

  /** Resolves once this member has applied everything committed before the call (ReadIndex). */
  readIndex(): Promise<void> {
    if (this.stopped) return Promise.reject(new NodeError('stopped', 'the member is stopped'));
    const key = `${this.bootId}/${this.nextRead++}`;
    try {
      this.raw.readIndex(new TextEncoder().encode(key));
    } catch (e) {
      return Promise.reject(this.translate(e));
    }
    this.schedule();
    const done = this.wait(this.reads, key).then(() => undefined);
    const read = this.reads.get(key);
    if (read) read.issuedUnder = this.raw.status().lead;
    return done;
  }

  /** Proposes a membership change; resolves with the membership once it is applied here. */
  async changeMembership(cc: ConfChange): Promise<ConfState> {
    if (this.stopped) throw new NodeError('stopped', 'the member is stopped');
    const key = `${cc.type}/${cc.nodeId}`;
    try {
      this.raw.proposeConfChange(cc);
    } catch (e) {
      throw this.translate(e);
    }
    this.schedule();
    return (await this.wait(this.confWaiters, key)) as ConfState;
  }

  /** Hands leadership to another voter. */
  transferLeadership(to: NodeId): void {
    this.raw.transferLeader(to);
    this.schedule();
  }

  /** Feeds a message from a peer. */
  step(m: Message): void {
    if (this.stopped) return;
    this.raw.step(m);
    this.schedule();
  }

  reportSnapshot(to: NodeId, ok: boolean): void {
    this.raw.reportSnapshot(to, ok);
    this.schedule();
  }

  reportUnreachable(to: NodeId): void {
    this.raw.reportUnreachable(to);
  }

  private translate(e: unknown): Error {
    if (e instanceof RaftError && e.code === 'proposalDropped') {
      const lead = this.raw.status().lead;
      return new NodeError('notLeader', `${e.message}${lead ? ` (leader is ${lead})` : ''}`, lead);
    }
    return e instanceof Error ? e : new Error(String(e));
  }

  private wait<T extends Waiter>(map: Map<string, T>, key: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        map.delete(key);
        reject(new NodeError('timeout', 'the request timed out; it may or may not have taken effect'));
      }, this.opts.requestTimeoutMs ?? 10_000);
      map.set(key, { resolve, reject, timer } as T);
    });
  }

  private settle(map: Map<string, Waiter>, key: string, value: unknown): void {
    const w = map.get(key);
    if (!w) return;
    map.delete(key);
    this.timers.clearTimeout(w.timer);
    if (value instanceof Error) w.reject(value);
    else w.resolve(value);
  }

  // ------------------------------------------------------------------ the Ready loop

  private tick(): void {
    if (this.stopped) return;
    this.raw.tick();
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.process();
    });
  }

  private async process(): Promise<void> {
    if (this.processing || this.stopped) return;
    this.processing = true;
    try {
      while (!this.stopped && this.raw.hasReady()) await this.handle(this.raw.ready());
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.processing = false;
    }
  }

  private async handle(rd: Ready): Promise<void> {
    if (rd.softState) this.noteLeader(rd.softState.leader);
    if (rd.messages.length > 0) this.opts.transport?.send(rd.messages);
    if (rd.snapshot) await this.durable.snapshots.save(rd.snapshot);
    if (rd.hardState) this.unsyncedHardState = rd.hardState;
    // A Ready whose only change is the commit index needs no fsync (Raft does not need the commit
    // index to be durable: it is re-learned after a restart). It rides along with the next write.
    if (rd.mustSync || rd.entries.length > 0 || rd.snapshot) {
      const hardState = this.unsyncedHardState;
      this.unsyncedHardState = undefined;
      const started = performance.now();
      await this.durable.wal.save({
        ...(hardState ? { hardState } : {}),
        ...(rd.entries.length > 0 ? { entries: rd.entries } : {}),
        ...(rd.snapshot ? { snapshot: { index: rd.snapshot.meta.index, term: rd.snapshot.meta.term } } : {}),
      });
      this.opts.onFsync?.((performance.now() - started) / 1000);
      if (rd.snapshot) this.memory.applySnapshot(rd.snapshot);
      this.memory.append(rd.entries);
    }
    if (rd.hardState) this.memory.setHardState(rd.hardState);
    if (rd.messagesAfterPersist.length > 0) this.opts.transport?.send(rd.messagesAfterPersist);
    if (rd.snapshot) this.restoreSnapshot(rd.snapshot);
    const applyStarted = performance.now();
    for (const e of rd.committedEntries) this.apply(e);
    if (rd.committedEntries.length > 0) this.opts.onApplyBatch?.((performance.now() - applyStarted) / 1000);
    for (const rs of rd.readStates) {
      const read = this.reads.get(new TextDecoder().decode(rs.context));
      if (read) read.index = rs.index;
    }
    this.raw.advance(rd);
    this.serveReads();
    if (rd.committedEntries.length > 0 || rd.snapshot) {
      this.opts.onApplied?.(this.appliedIndex);
      const ready = this.appliedWaiters.filter((w) => w.index <= this.appliedIndex);
      this.appliedWaiters = this.appliedWaiters.filter((w) => w.index > this.appliedIndex);
      for (const w of ready) w.resolve();
    }
    this.maybeSnapshot();
  }

  private noteLeader(leader: NodeId): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader !== '') this.leaderChanges++;
    // The Raft core drops the read-only requests it has not confirmed when the leader changes
    // (and those taken while it knew no leader): fail their waiters now, rather than leaving
    // them to time out. A read has no effect, so the caller may retry at the new leader.
    for (const [key, read] of this.reads) {
      if (read.index === undefined && read.issuedUnder !== leader) {
        this.settle(this.reads, key, new NodeError('notLeader', 'the leader changed during a read', leader));
      }
    }
    this.opts.onLeaderChange?.(leader, leader === this.id);
  }

  private restoreSnapshot(s: Snapshot): void {
    this.opts.machine.restore(s.data);
    this.appliedIndex = s.meta.index;
    this.snapshotIndex = s.meta.index;
    this.confState = s.meta.confState;
  }

  private apply(e: Entry): void {
    if (e.index <= this.appliedIndex) return;
    this.appliedIndex = e.index;
    if (e.type === 'confChange') {
      const cc = decodeConfChange(e.data);
      this.confState = this.raw.applyConfChange(cc);
      this.opts.onConfChange?.(cc, this.confState);
      this.settle(this.confWaiters, `${cc.type}/${cc.nodeId}`, this.confState);
      return;
    }
    if (e.data.byteLength === 0) return; // a new leader's no-op
    const { id, payload } = decodeEnvelope(e.data);
    let result: unknown;
    try {
      result = this.opts.machine.apply(payload, e.index);
    } catch (err) {
      // A deterministic refusal (bad request, quota): every member refuses alike.
      result = err instanceof Error ? err : new Error(String(err));
    }
    if (this.proposals.has(id)) this.settle(this.proposals, id, result);
  }

  private serveReads(): void {
    for (const [key, read] of this.reads) {
      if (read.index !== undefined && read.index <= this.appliedIndex) this.settle(this.reads, key, undefined);
    }
  }

  private maybeSnapshot(): void {
    const every = this.opts.snapshotCount ?? 10_000;
    if (this.snapshotting || this.appliedIndex - this.snapshotIndex < every) return;
    const index = this.appliedIndex;
    if (index > this.memory.lastIndex()) return; // not yet persisted here
    const snapshot = this.memory.createSnapshot(index, this.confState, this.opts.machine.snapshot());
    this.snapshotIndex = index;
    this.snapshotting = saveSnapshot(this.durable, snapshot)
      .then(() => {
        const keep = this.opts.snapshotCatchUpEntries ?? 5_000;
        if (index - keep > this.memory.firstIndex()) this.memory.compact(index - keep);
      })
      .catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))))
      .finally(() => {
        this.snapshotting = undefined;
      });
  }

  /** A storage failure: stop serving rather than risk acknowledging what is not durable. */
  private fail(err: Error): void {
    if (this.stopped) return;
    void this.shutdown(new NodeError('stopped', `the member stopped after a storage failure: ${err.message}`));
  }

  // ------------------------------------------------------------------ status and shutdown

  status(): RaftStatus & { appliedIndex: number; snapshotIndex: number } {
    return { ...this.raw.status(), appliedIndex: this.appliedIndex, snapshotIndex: this.snapshotIndex };
  }

  isLeader(): boolean {
    return this.raw.status().role === 'leader';
  }

  membership(): ConfState {
    return this.confState;
  }

  /** Stops the ticker, fails waiting callers and closes the storage. */
  async close(): Promise<void> {
    await this.shutdown(new NodeError('stopped', 'the member is stopped'));
  }

  private async shutdown(reason: NodeError): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.clearInterval(this.ticker);
    for (const map of [this.proposals, this.reads, this.confWaiters] as Map<string, Waiter>[]) {
      for (const key of [...map.keys()]) this.settle(map, key, reason);
    }
    // Let an in-flight write finish before closing the files under it.
    while (this.processing) await new Promise((r) => setImmediate(r));
    await this.snapshotting;
    await this.durable.wal.close();
  }
}
