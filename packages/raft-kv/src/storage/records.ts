/**
 * The records of the write-ahead log and their bytes on disk.
 *
 * A frame is `u32 length | u32 crc | body | zero padding`, little-endian, padded so that every
 * frame starts at a multiple of 8. `length` counts the body only; `crc` is CRC-32 (zlib's)
 * over the four length bytes and then the body, so a damaged length is caught too. The body
 * is `u8 type | payload`. A body is never empty, so a run of zero bytes never reads as a frame.
 */
import { crc32 } from 'node:zlib';
import type { Entry, EntryType, HardState } from '../raft/types.js';
import { ByteReader, ByteWriter } from './bytes.js';

/** Where a snapshot stands in the log: enough to match a snapshot file with the WAL. */
export interface SnapshotMarker {
  readonly index: number;
  readonly term: number;
}

/** One record of the write-ahead log. */
export type WalRecord =
  | {
      /** The first record of every segment: the state as of the segment's creation. */
      readonly kind: 'header';
      /** Invariant: the segment's file name carries the same sequence number. */
      readonly seq: number;
      /** The last log index when the segment was created (entries before it may be released). */
      readonly lastIndex: number;
      readonly hardState: HardState;
      /** The newest snapshot marker when the segment was created. */
      readonly snapshot: SnapshotMarker | undefined;
    }
  /** Entries starting at `entries[0].index` replace everything the log held from that index on. */
  | { readonly kind: 'entries'; readonly entries: readonly Entry[] }
  | { readonly kind: 'hardState'; readonly hardState: HardState }
  /**
   * A snapshot was saved. `installed`: Raft replaced its log with it (a snapshot from the
   * leader), so the log restarts after `marker.index`; otherwise (a local snapshot for
   * compaction) the entries stay.
   */
  | { readonly kind: 'snapshot'; readonly marker: SnapshotMarker; readonly installed: boolean };

/** The kinds of {@link WalRecord}, as printed in errors. */
export type WalRecordKind = WalRecord['kind'];

const TYPE_CODES: Record<WalRecordKind, number> = { header: 1, entries: 2, hardState: 3, snapshot: 4 };
const ENTRY_TYPES: readonly EntryType[] = ['normal', 'confChange'];
const FORMAT_VERSION = 1;

/** Bytes before a frame's body. */
export const FRAME_HEADER_BYTES = 8;
/** The largest body a frame can hold (its length is a u32). */
const MAX_BODY_BYTES = 0xffff_ffff;
/** Every frame starts at a multiple of this. */
export const FRAME_ALIGN = 8;

/** The size of a frame whose body is `bodyLength` bytes, padding included. */
export function frameSize(bodyLength: number): number {
  return Math.ceil((FRAME_HEADER_BYTES + bodyLength) / FRAME_ALIGN) * FRAME_ALIGN;
}

/** Encodes one record as a complete frame, in a buffer of its own. */
export function encodeRecord(record: WalRecord): Buffer {
  const w = new ByteWriter(FRAME_HEADER_BYTES + bodySizeHint(record));
  encodeFrame(w, record);
  return w.view();
}

/** Appends one record as a complete frame (header, body, padding) to `w`. */
export function encodeFrame(w: ByteWriter, record: WalRecord): void {
  const start = w.length;
  w.skip(FRAME_HEADER_BYTES);
  w.u8(TYPE_CODES[record.kind]);
  writePayload(w, record);
  const bodyLength = w.length - start - FRAME_HEADER_BYTES;
  if (bodyLength > MAX_BODY_BYTES) throw new RangeError(`a record of ${bodyLength} bytes is too large for one frame`);
  w.zeros(frameSize(bodyLength) - FRAME_HEADER_BYTES - bodyLength);
  w.u32At(start, bodyLength);
  const body = w.view(start + FRAME_HEADER_BYTES, start + FRAME_HEADER_BYTES + bodyLength);
  w.u32At(start + 4, crc32(body, crc32(w.view(start, start + 4))));
}

function writePayload(w: ByteWriter, record: WalRecord): void {
  switch (record.kind) {
    case 'header':
      w.u8(FORMAT_VERSION);
      w.u64(record.seq);
      w.u64(record.lastIndex);
      writeHardState(w, record.hardState);
      w.u8(record.snapshot ? 1 : 0);
      w.u64(record.snapshot?.index ?? 0);
      w.u64(record.snapshot?.term ?? 0);
      return;
    case 'entries':
      w.u32(record.entries.length);
      for (const e of record.entries) {
        w.u64(e.term);
        w.u64(e.index);
        w.u8(ENTRY_TYPES.indexOf(e.type));
        w.u32(e.data.length);
        w.bytes(e.data);
      }
      return;
    case 'hardState':
      writeHardState(w, record.hardState);
      return;
    case 'snapshot':
      w.u8(record.installed ? 1 : 0);
      w.u64(record.marker.index);
      w.u64(record.marker.term);
      return;
    default:
      record satisfies never;
  }
}

/** What {@link readFrame} found at an offset. */
export type FrameResult =
  /** `next`: where the following frame starts; past the end of `buf` when only padding is missing. */
  | { readonly ok: true; readonly record: WalRecord; readonly next: number }
  /** `incomplete`: the frame runs past the end of the buffer (as a crash mid-write leaves it). */
  | { readonly ok: false; readonly reason: string; readonly incomplete: boolean };

/** Reads the frame at `offset` (a multiple of 8) of `buf`, checking length, checksum and payload. */
export function readFrame(buf: Buffer, offset: number): FrameResult {
  if (offset + FRAME_HEADER_BYTES > buf.length) return bad('incomplete frame header', true);
  const bodyLength = buf.readUInt32LE(offset);
  if (bodyLength === 0) return bad('zero-length frame', false);
  const end = offset + FRAME_HEADER_BYTES + bodyLength;
  if (end > buf.length) return bad(`frame of ${bodyLength} bytes runs past the end of the file`, true);
  const body = buf.subarray(offset + FRAME_HEADER_BYTES, end);
  const expected = buf.readUInt32LE(offset + 4);
  if (crc32(body, crc32(buf.subarray(offset, offset + 4))) !== expected) return bad('checksum mismatch', false);
  const next = offset + frameSize(bodyLength);
  if (buf.subarray(end, next).some((byte) => byte !== 0)) return bad('non-zero padding after the record', false);
  try {
    return { ok: true, record: decodeBody(body), next };
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err), false);
  }
}

function bad(reason: string, incomplete: boolean): FrameResult {
  return { ok: false, reason, incomplete };
}

function decodeBody(body: Buffer): WalRecord {
  const r = new ByteReader(body);
  const type = r.u8();
  switch (type) {
    case TYPE_CODES.header: {
      const version = r.u8();
      if (version !== FORMAT_VERSION) throw new Error(`unknown segment format version ${version}`);
      const seq = r.u64();
      const lastIndex = r.u64();
      const hardState = readHardState(r);
      const hasSnapshot = r.u8() === 1;
      const snapshot = { index: r.u64(), term: r.u64() };
      return r.done({ kind: 'header', seq, lastIndex, hardState, snapshot: hasSnapshot ? snapshot : undefined });
    }
    case TYPE_CODES.entries: {
      const count = r.u32();
      const entries: Entry[] = [];
      for (let i = 0; i < count; i++) {
        const term = r.u64();
        const index = r.u64();
        const entryType = ENTRY_TYPES[r.u8()];
        if (entryType === undefined) throw new Error('unknown entry type');
        entries.push({ term, index, type: entryType, data: r.bytes(r.u32()) });
      }
      return r.done({ kind: 'entries', entries });
    }
    case TYPE_CODES.hardState:
      return r.done({ kind: 'hardState', hardState: readHardState(r) });
    case TYPE_CODES.snapshot: {
      const installed = r.u8() === 1;
      return r.done({ kind: 'snapshot', installed, marker: { index: r.u64(), term: r.u64() } });
    }
    default:
      throw new Error(`unknown record type ${type}`);
  }
}

function bodySizeHint(record: WalRecord): number {
  if (record.kind !== 'entries') return 64;
  let size = 8;
  for (const e of record.entries) size += 21 + e.data.length;
  return size;
}

function writeHardState(w: ByteWriter, hs: HardState): void {
  w.u64(hs.term);
  w.u64(hs.commit);
  const vote = Buffer.from(hs.vote, 'utf8');
  w.u32(vote.length);
  w.bytes(vote);
}

function readHardState(r: ByteReader): HardState {
  const term = r.u64();
  const commit = r.u64();
  const vote = Buffer.from(r.bytes(r.u32())).toString('utf8');
  return { term, vote, commit };
}
