/**
 * Opening the write-ahead log: list and read the segments, replay their records, cut a torn
 * tail back, and hand the recovered state to a {@link Wal} that appends after it.
 */
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError, ioError } from './errors.js';
import { datasync, removeTempFiles, writeFileDurably, type SyncFile } from './files.js';
import { encodeRecord } from './records.js';
import { EMPTY_HARD_STATE, LogReplay, type ReplayedLog } from './replay.js';
import { listSegments, scanSegment, segmentName, type SegmentFile, type SegmentScan } from './segment.js';
import { DEFAULT_SEGMENT_BYTES, Wal, type SegmentState, type WalOptions } from './wal.js';

/** What {@link openWal} recovered: the log as replayed, and whether a torn tail was cut off. */
export interface WalRecovery extends ReplayedLog {
  readonly repairedTail: { readonly file: string; readonly offset: number; readonly reason: string } | undefined;
}

/** An opened log: the handle to append with, and what was recovered. */
export interface OpenedWal {
  readonly wal: Wal;
  readonly log: WalRecovery;
}

/**
 * Opens (creating if needed) the WAL in `dir` and replays it. A torn last record of the last
 * segment is cut off (reported in `log.repairedTail`); damage anywhere else throws `corrupt`
 * naming the file and byte offset; a missing segment throws `missing`.
 */
export async function openWal(dir: string, options: WalOptions = {}): Promise<OpenedWal> {
  const sync = options.sync ?? datasync;
  const files = await prepareDir(dir, sync);
  const { replay, segments, newestMarkerSeq, tail } = await replaySegments(files);
  const last = segments.at(-1);
  if (last === undefined) throw new Error('invariant: a WAL always has a segment');
  const torn = tail.scan.torn;
  if (torn && options.repairTornTail === false) {
    throw new StorageError('torn', torn.reason, { file: last.path, offset: torn.offset });
  }
  const file = await openForAppend(last.path, tail.scan.end, tail.size, sync);
  const { hardState, snapshots, entries, lastIndex } = replay;
  const wal = new Wal({
    dir,
    segmentBytes: options.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
    sync,
    file,
    size: tail.scan.end,
    segments,
    written: { hardState, snapshot: snapshots.at(-1), lastIndex },
    newestMarkerSeq,
  });
  const repairedTail = torn ? { file: last.path, ...torn } : undefined;
  return { wal, log: { hardState, snapshots, entries, lastIndex, repairedTail } };
}

/** Creates the directory and its first segment if needed, removes temp files, lists the segments. */
async function prepareDir(dir: string, sync: SyncFile): Promise<SegmentFile[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw ioError('create WAL directory', err, dir);
  }
  await removeTempFiles(dir);
  const files = await listSegments(dir);
  if (files.length > 0) return files;
  const path = join(dir, segmentName(0));
  const header = { kind: 'header', seq: 0, lastIndex: 0, hardState: EMPTY_HARD_STATE, snapshot: undefined } as const;
  await writeFileDurably(path, [encodeRecord(header)], sync);
  return [{ seq: 0, path }];
}

/** Reads every segment in order and feeds its records to one replay. */
async function replaySegments(files: readonly SegmentFile[]) {
  const replay = new LogReplay();
  const segments: SegmentState[] = [];
  let newestMarkerSeq: number | undefined;
  let tail: { scan: SegmentScan; size: number } = { scan: { end: 0, torn: undefined }, size: 0 };
  for (const [i, { seq, path }] of files.entries()) {
    const buf = await readFile(path).catch((err: unknown) => Promise.reject(ioError('read segment', err, path)));
    const segment: SegmentState = { seq, path, maxEntryIndex: 0 };
    const scan = scanSegment(buf, {
      path,
      seq,
      last: i === files.length - 1,
      visit(record, offset) {
        replay.apply(record, { file: path, offset });
        if (record.kind === 'entries') {
          segment.maxEntryIndex = Math.max(segment.maxEntryIndex, record.entries.at(-1)?.index ?? 0);
        } else if (record.kind === 'snapshot') {
          newestMarkerSeq = seq;
        }
      },
    });
    segments.push(segment);
    tail = { scan, size: buf.length };
  }
  return { replay, segments, newestMarkerSeq, tail };
}

/** Opens the last segment for appending at `end`, cutting (or padding) the file to that length. */
async function openForAppend(path: string, end: number, size: number, sync: SyncFile): Promise<FileHandle> {
  let file: FileHandle | undefined;
  try {
    file = await open(path, 'r+');
    if (end !== size) {
      await file.truncate(end);
      await sync(file);
    }
    return file;
  } catch (err) {
    await file?.close().catch(() => undefined);
    throw ioError('open the last segment', err, path);
  }
}
