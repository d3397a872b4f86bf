/**
 * A test-only harness for the Raft core: N RawNodes over MemoryStorages, and a message queue
 * that the test delivers explicitly (all of it, a chosen part of it, or until quiet). Links can
 * be cut and messages dropped by rule; a member can crash (its RawNode is discarded, its storage
 * keeps exactly what was persisted) and restart. Readies are handled synchronously, the way the
 * Ready contract asks, unless the member is paused (a slow disk: nothing is persisted or sent).
 * Everything is deterministic: randomness comes from a seed.
 */
import { decodeConfChange } from '../codec.js';
import type { RaftConfig } from '../config.js';
import { RawNode, type Ready } from '../rawnode.js';
import type { Raft } from '../raft.js';
import { MemoryStorage, bootstrapStorage } from '../storage.js';
import type { ConfChange, Entry, Message, NodeId, ReadState } from '../types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes of a string (proposal data, read contexts). */
export function bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** The string in some bytes. */
export function text(b: Uint8Array): string {
  return decoder.decode(b);
}

/** A seeded uniform generator in [0, 1) (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 0x100000000;
  };
}

/** A normal entry whose data names its index and term (`3@2`), so that any two differ. */
export function entry(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: bytes(`${index}@${term}`) };
}

/** The settings of one member, beyond its id, storage and randomness. */
export type NodeConfig = Partial<Omit<RaftConfig, 'id' | 'storage' | 'random' | 'applied'>>;

/** A cluster to build: the initial voters and learners (bootstrapped), and their settings. */
export interface NetworkOptions {
  readonly voters?: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  readonly seed?: number;
  /** Settings of every member (defaults: electionTick 10, heartbeatTick 1). */
  readonly config?: NodeConfig;
  /** Settings of particular members, over `config`. */
  readonly configOf?: Readonly<Record<NodeId, NodeConfig>>;
  /**
   * Logs to start from, as the term of each index from 1 (the bootstrap snapshot, term 1): `[1, 2, 2]`
   * is a log whose entries 2 and 3 are of term 2. Nothing past index 1 is committed.
   */
  readonly logs?: Readonly<Record<NodeId, readonly number[]>>;
  /** The current term of the members given `logs` (default: each one's last entry's term). */
  readonly term?: number;
}

/** One line per message, the way traces read in the tests: `1→2 append t2 prev 1/1 [2:2] commit 1`. */
export function describe(m: Message): string {
  const parts = [`${m.from}→${m.to} ${m.type} t${m.term}`];
  if (m.type === 'append') {
    const ents = (m.entries ?? []).map((e) => `${e.index}:${e.term}`).join(' ');
    parts.push(`prev ${m.index}/${m.logTerm} [${ents}] commit ${m.commit}`);
  } else if (m.type === 'appendResp') {
    parts.push(m.reject ? `reject ${m.index} hint ${m.rejectHint}/${m.logTerm}` : `index ${m.index}`);
  } else if (m.reject) parts.push('reject');
  return parts.join(' ');
}

/** A cluster of RawNodes joined by an explicit message queue. */
export class Network {
  /** Each member's disk: exactly what its Readies asked to persist. Survives crashes. */
  readonly storages = new Map<NodeId, MemoryStorage>();
  /** Sent and not yet delivered, in send order. */
  queue: Message[] = [];
  /** Every message delivered so far, in order. */
  delivered: Message[] = [];
  /** Messages lost: to a member that is down, over a cut link, or by a drop rule. */
  dropped: Message[] = [];
  /** The read states each member's Readies handed out. */
  readonly readStates = new Map<NodeId, ReadState[]>();
  /** The entries each member applied in its current life. */
  readonly applied = new Map<NodeId, Entry[]>();
  /** Breaches of State Machine Safety: two members applied different entries at one index. */
  readonly violations: string[] = [];
  /** Every Ready handed out, per member (for assertions on the Ready contract). */
  readonly readies = new Map<NodeId, Ready[]>();

  private readonly nodes = new Map<NodeId, RawNode>();
  private readonly configs = new Map<NodeId, NodeConfig>();
  private readonly appliedAt = new Map<number, { node: NodeId; entry: Entry }>();
  private readonly cuts = new Set<string>();
  private readonly dropRules: ((m: Message) => boolean)[] = [];
  private readonly paused = new Set<NodeId>();
  private readonly random: () => number;

  constructor(options: NetworkOptions = {}) {
    const voters = options.voters ?? ['1', '2', '3'];
    const learners = options.learners ?? [];
    this.random = seededRandom(options.seed ?? 1);
    for (const id of [...voters, ...learners]) {
      const storage = new MemoryStorage();
      bootstrapStorage(storage, { voters, learners }, bytes('initial'));
      const terms = options.logs?.[id];
      if (terms) {
        storage.append(terms.slice(1).map((term, i) => entry(i + 2, term)));
        storage.setHardState({ term: options.term ?? Math.max(...terms), vote: '', commit: 1 });
      }
      this.storages.set(id, storage);
      this.configs.set(id, { electionTick: 10, heartbeatTick: 1, ...options.config, ...options.configOf?.[id] });
      this.start(id);
    }
  }

  /** Adds a member that joins later: an empty storage, so it first receives a snapshot. */
  addNode(id: NodeId, config: NodeConfig = {}): RawNode {
    this.storages.set(id, new MemoryStorage());
    this.configs.set(id, { electionTick: 10, heartbeatTick: 1, ...config });
    return this.start(id);
  }

  private start(id: NodeId): RawNode {
    const storage = this.storage(id);
    const node = new RawNode({
      id,
      storage,
      random: this.random,
      applied: storage.snapshot().meta.index,
      ...(this.configs.get(id) as NodeConfig & { electionTick: number; heartbeatTick: number }),
    });
    this.nodes.set(id, node);
    this.applied.set(id, []);
    return node;
  }

  node(id: NodeId): RawNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`member ${id} is down or unknown`);
    return n;
  }

  raft(id: NodeId): Raft {
    return this.node(id).raft;
  }

  storage(id: NodeId): MemoryStorage {
    const s = this.storages.get(id);
    if (!s) throw new Error(`no storage for ${id}`);
    return s;
  }

  /** The members that are up. */
  alive(): NodeId[] {
    return [...this.nodes.keys()];
  }

  /** The members that are up and believe they lead. */
  leaders(): NodeId[] {
    return this.alive().filter((id) => this.raft(id).role === 'leader');
  }

  /**
   * The term of each index of `id`'s log, from its snapshot's index to its last index: while
   * nothing was compacted, position i - 1 holds index i (compare with {@link NetworkOptions.logs}).
   */
  terms(id: NodeId): number[] {
    const log = this.raft(id).log;
    const out: number[] = [];
    for (let i = log.firstIndex() - 1; i <= log.lastIndex(); i++) out.push(log.term(i));
    return out;
  }

  // ---------------------------------------------------------------- the Ready loop

  /** Handles `id`'s Readies: persist, send, apply, advance; repeats while there is more. */
  process(id: NodeId): void {
    const node = this.nodes.get(id);
    if (!node || this.paused.has(id)) return;
    const storage = this.storage(id);
    while (node.hasReady()) {
      const rd = node.ready();
      this.readies.set(id, [...(this.readies.get(id) ?? []), rd]);
      if (rd.snapshot) storage.applySnapshot(rd.snapshot);
      storage.append(rd.entries);
      if (rd.hardState) storage.setHardState(rd.hardState);
      for (const m of [...rd.messages, ...rd.messagesAfterPersist]) this.send(m);
      if (rd.snapshot) this.applied.set(id, []);
      for (const e of rd.committedEntries) this.apply(id, node, e);
      if (rd.readStates.length > 0) this.readStates.set(id, [...this.reads(id), ...rd.readStates]);
      node.advance(rd);
    }
  }

  private apply(id: NodeId, node: RawNode, e: Entry): void {
    this.applied.get(id)?.push(e);
    const first = this.appliedAt.get(e.index);
    if (!first) this.appliedAt.set(e.index, { node: id, entry: e });
    else if (first.entry.term !== e.term || text(first.entry.data) !== text(e.data)) {
      this.violations.push(
        `index ${e.index}: ${first.node} applied term ${first.entry.term}, ${id} applied term ${e.term}`,
      );
    }
    if (e.type === 'confChange') node.applyConfChange(decodeConfChange(e.data));
  }

  processAll(): void {
    for (const id of this.alive()) this.process(id);
  }

  /** A slow disk: `id` keeps stepping but its Readies wait (nothing persisted, sent or applied). */
  pause(id: NodeId): void {
    this.paused.add(id);
  }

  resume(id: NodeId): void {
    this.paused.delete(id);
    this.process(id);
  }

  /** The read states `id` was handed so far. */
  reads(id: NodeId): ReadState[] {
    return this.readStates.get(id) ?? [];
  }

  // ---------------------------------------------------------------- the network

  private send(m: Message): void {
    const lost = !this.nodes.has(m.to) || this.cuts.has(`${m.from}->${m.to}`) || this.dropRules.some((r) => r(m));
    if (lost) this.dropped.push(m);
    else this.queue.push(m);
  }

  /** Steps a message into its addressee (if up) and handles the Readies that follow. */
  inject(m: Message): void {
    const node = this.nodes.get(m.to);
    if (!node) return;
    this.delivered.push(m);
    node.step(m);
    this.process(m.to);
  }

  /** Delivers the queued messages that match (by default all), in order; returns them. */
  deliver(match: (m: Message) => boolean = () => true): Message[] {
    const now = this.queue.filter(match);
    this.queue = this.queue.filter((m) => !match(m));
    for (const m of now) this.inject(m);
    return now;
  }

  /** Removes the queued messages that match, without delivering them; returns them. */
  take(match: (m: Message) => boolean): Message[] {
    const taken = this.queue.filter(match);
    this.queue = this.queue.filter((m) => !match(m));
    return taken;
  }

  /** Delivers until nothing is in flight. */
  stabilize(): void {
    for (let rounds = 0; this.queue.length > 0; rounds++) {
      if (rounds > 1000) throw new Error(`no quiescence after 1000 rounds: ${this.queue.slice(0, 5).map(describe)}`);
      this.deliver();
    }
  }

  /** Cuts both directions between `a` and each of `others` (all other members by default). */
  cut(a: NodeId, ...others: NodeId[]): void {
    const peers = others.length > 0 ? others : [...this.storages.keys()].filter((id) => id !== a);
    for (const b of peers) {
      this.cuts.add(`${a}->${b}`);
      this.cuts.add(`${b}->${a}`);
    }
    this.dropped.push(...this.take((m) => this.cuts.has(`${m.from}->${m.to}`)));
  }

  /** Drops every message, sent from now on, for which `rule` holds. */
  drop(rule: (m: Message) => boolean): void {
    this.dropRules.push(rule);
  }

  /** Restores every link and removes every drop rule. */
  heal(): void {
    this.cuts.clear();
    this.dropRules.length = 0;
  }

  // ---------------------------------------------------------------- time and faults

  /** Ticks the members (all that are up by default) `n` times, without delivering. */
  tick(n = 1, ids: readonly NodeId[] = this.alive()): void {
    for (let i = 0; i < n; i++) {
      for (const id of ids) {
        this.nodes.get(id)?.tick();
        this.process(id);
      }
    }
  }

  /** Lets `n` ticks pass, delivering everything after each tick. */
  run(n: number): void {
    for (let i = 0; i < n; i++) {
      this.tick();
      this.stabilize();
    }
  }

  /** Discards `id`'s RawNode and what was in flight to it; its storage keeps what was persisted. */
  crash(id: NodeId): void {
    this.nodes.delete(id);
    this.paused.delete(id);
    this.dropped.push(...this.take((m) => m.to === id));
  }

  /** Starts `id` again from its storage. */
  restart(id: NodeId): RawNode {
    return this.start(id);
  }

  // ---------------------------------------------------------------- client requests

  /** `id` campaigns and the whole network runs until quiet; returns `id`'s role afterwards. */
  elect(id: NodeId): string {
    this.campaign(id);
    this.stabilize();
    return this.raft(id).role;
  }

  /** `id` starts an election (messages are queued, not delivered). */
  campaign(id: NodeId): void {
    this.node(id).campaign();
    this.process(id);
  }

  propose(id: NodeId, data: string): void {
    this.node(id).propose(bytes(data));
    this.process(id);
  }

  proposeConfChange(id: NodeId, cc: ConfChange): void {
    this.node(id).proposeConfChange(cc);
    this.process(id);
  }

  transferLeader(id: NodeId, to: NodeId): void {
    this.node(id).transferLeader(to);
    this.process(id);
  }

  readIndex(id: NodeId, context: string): void {
    this.node(id).readIndex(bytes(context));
    this.process(id);
  }

  /**
   * Takes a snapshot of `id`'s state machine at its applied index and compacts its log up to
   * there (the membership is the one applied, which is the membership at that index).
   */
  compact(id: NodeId): number {
    const r = this.raft(id);
    const index = r.log.applied;
    this.storage(id).createSnapshot(index, r.tracker.confState(), bytes(`state@${index}`));
    this.storage(id).compact(index);
    return index;
  }
}
