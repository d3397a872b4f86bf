/**
 * @bosun/raft-kv — Bosun's embeddable, Raft-replicated MVCC key-value store.
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { RAFT_KV_VERSION } from './version.js';

// The Raft consensus core: a pure, deterministic state machine (see src/raft/).
export { RawNode } from './raft/rawnode.js';
export type { Ready, RaftStatus, PeerProgress } from './raft/rawnode.js';
export type { RaftConfig, ReadOnlyOption } from './raft/config.js';
export { RaftError } from './raft/errors.js';
export type { RaftErrorCode } from './raft/errors.js';
export { MemoryStorage, bootstrapStorage } from './raft/storage.js';
export type { LogStorage } from './raft/storage.js';
export { encodeConfChange, decodeConfChange } from './raft/codec.js';
export type {
  ConfChange,
  ConfChangeType,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  NodeId,
  RaftRole,
  ReadState,
  Snapshot,
  SnapshotMeta,
  SoftState,
} from './raft/types.js';

// Linearizability checking of key-value histories (for simulations and real-process tests).
export {
  checkLinearizable,
  DEFAULT_MAX_STEPS,
  HistoryRecorder,
  formatHistoryOp,
  parseHistory,
} from './linearizability/index.js';
export type { CheckOptions, CheckResult, HistoryOp, KvInput, KvOutput } from './linearizability/index.js';

// The store: an embedded single-member store today, the same KV API over a cluster tomorrow.
export { openStore, Store } from './store/embedded.js';
export type { OpenStoreOptions } from './store/embedded.js';
export type { KV, KvRangeOptions, KvWatch, StoreStatus } from './store/kv.js';
export { NodeError, RaftNode } from './node/raft-node.js';
export type { NodeErrorCode, PeerTransport, RaftNodeOptions, StateMachine, Timers } from './node/raft-node.js';

// The MVCC state machine and its vocabulary (etcd v3 semantics).
export { MvccError, MvccStore, Lessor, WatchHub, prefixEnd } from './mvcc/index.js';
export type {
  Bytes,
  Compare,
  CompareResult,
  DeleteRangeOptions,
  DeleteRangeResponse,
  KeyValue,
  MvccErrorCode,
  MvccLimits,
  PutOptions,
  PutResponse,
  RangeOptions,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnParts,
  TxnResponse,
  WatchBatch,
  WatchEvent,
  WatchOptions,
} from './mvcc/index.js';

// Durable storage (for tools that inspect or repair a data dir).
export { StorageError } from './storage/index.js';
export type { StorageErrorCode } from './storage/index.js';

// The client protocol: a member's server, and the remote client with the same KV API.
export { startKvServer, KvServer, KvMetrics, statusHealthCheck } from './server/index.js';
export type { HealthCheck, HealthReport, KvServerOptions, KvServerTls, MemberGauges } from './server/index.js';
export { connect, KvClient, ClientError, isClientError, keepAliveForever } from './client/index.js';
export type { ClientErrorCode, ClientTls, ConnectOptions, LeaseKeeper, LeaseKeeperOptions } from './client/index.js';

// The peer transport between members.
export { WsTransport } from './transport/index.js';
export type { TransportTls, WsTransportOptions } from './transport/index.js';

// A cluster member (`bosun kv serve`).
export { Member, encodeMemberContext } from './member/index.js';
export { MEMBER_KEY_PREFIX, StoreAdmin } from './store/admin.js';
export type { ClusterAdmin, MemberInfo, MemberListResponse } from './store/admin.js';
export type { MemberContext, MemberOptions } from './member/index.js';
