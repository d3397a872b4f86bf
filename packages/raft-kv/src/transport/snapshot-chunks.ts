/**
 * Snapshots cross the network in chunks so that a large state (tens of MB) neither needs one
 * huge frame nor holds up the heartbeats that share its connection: the sender cuts the data
 * into views (no copy) and the receiver copies them into one buffer of the announced size.
 */
import type { Message } from '../raft/types.js';
import { FrameError, type SnapshotChunkFrame } from './frames.js';

/** The default chunk size: 1 MiB. */
export const DEFAULT_SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

const empty = new Uint8Array(0);

/**
 * The chunks of one `snapshot` message, in order: at least one (an empty snapshot has one
 * empty chunk), each with at most `chunkBytes` of data.
 */
export function* snapshotChunks(m: Message, transferId: number, chunkBytes: number): Generator<SnapshotChunkFrame> {
  if (m.type !== 'snapshot' || !m.snapshot) throw new Error(`not a snapshot message: ${m.type}`);
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new Error(`bad chunk size ${chunkBytes}`);
  const data = m.snapshot.data;
  const totalBytes = data.byteLength;
  const header: Message = { ...m, snapshot: { meta: m.snapshot.meta, data: empty } };
  let offset = 0;
  do {
    const end = Math.min(totalBytes, offset + chunkBytes);
    const chunk = data.subarray(offset, end);
    yield offset === 0
      ? { kind: 'snapshotChunk', transferId, offset, totalBytes, data: chunk, message: header }
      : { kind: 'snapshotChunk', transferId, offset, totalBytes, data: chunk };
    offset = end;
  } while (offset < totalBytes);
}

/**
 * Reassembles the snapshot transfers of one connection, one at a time.
 * Invariant: when a transfer is open, `received` bytes of `data` are filled, in order.
 */
export class SnapshotAssembler {
  private transfer: { id: number; header: Message; data: Uint8Array; received: number } | undefined;

  /** @param maxBytes the largest snapshot accepted; larger announcements are refused. */
  constructor(private readonly maxBytes: number) {}

  /**
   * Takes the next chunk; returns the whole message once its last chunk arrived.
   * Throws {@link FrameError} when the chunks do not follow each other.
   */
  accept(chunk: SnapshotChunkFrame): Message | undefined {
    if (chunk.offset === 0) {
      if (chunk.totalBytes > this.maxBytes) {
        throw new FrameError(`a snapshot of ${chunk.totalBytes} bytes exceeds the limit of ${this.maxBytes}`);
      }
      // A new transfer replaces an unfinished one (the sender gave up on it).
      const header = chunk.message as Message;
      this.transfer = { id: chunk.transferId, header, data: new Uint8Array(chunk.totalBytes), received: 0 };
    }
    const t = this.transfer;
    if (!t || t.id !== chunk.transferId || t.received !== chunk.offset || t.data.byteLength !== chunk.totalBytes) {
      this.transfer = undefined;
      throw new FrameError(`snapshot chunk ${chunk.transferId}@${chunk.offset} does not follow the transfer`);
    }
    t.data.set(chunk.data, chunk.offset);
    t.received += chunk.data.byteLength;
    if (t.received < t.data.byteLength) return undefined;
    this.transfer = undefined;
    const snapshot = t.header.snapshot;
    if (!snapshot) throw new FrameError('a snapshot transfer must carry a snapshot');
    return { ...t.header, snapshot: { meta: snapshot.meta, data: t.data } };
  }

  /** Bytes of the unfinished transfer so far (0 when none). */
  get pendingBytes(): number {
    return this.transfer?.received ?? 0;
  }
}
