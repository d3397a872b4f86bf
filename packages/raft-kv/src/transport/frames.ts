/**
 * The wire format between peers: every WebSocket frame is one msgpackr document, either a
 * batch of Raft messages (in send order) or one chunk of a snapshot message. Records are off
 * so that each frame describes itself and any version of the decoder can read it.
 */
import { Packr } from 'msgpackr';
import { packOwned } from '../codec/pack.js';
import type { Message, MessageType } from '../raft/types.js';

/** Raft messages for one peer, gathered in one event-loop turn, in the order they were sent. */
export interface BatchFrame {
  readonly kind: 'batch';
  readonly messages: readonly Message[];
}

/**
 * One piece of a `snapshot` message's data. The chunks of a transfer travel in order on one
 * connection. The first chunk (offset 0) also carries the message with its snapshot data
 * emptied; the transfer is complete when `offset + data.byteLength === totalBytes`.
 * Invariant: 0 <= offset, offset + data.byteLength <= totalBytes.
 */
export interface SnapshotChunkFrame {
  readonly kind: 'snapshotChunk';
  /** Distinguishes the transfers of one sender; a new id abandons an unfinished transfer. */
  readonly transferId: number;
  readonly offset: number;
  readonly totalBytes: number;
  readonly data: Uint8Array;
  /** Only on the first chunk: the snapshot message, its `snapshot.data` empty. */
  readonly message?: Message;
}

/** Anything a peer connection carries. */
export type Frame = BatchFrame | SnapshotChunkFrame;

/** A frame that does not decode or breaks the protocol; the receiver drops the connection. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

const packr = new Packr({ useRecords: false, moreTypes: false });

const messageTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  'preVote',
  'preVoteResp',
  'vote',
  'voteResp',
  'append',
  'appendResp',
  'heartbeat',
  'heartbeatResp',
  'snapshot',
  'propose',
  'readIndex',
  'readIndexResp',
  'timeoutNow',
]);

/** Encodes a frame; the result is a view the caller may hand to a socket as is. */
export function encodeFrame(frame: Frame): Uint8Array {
  return packOwned(packr, frame);
}

/** Decodes and checks a frame; throws {@link FrameError} on anything malformed. */
export function decodeFrame(bytes: Uint8Array): Frame {
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (e) {
    throw new FrameError(`undecodable frame: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new FrameError('a frame must be a map');
  const frame = raw as Record<string, unknown>;
  switch (frame.kind) {
    case 'batch':
      if (!Array.isArray(frame.messages)) throw new FrameError('a batch frame needs a messages array');
      for (const m of frame.messages) checkMessage(m);
      return frame as unknown as BatchFrame;
    case 'snapshotChunk':
      checkChunk(frame);
      return frame as unknown as SnapshotChunkFrame;
    default:
      throw new FrameError(`unknown frame kind ${JSON.stringify(frame.kind)}`);
  }
}

function checkChunk(frame: Record<string, unknown>): void {
  const { transferId, offset, totalBytes, data, message } = frame;
  if (!isCount(transferId) || !isCount(offset) || !isCount(totalBytes)) {
    throw new FrameError('a snapshot chunk needs transferId, offset and totalBytes counts');
  }
  if (!(data instanceof Uint8Array)) throw new FrameError('a snapshot chunk needs binary data');
  if (offset + data.byteLength > totalBytes) throw new FrameError('a snapshot chunk overruns its transfer');
  if (offset === 0) {
    checkMessage(message);
    if ((message as Message).type !== 'snapshot') throw new FrameError('a snapshot transfer must carry a snapshot');
  }
}

/** Checks the fields the transport and the Raft core rely on; the core checks the rest. */
function checkMessage(value: unknown): void {
  if (typeof value !== 'object' || value === null) throw new FrameError('a message must be a map');
  const m = value as Record<string, unknown>;
  if (!messageTypes.has(m.type as MessageType)) throw new FrameError(`unknown message type ${String(m.type)}`);
  if (typeof m.from !== 'string' || typeof m.to !== 'string' || !isCount(m.term)) {
    throw new FrameError(`a ${String(m.type)} message needs from, to and term`);
  }
  if (m.entries !== undefined) {
    if (!Array.isArray(m.entries)) throw new FrameError('entries must be an array');
    for (const e of m.entries as unknown[]) {
      const entry = e as Record<string, unknown> | null;
      const typed = entry?.type === 'normal' || entry?.type === 'confChange';
      if (!entry || !typed || !isCount(entry.index) || !isCount(entry.term) || !(entry.data instanceof Uint8Array)) {
        throw new FrameError('an entry needs a type, index, term and binary data');
      }
    }
  }
  if (m.snapshot !== undefined) {
    const s = m.snapshot as Record<string, unknown> | null;
    if (!s || typeof s.meta !== 'object' || !(s.data instanceof Uint8Array)) {
      throw new FrameError('a snapshot needs meta and binary data');
    }
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
