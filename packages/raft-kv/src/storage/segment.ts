/**
 * Segment files of the write-ahead log: their names, and reading one back with the rule that
 * tells a torn tail (cut back, then appending resumes) from damage (refuse to start).
 *
 * A segment is named by its sequence number (`0000000000000007.wal`, hexadecimal) and starts
 * with a `header` record. It is created complete (temp file, sync, rename, directory sync), so a
 * segment with its final name always has a durable header.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError, ioError } from './errors.js';
import { FRAME_ALIGN, FRAME_HEADER_BYTES, readFrame, type WalRecord } from './records.js';
import { crc32 } from 'node:zlib';

/** One segment file. */
export interface SegmentFile {
  readonly seq: number;
  readonly path: string;
}

const SEGMENT_NAME = /^([0-9a-f]{16})\.wal$/;

/** The file name of segment `seq`. */
export function segmentName(seq: number): string {
  return `${seq.toString(16).padStart(16, '0')}.wal`;
}

/**
 * The segments in `dir`, oldest first. Throws `missing` when the sequence numbers have a gap:
 * a segment in the middle is gone, and with it entries that may have been committed.
 */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw ioError('list segments', err, dir);
  }
  const segments: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_NAME.exec(name);
    if (m?.[1] !== undefined) segments.push({ seq: parseInt(m[1], 16), path: join(dir, name) });
  }
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1];
    const cur = segments[i];
    if (prev !== undefined && cur !== undefined && cur.seq !== prev.seq + 1) {
      throw new StorageError('missing', `segment ${segmentName(prev.seq + 1)} is missing before ${cur.path}`, {
        file: join(dir, segmentName(prev.seq + 1)),
      });
    }
  }
  return segments;
}

/** What reading a segment found, beyond the records it handed to the visitor. */
export interface SegmentScan {
  /** Where the next record goes: the end of the last good frame, padding included. */
  readonly end: number;
  /** Set when the last segment ended in a torn record: where it starts and what was wrong. */
  readonly torn: { readonly offset: number; readonly reason: string } | undefined;
}

/** How to read a segment. */
export interface ScanOptions {
  readonly path: string;
  readonly seq: number;
  /** The last segment may end in a torn record; any other segment must end cleanly. */
  readonly last: boolean;
  readonly visit: (record: WalRecord, offset: number) => void;
}

/**
 * Reads every record of a segment in order. A bad frame is a torn tail only in the last
 * segment and only when no valid frame follows it anywhere in the file; otherwise it is damage
 * and this throws `corrupt` naming the file and the frame's byte offset.
 */
export function scanSegment(buf: Buffer, options: ScanOptions): SegmentScan {
  const { path, last, visit } = options;
  let offset = 0;
  while (offset < buf.length) {
    const frame = readFrame(buf, offset);
    if (frame.ok) {
      checkPlacement(frame.record, offset, options);
      visit(frame.record, offset);
      offset = frame.next;
      continue;
    }
    if (offset === 0) {
      throw new StorageError('corrupt', `segment header: ${frame.reason}`, { file: path, offset });
    }
    const follower = findValidFrame(buf, offset + FRAME_ALIGN);
    if (!last || follower !== undefined) {
      const why =
        follower !== undefined
          ? `a valid record follows at byte ${follower}, so this is not a torn tail`
          : 'not the last segment, so this is not a torn tail';
      throw new StorageError('corrupt', `${frame.reason} (${why})`, { file: path, offset });
    }
    return { end: offset, torn: { offset, reason: frame.reason } };
  }
  if (offset === 0) throw new StorageError('corrupt', 'segment is empty (no header)', { file: path, offset: 0 });
  return { end: offset, torn: undefined };
}

function checkPlacement(record: WalRecord, offset: number, options: ScanOptions): void {
  const isHeader = record.kind === 'header';
  if (isHeader !== (offset === 0)) {
    const detail = isHeader ? 'a segment header in the middle of a segment' : 'segment does not start with a header';
    throw new StorageError('corrupt', detail, { file: options.path, offset });
  }
  if (record.kind === 'header' && record.seq !== options.seq) {
    throw new StorageError('corrupt', `segment header says sequence ${record.seq}, the file name ${options.seq}`, {
      file: options.path,
      offset,
    });
  }
}

/** The offset of the first aligned position at or after `from` that holds an intact frame. */
function findValidFrame(buf: Buffer, from: number): number | undefined {
  for (let p = from; p + FRAME_HEADER_BYTES < buf.length; p += FRAME_ALIGN) {
    const length = buf.readUInt32LE(p);
    if (length === 0 || p + FRAME_HEADER_BYTES + length > buf.length) continue;
    const body = buf.subarray(p + FRAME_HEADER_BYTES, p + FRAME_HEADER_BYTES + length);
    if (crc32(body, crc32(buf.subarray(p, p + 4))) === buf.readUInt32LE(p + 4)) return p;
  }
  return undefined;
}
