import { randomBytes, randomInt } from 'node:crypto';
import { decodeConfChange } from '../raft/codec.js';
import { RaftError } from '../raft/errors.js';
import { RawNode, type RaftStatus, type Ready } from '../raft/rawnode.js';
import { MemoryStorage } from '../raft/storage.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Snapshot } from '../raft/types.js';
import { openStorage, saveSnapshot, type RecoveredStorage, type StorageOptions } from '../storage/index.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';

/** Snapshots at least this large are taken less often (see maybeSnapshot). */
const LARGE_SNAPSHOT_BYTES = 8 * 1024 * 1024;

/** Stands for the data of a snapshot that is on disk (see {@link RaftNode.send}). */
const SNAPSHOT_ON_DISK = new Uint8Array(0);

/** The application state that Raft replicates. */
export interface StateMachine {
  /** Applies a committed command; the result goes back to the proposer's caller. */
  apply(payload: Uint8Array, index: number): unknown;
  /** The whole state, for a snapshot at the last applied index. */
  snapshot(): Uint8Array;
  /**
   * The same, taken at the call but encoded over several turns, so that a large state does
   * not stall the member; used for the periodic snapshots when present.
   */
  snapshotAsync?(): Promise<Uint8Array>;
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
  /**
   * Take a snapshot after this many applied entries (10,000 by default, as etcd's
   * --snapshot-count). Once snapshots reach 8 MiB, also not before the entries applied since
   * the last one add up to a quarter of its size (each snapshot writes the whole state).
   */
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
  private nextReadBatch = 0;
  /** Proposals not yet handed to Raft (see {@link flushProposals}). */
  private unproposed: { id: string; data: Uint8Array }[] = [];
  /** Reads not yet handed to Raft (see {@link flushReads}). */
  private pendingReads: string[] = [];
  /** A ReadIndex request's context → the reads it serves. */
  private readonly readBatches = new Map<string, string[]>();
  /** Linearizable reads waiting: `index` once confirmed; `issuedUnder`, the leader the core knew when it took the read. */
  private readonly reads = new Map<string, Waiter & { index?: number; issuedUnder?: NodeId }>();
  private readonly confWaiters = new Map<string, Waiter>();
  private appliedIndex = 0;
  private snapshotIndex = 0;
  /** The size of the newest snapshot, and the bytes of the entries applied since it was taken. */
  private snapshotBytes = 0;
  private appliedBytesSinceSnapshot = 0;
  /** A hard state whose only news is the commit index, written with the next fsynced batch. */
  private unsyncedHardState: HardState | undefined;
  /** How many times a (new) leader became known here, as etcd's leader-changes counter. */
  leaderChanges = 0;
  /** Proposals made through this member, and those that failed (dropped, timed out, stopped), as etcd counts them. */
  readonly proposalStats = { proposed: 0, failed: 0 };
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
      this.snapshotBytes = snapshot.data.length;
      this.memory.replaceSnapshotData(snapshot.meta.index, SNAPSHOT_ON_DISK);
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

  /**
   * Proposes a command; resolves with what the state machine's apply returned. Commands
   * proposed in one turn of the event loop (and while a write is being persisted) go to Raft as
   * one proposal: one log append and one append message per follower for all of them.
   */
  propose(payload: Uint8Array): Promise<unknown> {
    if (this.stopped) return Promise.reject(new NodeError('stopped', 'the member is stopped'));
    const id = `${this.id}/${this.bootId}/${this.nextProposal++}`;
    this.proposalStats.proposed += 1;
    const done = this.wait(this.proposals, id);
    this.unproposed.push({ id, data: encodeEnvelope(id, payload) });
    this.schedule();
    return done;
  }

  /**
   * Resolves once this member has applied everything committed before the call (ReadIndex).
   * Reads asked for in one turn share one ReadIndex request (one round of heartbeats).
   */
  readIndex(): Promise<void> {
    if (this.stopped) return Promise.reject(new NodeError('stopped', 'the member is stopped'));
    const key = `${this.bootId}/${this.nextRead++}`;
    const done = this.wait(this.reads, key).then(() => undefined);
    this.pendingReads.push(key);
    this.schedule();
    return done;
  }

  /** Proposals waiting here to be applied. */
  get pendingProposals(): number {
    return this.proposals.size;
  }

  /** The bytes of the write-ahead log on disk. */
  walDiskBytes(): Promise<number> {
    return this.durable.wal.diskBytes();
  }

  /** Hands the proposals gathered since the last call to Raft as one. */
  private flushProposals(): void {
    if (this.unproposed.length === 0) return;
    const batch = this.unproposed;
    this.unproposed = [];
    const live = batch.filter((p) => this.proposals.has(p.id)); // timed-out ones are not proposed
    try {
      this.raw.proposeMany(live.map((p) => p.data));
    } catch (e) {
      const err = this.translate(e);
      for (const p of live) this.settle(this.proposals, p.id, err);
    }
  }

  /** Forgets the ReadIndex requests whose reads all ended (failed or timed out) unanswered. */
  private pruneReadBatches(): void {
    for (const [context, keys] of this.readBatches) {
      if (!keys.some((k) => this.reads.has(k))) this.readBatches.delete(context);
    }
  }

  /** Asks Raft for one read point for every read gathered since the last call. */
  private flushReads(): void {
    if (this.pendingReads.length === 0) return;
    const keys = this.pendingReads.filter((k) => this.reads.has(k));
    this.pendingReads = [];
    if (keys.length === 0) return;
    const context = `${this.bootId}/batch/${this.nextReadBatch++}`;
    try {
      this.raw.readIndex(new TextEncoder().encode(context));
    } catch (e) {
      const err = this.translate(e);
      for (const key of keys) this.settle(this.reads, key, err);
      return;
    }
    const lead = this.raw.status().lead;
    for (const key of keys) {
      const read = this.reads.get(key);
      if (read) read.issuedUnder = lead;
    }
    this.readBatches.set(context, keys);
    if (this.readBatches.size > 1024) this.pruneReadBatches();
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
        if (map === this.proposals) this.proposalStats.failed += 1;
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
    // A failed proposal is one the member could not carry out, not one the store refused.
    if (map === this.proposals && value instanceof NodeError) this.proposalStats.failed += 1;
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
      while (!this.stopped) {
        this.flushProposals();
        this.flushReads();
        if (!this.raw.hasReady()) break;
        await this.handle(this.raw.ready());
      }
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.processing = false;
    }
  }

  private async handle(rd: Ready): Promise<void> {
    if (rd.softState) this.noteLeader(rd.softState.leader);
    if (rd.messages.length > 0) this.send(rd.messages);
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
    if (rd.messagesAfterPersist.length > 0) this.send(rd.messagesAfterPersist);
    if (rd.snapshot) {
      this.restoreSnapshot(rd.snapshot);
      this.memory.replaceSnapshotData(rd.snapshot.meta.index, SNAPSHOT_ON_DISK);
    }
    const applyStarted = performance.now();
    for (const e of rd.committedEntries) this.apply(e);
    if (rd.committedEntries.length > 0) this.opts.onApplyBatch?.((performance.now() - applyStarted) / 1000);
    for (const rs of rd.readStates) {
      const context = new TextDecoder().decode(rs.context);
      for (const key of this.readBatches.get(context) ?? []) {
        const read = this.reads.get(key);
        if (read) read.index = rs.index;
      }
      this.readBatches.delete(context);
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

  /**
   * Hands messages to the transport. A snapshot for a follower carries only a marker while its
   * bytes are on disk (a member does not keep its last snapshot in memory): it is read back
   * first, without holding up the rest; should that fail, Raft hears the snapshot failed.
   */
  private send(messages: readonly Message[]): void {
    const transport = this.opts.transport;
    if (!transport) return;
    const ready = messages.filter((m) => m.snapshot?.data !== SNAPSHOT_ON_DISK);
    if (ready.length > 0) transport.send(ready);
    if (ready.length === messages.length) return;
    for (const m of messages) {
      const snapshot = m.snapshot;
      if (snapshot?.data !== SNAPSHOT_ON_DISK) continue;
      this.readSnapshot(snapshot.meta.index, snapshot.meta.term).then(
        (data) => {
          if (!this.stopped) transport.send([{ ...m, snapshot: { meta: snapshot.meta, data } }]);
        },
        () => this.reportSnapshot(m.to, false),
      );
    }
  }

  /** The bytes of the snapshot file at `index`, `term`. */
  private async readSnapshot(index: number, term: number): Promise<Uint8Array> {
    const file = (await this.durable.snapshots.list()).find((f) => f.index === index && f.term === term);
    if (!file) throw new Error(`no snapshot file at index ${index}, term ${term}`);
    return (await this.durable.snapshots.load(file)).data;
  }

  private noteLeader(leader: NodeId): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader !== '') this.leaderChanges++;
    // The Raft core drops the read-only requests it has not confirmed when the leader changes
    // (and those taken while it knew no leader): fail their waiters now, rather than leaving
    // them to time out. A read has no effect, so the caller may retry at the new leader.
    for (const [key, read] of this.reads) {
      if (read.index === undefined && read.issuedUnder !== undefined && read.issuedUnder !== leader) {
        this.settle(this.reads, key, new NodeError('notLeader', 'the leader changed during a read', leader));
      }
    }
    this.pruneReadBatches();
    this.opts.onLeaderChange?.(leader, leader === this.id);
  }

  private restoreSnapshot(s: Snapshot): void {
    this.opts.machine.restore(s.data);
    this.snapshotBytes = s.data.length;
    this.appliedBytesSinceSnapshot = 0;
    this.appliedIndex = s.meta.index;
    this.snapshotIndex = s.meta.index;
    this.confState = s.meta.confState;
  }

  private apply(e: Entry): void {
    if (e.index <= this.appliedIndex) return;
    this.appliedIndex = e.index;
    this.appliedBytesSinceSnapshot += e.data.byteLength;
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
    // A large state is written whole at each snapshot: wait until the entries since the last one
    // add up to a quarter of its size, so that snapshots cost a bounded share of the writes.
    if (this.snapshotBytes >= LARGE_SNAPSHOT_BYTES && this.appliedBytesSinceSnapshot * 4 < this.snapshotBytes) return;
    const index = this.appliedIndex;
    if (index > this.memory.lastIndex()) return; // not yet persisted here
    this.snapshotIndex = index;
    this.snapshotting = this.takeSnapshot(index, this.confState)
      .catch((e: unknown) => this.fail(e instanceof Error ? e : new Error(String(e))))
      .finally(() => {
        this.snapshotting = undefined;
      });
  }

  /** Snapshots the state machine as of `index` (the applied index now), saves it, trims the log. */
  private async takeSnapshot(index: number, confState: ConfState): Promise<void> {
    const machine = this.opts.machine;
    // Taken now, at `index`; the encoding may take several turns while entries are applied.
    this.appliedBytesSinceSnapshot = 0;
    const data = machine.snapshotAsync ? await machine.snapshotAsync() : machine.snapshot();
    this.snapshotBytes = data.length;
    // Meanwhile the member may have stopped, or installed a newer snapshot from the leader.
    if (this.stopped || index <= this.memory.snapshot().meta.index) return;
    const snapshot = this.memory.createSnapshot(index, confState, data);
    await saveSnapshot(this.durable, snapshot);
    this.memory.replaceSnapshotData(index, SNAPSHOT_ON_DISK);
    const keep = this.opts.snapshotCatchUpEntries ?? 5_000;
    if (index - keep > this.memory.firstIndex()) this.memory.compact(index - keep);
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
