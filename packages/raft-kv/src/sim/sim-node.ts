import type { KvInput, KvOutput } from '../linearizability/index.js';
import type { RaftBugs } from '../raft/config.js';
import { decodeConfChange } from '../raft/codec.js';
import { RaftError } from '../raft/errors.js';
import { RawNode, type Ready } from '../raft/rawnode.js';
import type { MemoryStorage } from '../raft/storage.js';
import type { ConfState, Entry, Message, NodeId } from '../raft/types.js';
import type { Checker } from './checks.js';
import { KvMachine, decodeCommand, encodeCommand, type KvCommand } from './kv-machine.js';
import type { Prng } from './prng.js';

/** A client's request to a member. */
export interface ClientRequest {
  readonly client: string;
  readonly seq: number;
  readonly attempt: number;
  readonly input: KvInput;
}

/** A member's answer: the result, or "not the leader" with a hint of who is. */
export type ClientReply =
  | { readonly client: string; readonly seq: number; readonly ok: true; readonly output: KvOutput }
  | { readonly client: string; readonly seq: number; readonly ok: false; readonly hint: NodeId };

/** What a member needs from the simulation around it. */
export interface NodeHost {
  readonly rng: Prng;
  readonly checker: Checker;
  now(): number;
  /** Sends a peer message; returns whether the network will deliver it. */
  send(m: Message): boolean;
  reply(r: ClientReply): void;
  /** Calls `fn` after `delay` simulated ms unless the member crashed in between. */
  later(node: SimNode, delay: number, fn: () => void): void;
  trace(line: string): void;
  /** This member's role changed (the nemesis reacts to elections). */
  onRoleChange(node: SimNode): void;
  /** This member just granted a vote (the nemesis may reboot it right after). */
  onVoteGranted(node: SimNode): void;
  /** This member, leading, advanced its commit index (it may acknowledge writes now). */
  onLeaderCommit(node: SimNode): void;
}

/** How a member behaves: Raft settings and the application's snapshot policy. */
export interface NodeOptions {
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readOnlyOption: 'safe' | 'leaseBased';
  readonly maxInflightMsgs: number;
  readonly maxSizePerMsg: number;
  /** Take a snapshot when this many entries were applied since the last one. */
  readonly snapshotEvery: number;
  /** Entries kept behind a snapshot for slow followers. */
  readonly compactionMargin: number;
  readonly bugs: RaftBugs;
}

/**
 * One simulated member: a RawNode, its "disk" (a MemoryStorage that holds exactly what was
 * fsynced), the key-value state machine and the requests of clients waiting on it. A crash
 * drops everything but the disk; a write in flight to the disk is lost with it.
 */
export class SimNode {
  /** Bumped at every crash, so that callbacks of an earlier life are ignored. */
  incarnation = 0;
  alive = false;
  raw!: RawNode;
  private machine = new KvMachine();
  private busy = false;
  private lastApplied = 0;
  private readonly writes = new Map<string, ClientRequest>();
  private readonly reads = new Map<string, { req: ClientRequest; index?: number }>();
  private sinceSnapshot = 0;
  /** The highest commit index handed out in a Ready in this life. */
  private commitSeen = 0;
  private confState: ConfState = { voters: [], learners: [] };
  private previousConfState: ConfState = { voters: [], learners: [] };

  constructor(
    readonly id: NodeId,
    readonly disk: MemoryStorage,
    private readonly host: NodeHost,
    private readonly options: NodeOptions,
  ) {}

  /** Starts (or restarts) the member from its disk. */
  start(): void {
    const snap = this.disk.snapshot();
    this.machine = KvMachine.restore(snap.data);
    this.confState = snap.meta.confState;
    this.lastApplied = snap.meta.index;
    this.raw = new RawNode({
      id: this.id,
      storage: this.disk,
      electionTick: this.options.electionTick,
      heartbeatTick: this.options.heartbeatTick,
      random: () => this.host.rng.next(),
      applied: snap.meta.index,
      preVote: this.options.preVote,
      checkQuorum: this.options.checkQuorum,
      readOnlyOption: this.options.readOnlyOption,
      maxInflightMsgs: this.options.maxInflightMsgs,
      maxSizePerMsg: this.options.maxSizePerMsg,
      bugs: this.options.bugs,
    });
    this.alive = true;
    this.busy = false;
    this.sinceSnapshot = 0;
    this.commitSeen = this.raw.raft.log.committed;
    this.host.checker.onStart(this);
  }

  /** Crashes: loses memory and the write in flight; the disk keeps what was fsynced. */
  crash(): void {
    this.alive = false;
    this.incarnation++;
    this.writes.clear();
    this.reads.clear();
  }

  tick(): void {
    this.raw.tick();
    this.pump();
  }

  receive(m: Message): void {
    this.raw.step(m);
    this.pump();
  }

  /** A client request arrives. Writes need the leader; reads go through ReadIndex anywhere. */
  handleClient(req: ClientRequest): void {
    const status = this.raw.raft;
    const key = `${req.client}:${req.seq}`;
    try {
      if (req.input.kind === 'get') {
        const context = new TextEncoder().encode(`${key}:${req.attempt}`);
        this.raw.readIndex(context);
        this.reads.set(`${key}:${req.attempt}`, { req });
      } else {
        if (status.role !== 'leader') throw new RaftError('proposalDropped', 'not the leader');
        this.raw.propose(encodeCommand(this.commandOf(req)));
        this.writes.set(key, req);
      }
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
      this.host.reply({ client: req.client, seq: req.seq, ok: false, hint: status.lead });
    }
    this.pump();
  }

  private commandOf(req: ClientRequest): KvCommand {
    const { input } = req;
    if (input.kind === 'put')
      return { op: 'put', client: req.client, seq: req.seq, key: input.key, value: input.value };
    if (input.kind === 'cas') {
      return {
        op: 'cas',
        client: req.client,
        seq: req.seq,
        key: input.key,
        expected: input.expected,
        value: input.value,
      };
    }
    throw new Error('a get is not a command');
  }

  /** Processes Readies until there is nothing to do or a disk write is in flight. */
  pump(): void {
    while (this.alive && !this.busy && this.raw.hasReady()) {
      const rd = this.raw.ready();
      this.host.checker.onReady(this, rd);
      if (rd.softState) this.host.onRoleChange(this);
      if (rd.hardState && rd.hardState.commit > this.commitSeen) {
        this.commitSeen = rd.hardState.commit;
        if (this.raw.raft.role === 'leader') this.host.onLeaderCommit(this);
      }
      for (const m of rd.messages) {
        const delivered = this.host.send(m);
        // A real transport reports when a snapshot stream ends; the simulated one knows at once.
        if (m.type === 'snapshot') this.raw.reportSnapshot(m.to, delivered);
      }
      const needsDisk = rd.entries.length > 0 || rd.snapshot !== undefined || rd.hardState !== undefined;
      if (!needsDisk) {
        this.finish(rd);
        continue;
      }
      this.busy = true;
      this.host.later(this, this.host.rng.int(1, 3), () => {
        this.persist(rd);
        this.busy = false;
        this.finish(rd);
        this.pump();
      });
    }
  }

  /** The fsync completed: the disk now holds the Ready's snapshot, entries and hard state. */
  private persist(rd: Ready): void {
    if (rd.snapshot) this.disk.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) this.disk.append(rd.entries);
    if (rd.hardState) this.disk.setHardState(rd.hardState);
    this.host.checker.onPersist(this, rd);
  }

  private finish(rd: Ready): void {
    for (const m of rd.messagesAfterPersist) this.host.send(m);
    if (rd.messagesAfterPersist.some((m) => m.type === 'voteResp' && !m.reject)) this.host.onVoteGranted(this);
    if (rd.snapshot) {
      this.machine = KvMachine.restore(rd.snapshot.data);
      this.confState = rd.snapshot.meta.confState;
      this.previousConfState = this.confState;
      this.lastApplied = rd.snapshot.meta.index;
      this.host.checker.onApplySnapshot(this, rd.snapshot.meta.index);
    }
    for (const e of rd.committedEntries) this.apply(e);
    for (const rs of rd.readStates) {
      const key = new TextDecoder().decode(rs.context);
      const read = this.reads.get(key);
      if (read) read.index = rs.index;
    }
    this.raw.advance(rd);
    this.serveReads();
    this.maybeSnapshot();
  }

  private apply(e: Entry): void {
    if (e.index <= this.lastApplied) return; // covered by a snapshot applied in the same Ready
    this.host.checker.onApply(this, e);
    this.lastApplied = e.index;
    this.sinceSnapshot++;
    if (e.type === 'confChange') {
      const cc = decodeConfChange(e.data);
      this.previousConfState = this.confState;
      this.confState = this.raw.applyConfChange(cc);
      this.host.trace(
        `${this.id} applies ${cc.type} ${cc.nodeId} -> voters=${this.confState.voters.join(',')} learners=${this.confState.learners.join(',')}`,
      );
      return;
    }
    if (e.data.byteLength === 0) return; // a leader's no-op
    const cmd = decodeCommand(e.data);
    const result = this.machine.apply(cmd);
    const key = `${cmd.client}:${cmd.seq}`;
    const waiting = this.writes.get(key);
    if (!waiting || !result) return;
    this.writes.delete(key);
    const output: KvOutput = result.op === 'put' ? { kind: 'put' } : { kind: 'cas', ok: result.ok };
    this.host.reply({ client: cmd.client, seq: cmd.seq, ok: true, output });
  }

  private serveReads(): void {
    for (const [key, read] of this.reads) {
      if (read.index === undefined || read.index > this.lastApplied) continue;
      this.reads.delete(key);
      const input = read.req.input;
      if (input.kind !== 'get') continue;
      this.host.reply({
        client: read.req.client,
        seq: read.req.seq,
        ok: true,
        output: { kind: 'get', value: this.machine.get(input.key) },
      });
    }
  }

  private maybeSnapshot(): void {
    if (this.sinceSnapshot < this.options.snapshotEvery) return;
    const applied = this.lastApplied;
    if (applied <= this.disk.snapshot().meta.index || applied > this.disk.lastIndex()) return;
    this.disk.createSnapshot(applied, this.confState, this.machine.snapshot());
    this.disk.compact(Math.max(this.disk.firstIndex(), applied - this.options.compactionMargin));
    this.sinceSnapshot = 0;
    this.host.trace(`${this.id} snapshot at ${applied}, log from ${this.disk.firstIndex()}`);
  }

  /** The applied index (for checks and convergence). */
  applied(): number {
    return this.lastApplied;
  }

  /** The membership this member has applied. */
  membership(): ConfState {
    return this.confState;
  }

  /**
   * The membership before the last change this member applied. Entries just after a change
   * may have been committed by that one (changes take effect when applied).
   */
  previousMembership(): ConfState {
    return this.previousConfState;
  }
}
