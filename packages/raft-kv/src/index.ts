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
export { checkLinearizable, HistoryRecorder, formatHistoryOp } from './linearizability/index.js';
export type { CheckOptions, CheckResult, HistoryOp, KvInput, KvOutput } from './linearizability/index.js';
