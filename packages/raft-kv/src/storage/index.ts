/**
 * Durable storage for a Raft member: the segmented write-ahead log with group commit, the
 * snapshot files, and recovery of both. Every public name of the folder is listed here.
 */
export { STORAGE_ERROR_CODES, StorageError } from './errors.js';
export type { StorageErrorCode, StorageErrorLocation } from './errors.js';
export type { SyncFile } from './files.js';
export type { SnapshotMarker } from './records.js';
export type { WalBatch } from './batch.js';
export type { ReplayedLog } from './replay.js';
export { DEFAULT_SEGMENT_BYTES, Wal } from './wal.js';
export type { WalOptions, WalStats } from './wal.js';
export { openWal } from './open-wal.js';
export type { OpenedWal, WalRecovery } from './open-wal.js';
export { SnapshotStore } from './snapshot-store.js';
export type { SnapshotFile, SnapshotStoreOptions } from './snapshot-store.js';
export { openStorage, saveSnapshot } from './storage.js';
export type { RecoveredStorage, StorageOptions } from './storage.js';
