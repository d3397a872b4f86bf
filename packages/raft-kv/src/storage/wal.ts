/**
 * The write-ahead log: what Raft must have on stable storage before it answers, in segment
 * files, with group commit. `save()` persists one Ready batch; batches that arrive while a
 * flush is running are written together and made durable by the next single fsync.
 */
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry, HardState } from '../raft/types.js';
import { checkBatch, type WalBatch } from './batch.js';
import { StorageError, ioError } from './errors.js';
import { syncDir, writeAll, writeFileDurably, type SyncFile } from './files.js';
import { ByteWriter } from './bytes.js';
import { encodeFrame, encodeRecord, type SnapshotMarker, type WalRecord } from './records.js';
import { segmentName } from './segment.js';

/** The size at which a segment is closed and the next one started, unless configured. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** How to open a {@link Wal}. */
export interface WalOptions {
  /** A segment that has reached this many bytes is closed and a new one started. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** Cut a torn tail back and go on (the default), or throw `torn` (for inspection tools). */
  readonly repairTornTail?: boolean;
  /** Makes a file's data durable. Default `fdatasync`; tests inject one that counts or fails. */
  readonly sync?: SyncFile;
}

/** Counters for tests and metrics. */
export interface WalStats {
  /** Calls to `save` and `markSnapshot` that were accepted. */
  saves: number;
  /** fsyncs that made batches durable (one per group commit). */
  syncs: number;
  bytesWritten: number;
  segmentsCreated: number;
  segmentsReleased: number;
}

/** A segment as the log tracks it (internal to the storage folder). */
export interface SegmentState {
  readonly seq: number;
  readonly path: string;
  /** The highest entry index any record of this segment wrote; 0 if none. */
  maxEntryIndex: number;
}

/** The log state as of the records written so far, in order; a new segment's header carries it. */
export interface WrittenState {
  hardState: HardState;
  snapshot: SnapshotMarker | undefined;
  lastIndex: number;
}

/** What {@link Wal} starts from: the recovered state and the open last segment (see openWal). */
export interface WalInit {
  readonly dir: string;
  readonly segmentBytes: number;
  readonly sync: SyncFile;
  readonly file: FileHandle;
  readonly size: number;
  readonly segments: SegmentState[];
  readonly written: WrittenState;
  readonly newestMarkerSeq: number | undefined;
}

/** What a queued batch changes once written. */
interface Effects {
  readonly hardState?: HardState;
  readonly snapshot?: SnapshotMarker;
  /** The log's last index after this batch. */
  readonly lastIndex: number;
  readonly maxEntryIndex: number;
}

interface Pending {
  readonly records: readonly WalRecord[];
  readonly effects: Effects;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** A group commit's buffer is kept between flushes unless one grew it beyond this. */
const RETAINED_BUFFER_BYTES = 4 * 1024 * 1024;

type WalState = 'open' | 'closed' | 'failed';

/**
 * An open write-ahead log, appending to its last segment. Get one from `openWal`.
 * After a failed write or fsync the log stops (every later call rejects with that `io` error):
 * what reached the disk is unknown, so the process must reopen and recover.
 */
export class Wal {
  /** Counters for tests and metrics. */
  readonly stats: WalStats = { saves: 0, syncs: 0, bytesWritten: 0, segmentsCreated: 0, segmentsReleased: 0 };
  private state: WalState = 'open';
  private failure: StorageError | undefined;
  private queue: Pending[] = [];
  /** Where a group commit's frames are encoded; reused by every flush (flushes never overlap). */
  private readonly buffer = new ByteWriter(64 * 1024);
  private flushing: Promise<void> | undefined;
  private releasing: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private readonly dir: string;
  private readonly segmentBytes: number;
  private readonly sync: SyncFile;
  private file: FileHandle;
  /** Invariant: where the next frame goes in the last segment; a multiple of 8. */
  private size: number;
  /** Invariant: oldest first, sequence numbers contiguous, never empty; the last one is open. */
  private readonly segments: SegmentState[];
  private readonly written: WrittenState;
  /** The segment holding the newest snapshot record; releaseTo never removes it. */
  private newestMarkerSeq: number | undefined;
  /** The log's last index counting queued batches: a new batch must not leave a gap after it. */
  private acceptedLastIndex: number;

  /** Use `openWal`, which recovers the state this takes. */
  constructor(init: WalInit) {
    this.dir = init.dir;
    this.segmentBytes = init.segmentBytes;
    this.sync = init.sync;
    this.file = init.file;
    this.size = init.size;
    this.segments = init.segments;
    this.written = init.written;
    this.newestMarkerSeq = init.newestMarkerSeq;
    this.acceptedLastIndex = init.written.lastIndex;
  }

  /**
   * Persists one Ready batch: an installed snapshot's marker, then entries (which replace the
   * log from their first index on), then the hard state. Resolves once all of it is durable.
   * Rejects with a plain Error for a malformed batch (a gap, a bad index), which is a bug.
   */
  save(batch: WalBatch): Promise<void> {
    let lastIndex: number;
    try {
      lastIndex = checkBatch(batch, this.acceptedLastIndex);
    } catch (err) {
      return Promise.reject(err);
    }
    const { hardState, snapshot } = batch;
    const entries: readonly Entry[] = batch.entries ?? [];
    const records: WalRecord[] = [];
    if (snapshot) records.push({ kind: 'snapshot', marker: snapshot, installed: true });
    if (entries.length > 0) records.push({ kind: 'entries', entries });
    if (hardState) records.push({ kind: 'hardState', hardState });
    return this.enqueue(records, { hardState, snapshot, lastIndex, maxEntryIndex: entries.at(-1)?.index ?? 0 });
  }

  /**
   * Records that a snapshot of the state machine at `marker` was saved (write the snapshot file
   * first). The log keeps its entries; `releaseTo` may then drop the segments it covers.
   * Rejects with a plain Error if `marker` is not within the log, which is a bug.
   */
  markSnapshot(marker: SnapshotMarker): Promise<void> {
    const lastIndex = this.acceptedLastIndex;
    if (!isCount(marker.index) || !isCount(marker.term) || marker.index > lastIndex) {
      const detail = `snapshot marker (index ${marker.index}, term ${marker.term}) is not within the log (1..${lastIndex})`;
      return Promise.reject(new RangeError(detail));
    }
    const records: WalRecord[] = [{ kind: 'snapshot', marker, installed: false }];
    return this.enqueue(records, { snapshot: marker, lastIndex, maxEntryIndex: 0 });
  }

  /**
   * Removes whole segments whose entries all lie below `index`, oldest first. Never removes the
   * last segment, the segment holding the newest snapshot marker, or entries after the newest
   * marker (so `index` is capped at its index + 1). Resolves to the number of segments removed.
   */
  releaseTo(index: number): Promise<number> {
    if (this.state !== 'open') return Promise.reject(this.unusable());
    const run = this.releasing.then(() => this.release(index));
    this.releasing = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued saves to become durable, then closes the log. Later calls reject `closed`. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** The bytes of the log's segment files on disk (a file removed meanwhile counts 0). */
  async diskBytes(): Promise<number> {
    const sizes = await Promise.all(
      this.segments.map((segment) =>
        stat(segment.path).then(
          (s) => s.size,
          () => 0,
        ),
      ),
    );
    return sizes.reduce((a, b) => a + b, 0);
  }

  /** How many segment files the log has now. */
  get segmentCount(): number {
    return this.segments.length;
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'open') this.state = 'closed';
    await this.flushing;
    await this.releasing;
    await this.file.close().catch(() => undefined);
  }

  private enqueue(records: readonly WalRecord[], effects: Effects): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.unusable());
    this.acceptedLastIndex = effects.lastIndex;
    this.stats.saves += 1;
    return new Promise((resolve, reject) => {
      this.queue.push({ records, effects, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Let the saves issued in the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.writeBatch(batch);
        for (const p of batch) p.resolve();
      } catch (err) {
        this.failure = ioError('append to the WAL failed; reopen it to recover', err, this.lastSegment().path);
        this.state = 'failed';
        for (const p of [...batch, ...this.queue]) p.reject(this.failure);
        this.queue = [];
      }
    }
    this.flushing = undefined;
  }

  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    if (this.size >= this.segmentBytes) await this.roll();
    const w = this.buffer;
    w.reset(RETAINED_BUFFER_BYTES);
    for (const p of batch) for (const record of p.records) encodeFrame(w, record);
    if (w.length > 0) {
      await writeAll(this.file, w.view(), this.size);
      this.size += w.length;
      this.stats.bytesWritten += w.length;
      await this.sync(this.file);
      this.stats.syncs += 1;
    }
    const segment = this.lastSegment();
    for (const { effects } of batch) {
      if (effects.hardState) this.written.hardState = effects.hardState;
      if (effects.snapshot) {
        this.written.snapshot = effects.snapshot;
        this.newestMarkerSeq = segment.seq;
      }
      this.written.lastIndex = effects.lastIndex;
      segment.maxEntryIndex = Math.max(segment.maxEntryIndex, effects.maxEntryIndex);
    }
  }

  /** Starts the next segment. The current one is durable: every batch was synced before it resolved. */
  private async roll(): Promise<void> {
    const seq = this.lastSegment().seq + 1;
    const path = join(this.dir, segmentName(seq));
    const header = encodeRecord({ kind: 'header', seq, ...this.written });
    await writeFileDurably(path, [header], this.sync);
    const file = await open(path, 'r+');
    await this.file.close();
    this.file = file;
    this.size = header.length;
    this.segments.push({ seq, path, maxEntryIndex: 0 });
    this.stats.segmentsCreated += 1;
  }

  private async release(index: number): Promise<number> {
    const newest = this.written.snapshot;
    if (newest === undefined) return 0;
    const limit = Math.min(index, newest.index + 1);
    let removed = 0;
    for (let oldest = this.segments[0]; oldest !== undefined && this.segments.length > 1; oldest = this.segments[0]) {
      if (oldest.seq === this.newestMarkerSeq || oldest.maxEntryIndex >= limit) break;
      try {
        await rm(oldest.path, { force: true }); // idempotent, should a directory sync fail and this retry
      } catch (err) {
        throw ioError('release segment', err, oldest.path);
      }
      // One directory sync per removal keeps the remaining segments contiguous after a crash.
      await syncDir(this.dir);
      this.segments.shift();
      removed += 1;
      this.stats.segmentsReleased += 1;
    }
    return removed;
  }

  private lastSegment(): SegmentState {
    const last = this.segments.at(-1);
    if (last === undefined) throw new Error('invariant: a WAL always has a segment');
    return last;
  }

  private unusable(): StorageError {
    return this.failure ?? new StorageError('closed', 'the WAL is closed', { file: this.dir });
  }
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
