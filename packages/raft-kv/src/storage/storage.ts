/**
 * A member's durable state: the WAL (`<dir>/wal`) and the snapshot files (`<dir>/snap`),
 * recovered together. Recovery picks the newest snapshot that reads back intact and that the
 * WAL can continue from, and hands Raft the hard state, that snapshot and the entries after it.
 */
import { join } from 'node:path';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { StorageError } from './errors.js';
import { coversAfter, termAt, type ReplayedLog } from './replay.js';
import { SnapshotStore, type SnapshotFile, type SnapshotStoreOptions } from './snapshot-store.js';
import { openWal, type WalRecovery } from './open-wal.js';
import type { Wal, WalOptions } from './wal.js';

/** How to open a member's storage. */
export interface StorageOptions {
  readonly wal?: WalOptions;
  readonly snapshots?: SnapshotStoreOptions;
}

/** What recovery found, and the open stores to go on with. */
export interface RecoveredStorage {
  readonly hardState: HardState;
  /** The snapshot to restore the state machine from; undefined when the log starts at index 1. */
  readonly snapshot: Snapshot | undefined;
  /** The entries after the snapshot (or from index 1), contiguous. */
  readonly entries: readonly Entry[];
  readonly wal: Wal;
  readonly snapshots: SnapshotStore;
  /** Problems recovery worked around (a torn tail cut off, a damaged snapshot skipped): log them. */
  readonly warnings: readonly StorageError[];
}

/**
 * Opens and recovers the storage in `dir`. A snapshot file is used only if the WAL knows it
 * (a snapshot marker, or an entry with the same index and term) and the hard state's commit
 * covers it. A damaged newest snapshot is reported in `warnings` and an older one used, but only
 * if the WAL still holds every entry after it; otherwise this throws `corrupt` (or `missing`).
 */
export async function openStorage(dir: string, options: StorageOptions = {}): Promise<RecoveredStorage> {
  const snapshots = await SnapshotStore.open(join(dir, 'snap'), options.snapshots);
  const { wal, log } = await openWal(join(dir, 'wal'), options.wal);
  try {
    const { snapshot, warnings } = await chooseSnapshot(log, snapshots);
    const after = snapshot?.meta.index ?? 0;
    const first = log.entries[0]?.index ?? after + 1;
    const entries = log.entries.slice(Math.max(0, after + 1 - first));
    return { hardState: log.hardState, snapshot, entries, wal, snapshots, warnings };
  } catch (err) {
    await wal.close();
    throw err;
  }
}

/**
 * Persists a snapshot the state machine took: the file first (so a WAL marker never names a
 * missing file), then the WAL marker, then releases the WAL segments that even the oldest
 * retained snapshot no longer needs. Resolves to the number of segments released.
 */
export async function saveSnapshot(
  storage: { wal: Wal; snapshots: SnapshotStore },
  snapshot: Snapshot,
): Promise<number> {
  const { index, term } = snapshot.meta;
  await storage.snapshots.save(snapshot);
  await storage.wal.markSnapshot({ index, term });
  const oldest = (await storage.snapshots.list()).at(-1);
  // Keep the entry at the oldest snapshot's index too: recovery matches a snapshot by its term.
  return storage.wal.releaseTo(Math.min(oldest?.index ?? index, index));
}

async function chooseSnapshot(
  log: WalRecovery,
  store: SnapshotStore,
): Promise<{ snapshot: Snapshot | undefined; warnings: StorageError[] }> {
  const warnings: StorageError[] = [];
  if (log.repairedTail) {
    const { file, offset, reason } = log.repairedTail;
    warnings.push(new StorageError('torn', `cut off a torn last record (${reason})`, { file, offset }));
  }
  const files = (await store.list()).filter((file) => knownToWal(log, file));
  const newestMarker = log.snapshots.filter((m) => m.index <= log.hardState.commit).at(-1);
  if (newestMarker && !files.some((f) => f.index === newestMarker.index && f.term === newestMarker.term)) {
    const detail = `the WAL records a snapshot at index ${newestMarker.index}, term ${newestMarker.term}, but its file is gone`;
    warnings.push(new StorageError('missing', detail, { file: store.dir }));
  }
  const reasons: string[] = [];
  for (const file of files) {
    if (!coversAfter(log, file.index)) {
      reasons.push(`${file.path} is older than the WAL (it starts after index ${file.index + 1})`);
      continue;
    }
    try {
      return { snapshot: await store.load(file), warnings };
    } catch (err) {
      if (!(err instanceof StorageError) || (err.code !== 'corrupt' && err.code !== 'missing')) throw err;
      warnings.push(err);
      reasons.push(err.message);
    }
  }
  if (coversAfter(log, 0)) return { snapshot: undefined, warnings };
  const code = warnings.some((w) => w.code === 'corrupt') ? 'corrupt' : 'missing';
  const firstIndex = log.entries[0]?.index ?? log.lastIndex + 1;
  const why = reasons.length > 0 ? reasons.join('; ') : 'there is no snapshot file';
  throw new StorageError(code, `no usable snapshot, and the WAL starts at index ${firstIndex}: ${why}`, {
    file: store.dir,
  });
}

/** Whether the WAL vouches for a snapshot file: committed, and matched by a marker or an entry. */
function knownToWal(log: ReplayedLog, file: SnapshotFile): boolean {
  if (file.index > log.hardState.commit) return false;
  return (
    log.snapshots.some((m) => m.index === file.index && m.term === file.term) || termAt(log, file.index) === file.term
  );
}
