import { randomInt } from 'node:crypto';
import type { Bytes } from '../mvcc/bytes.js';
import { Lessor } from '../mvcc/lessor.js';
import { deleteRangeRequest, putRequest, rangeRequest, txnRequest } from '../mvcc/requests.js';
import type { DeleteRangeOptions, PutOptions, TxnParts } from '../mvcc/requests.js';
import { MvccStore, type WatchOptions } from '../mvcc/store.js';
import type { AlarmAction, AlarmType, Request, ResponseFor } from '../mvcc/types.js';
import { DEFAULT_LIMITS, validateRequest, type MvccLimits } from '../mvcc/validate.js';
import type { WatchHubOptions } from '../mvcc/watch-hub.js';
import {
  NodeError,
  RaftNode,
  realTimers,
  type PeerTransport,
  type RaftNodeOptions,
  type StateMachine,
  type Timers,
} from '../node/raft-node.js';
import type { NodeId } from '../raft/types.js';
import type { StorageOptions } from '../storage/index.js';
import { decodeRequest, encodeRequest } from './codec.js';
import type { KV, KvRangeOptions, KvWatch, StoreStatus } from './kv.js';

/** How to open a store. */
export interface OpenStoreOptions {
  /** Where the WAL and snapshots live (created when missing). */
  readonly dataDir: string;
  /** This member's id ("default" for an embedded store). */
  readonly name?: NodeId;
  /** The voters of a new cluster; defaults to this member alone. */
  readonly initialCluster?: readonly NodeId[];
  /** Join an existing cluster instead of bootstrapping one (the data dir starts empty). */
  readonly join?: boolean;
  readonly transport?: PeerTransport;
  readonly limits?: Partial<MvccLimits>;
  readonly watch?: WatchHubOptions;
  readonly tickMs?: number;
  readonly electionTick?: number;
  readonly snapshotCount?: number;
  readonly requestTimeoutMs?: number;
  readonly storage?: StorageOptions;
  readonly timers?: Timers;
  /** The clock of the leader's lease expiry, in ms (Date.now by default). */
  readonly now?: () => number;
  /** How often the leader looks for expired leases (ms, 500 by default). */
  readonly leaseCheckMs?: number;
  /** How often watchers that asked for progress notifications get one (ms, 10 minutes as in etcd). */
  readonly progressNotifyMs?: number;
  /** Called when a membership change was applied. */
  readonly onConfChange?: RaftNodeOptions['onConfChange'];
  /** A new cluster starts from this snapshot of the keyspace (`bosun kv snapshot restore`). */
  readonly restoreFrom?: Uint8Array;
  /** Metrics hooks: the duration of each fsync and of each applied batch (seconds). */
  readonly onFsync?: RaftNodeOptions['onFsync'];
  readonly onApplyBatch?: RaftNodeOptions['onApplyBatch'];
}

/** The replicated state machine: MVCC requests decoded from Raft entries. */
class MvccMachine implements StateMachine {
  constructor(readonly mvcc: MvccStore) {}

  apply(payload: Uint8Array): unknown {
    return this.mvcc.apply(decodeRequest(payload));
  }

  snapshot(): Uint8Array {
    return this.mvcc.snapshot();
  }

  snapshotAsync(): Promise<Uint8Array> {
    return this.mvcc.snapshotAsync(() => new Promise((resolve) => setImmediate(resolve)));
  }

  restore(data: Uint8Array): void {
    this.mvcc.restore(data);
  }
}

/**
 * A store member: the MVCC state machine replicated by a {@link RaftNode}, with the leader's
 * lease clock. Every write goes through Raft and the WAL; reads are linearizable (ReadIndex)
 * unless asked to be serializable.
 */
export class Store implements KV {
  private leaseTimer: unknown;
  private progressTimer: unknown;
  private closed = false;

  private constructor(
    readonly node: RaftNode,
    private readonly mvcc: MvccStore,
    private readonly lessor: Lessor,
    private readonly limits: MvccLimits,
    private readonly timers: Timers,
  ) {}

  /** Opens (recovering or creating) a store in `dataDir`. */
  static async open(opts: OpenStoreOptions): Promise<Store> {
    const now = opts.now ?? (() => Date.now());
    const lessor = new Lessor({ now });
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    const mvcc = new MvccStore({ limits, leaseListener: lessor, ...(opts.watch ? { watch: opts.watch } : {}) });
    const name = opts.name ?? 'default';
    const electionTick = opts.electionTick ?? 10;
    const tickMs = opts.tickMs ?? 100;
    const node = await RaftNode.open({
      id: name,
      dataDir: opts.dataDir,
      machine: new MvccMachine(mvcc),
      ...(opts.join ? {} : { initialVoters: opts.initialCluster ?? [name] }),
      ...(opts.transport ? { transport: opts.transport } : {}),
      tickMs,
      electionTick,
      ...(opts.snapshotCount !== undefined ? { snapshotCount: opts.snapshotCount } : {}),
      ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
      ...(opts.storage ? { storage: opts.storage } : {}),
      ...(opts.timers ? { timers: opts.timers } : {}),
      ...(opts.onConfChange ? { onConfChange: opts.onConfChange } : {}),
      ...(opts.restoreFrom ? { initialData: opts.restoreFrom } : {}),
      ...(opts.onFsync ? { onFsync: opts.onFsync } : {}),
      ...(opts.onApplyBatch ? { onApplyBatch: opts.onApplyBatch } : {}),
      onLeaderChange: (_leader, isLeader) => {
        // A new leader extends every lease by an election timeout, so that none expires merely
        // because leadership moved (the old leader's keep-alives are not known here).
        if (isLeader) lessor.promote(now(), electionTick * tickMs);
        else lessor.demote();
      },
    });
    if (node.isLeader()) lessor.promote(now(), electionTick * tickMs);
    const timers = opts.timers ?? realTimers;
    const store = new Store(node, mvcc, lessor, limits, timers);
    store.leaseTimer = timers.setInterval(() => store.revokeExpired(), opts.leaseCheckMs ?? 500);
    store.progressTimer = timers.setInterval(() => mvcc.watchHub.progress(), opts.progressNotifyMs ?? 600_000);
    return store;
  }

  /** Validates a write, proposes it through Raft and resolves with the applied response. */
  private async write<R extends Request>(request: R): Promise<ResponseFor<R>> {
    this.checkOpen();
    validateRequest(request, this.limits);
    return (await this.node.propose(encodeRequest(request))) as ResponseFor<R>;
  }

  private checkOpen(): void {
    if (this.closed) throw new NodeError('stopped', 'the store is closed');
  }

  async range(key: Bytes, options: KvRangeOptions = {}): Promise<ReturnType<MvccStore['range']>> {
    this.checkOpen();
    const { serializable, ...rest } = options;
    const request = rangeRequest(key, rest);
    validateRequest(request, this.limits);
    if (!serializable) await this.node.readIndex();
    return this.mvcc.apply(request);
  }

  put(key: Bytes, value: Bytes, options?: PutOptions) {
    return this.write(putRequest(key, value, options));
  }

  deleteRange(key: Bytes, options?: DeleteRangeOptions) {
    return this.write(deleteRangeRequest(key, options));
  }

  async txn(parts: TxnParts) {
    const request = txnRequest(parts);
    // A txn that only reads is served like a range: no Raft entry needed.
    const readOnly = [...(request.success ?? []), ...(request.failure ?? [])].every((op) => op.type === 'range');
    if (!readOnly) return this.write(request);
    this.checkOpen();
    validateRequest(request, this.limits);
    await this.node.readIndex();
    return this.mvcc.apply(request);
  }

  compact(revision: number) {
    return this.write({ type: 'compact', revision });
  }

  grant(ttl: number, id?: number) {
    return this.write({ type: 'leaseGrant', id: id ?? randomInt(1, 2 ** 48), ttl });
  }

  revoke(id: number) {
    return this.write({ type: 'leaseRevoke', id });
  }

  async keepAlive(id: number): Promise<number> {
    this.checkOpen();
    if (!this.node.isLeader()) {
      const lead = this.node.status().lead;
      throw new NodeError('notLeader', `keep-alive must reach the leader (${lead || 'unknown'})`, lead);
    }
    await this.node.readIndex();
    return this.lessor.keepAlive(id);
  }

  async timeToLive(id: number, options: { keys?: boolean } = {}) {
    this.checkOpen();
    await this.node.readIndex();
    const response = this.mvcc.timeToLive(id, options);
    // The replicated state knows the granted TTL; the leader's clock knows what remains.
    if (this.lessor.isPrimary && response.ttl > 0) return { ...response, ttl: this.lessor.remainingSeconds(id) };
    return response;
  }

  async leases() {
    this.checkOpen();
    await this.node.readIndex();
    return this.mvcc.leases();
  }

  alarm(action: AlarmAction, alarm?: AlarmType) {
    if (action === 'get') return Promise.resolve(this.mvcc.alarm('get'));
    return this.write({ type: 'alarm', action, ...(alarm ? { alarm } : {}) });
  }

  watch(key: Bytes, options: WatchOptions = {}): KvWatch {
    this.checkOpen();
    return this.mvcc.watch(key, options);
  }

  /** The whole keyspace at a linearizable point (for `snapshot save`). */
  async snapshotData(): Promise<Uint8Array> {
    this.checkOpen();
    await this.node.readIndex();
    return this.mvcc.snapshot();
  }

  async status(): Promise<StoreStatus> {
    const s = this.node.status();
    return {
      revision: this.mvcc.revision,
      compactRevision: this.mvcc.compactRevision,
      raftTerm: s.term,
      raftIndex: s.commit,
      raftAppliedIndex: s.appliedIndex,
      leader: s.lead,
      memberId: s.id,
      dbSize: this.mvcc.usedBytes,
      alarms: this.mvcc.alarms,
    };
  }

  /** The leader revokes what expired, through Raft, so that every member deletes the keys alike. */
  private revokeExpired(): void {
    if (this.closed || !this.node.isLeader()) return;
    for (const id of this.lessor.expired(undefined, 1000)) {
      this.revoke(id).catch(() => {
        // Lost leadership or already revoked: the next leader or round takes care of it.
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearInterval(this.leaseTimer);
    this.timers.clearInterval(this.progressTimer);
    this.mvcc.watchHub.close();
    await this.node.close();
  }
}

/** Opens an embedded store: a single-member Raft group on disk, with the {@link KV} API. */
export function openStore(opts: OpenStoreOptions): Promise<Store> {
  return Store.open(opts);
}
