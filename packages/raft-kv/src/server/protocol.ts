/**
 * The client protocol of a member: msgpackr frames over one WebSocket. A client sends
 * {@link RequestFrame}s, each with an id of its choosing; the server answers each with a
 * {@link ResponseFrame} carrying the same id, in any order, and streams the batches of the
 * watches the client opened as {@link WatchFrame}s tagged with the client's watch id.
 *
 * A watch is opened with method `watch` and args `[watchId, key, options, window, grouped]`; the
 * answer ({@link WatchCreated}) names the revision the stream starts at, and its batches follow
 * (never before the answer). `watchCancel` and `watchProgress` take `[watchId]`. A client that
 * sets `grouped` also takes a {@link GroupedWatchFrame}: one batch for several of its watches
 * (the same events of one revision), sent once instead of once per watch.
 *
 * Watch flow control: the server sends a watch's batches while their total {@link batchCost}
 * not yet acknowledged is below the `window` the client asked for; the client acknowledges
 * what its consumer has taken with `watchAck` `[watchId, cost]`. A single batch may exceed the
 * window (one revision's events are never split); it then waits for everything before it.
 */
import { Packr } from 'msgpackr';
import { packOwned } from '../codec/pack.js';
import { MvccError } from '../mvcc/errors.js';
import type { WatchBatch } from '../mvcc/watch.js';
import { NodeError } from '../node/raft-node.js';

/** The path a member serves the protocol on, unless told otherwise. */
export const DEFAULT_KV_PATH = '/kv';

/** Every method a client may call, as the `method` of a {@link RequestFrame}. */
export const KV_METHODS = [
  'range',
  'put',
  'deleteRange',
  'txn',
  'compact',
  'grant',
  'revoke',
  'keepAlive',
  'timeToLive',
  'leases',
  'alarm',
  'status',
  'memberList',
  'memberAdd',
  'memberRemove',
  'memberPromote',
  'moveLeader',
  'snapshot',
  'watch',
  'watchCancel',
  'watchProgress',
  'watchAck',
] as const;

/** A method of the protocol. */
export type KvMethod = (typeof KV_METHODS)[number];

const METHOD_SET: ReadonlySet<string> = new Set(KV_METHODS);

/** Whether `name` is a method of the protocol. */
export function isKvMethod(name: unknown): name is KvMethod {
  return typeof name === 'string' && METHOD_SET.has(name);
}

/** A call from client to server. Invariant: `id` is unique among the calls in flight on a connection. */
export interface RequestFrame {
  readonly id: number;
  readonly method: KvMethod;
  readonly args: readonly unknown[];
}

/** The answer to the {@link RequestFrame} with the same id. */
export type ResponseFrame =
  { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: WireError };

/** A batch of the watch the client opened as `watch`, or the error that ended it. */
export type WatchFrame =
  { readonly watch: number; readonly batch: WatchBatch } | { readonly watch: number; readonly error: WireError };

/** One batch for every watch in `watches` (all opened `grouped`), in place of a WatchFrame each. */
export interface GroupedWatchFrame {
  readonly watches: readonly number[];
  readonly batch: WatchBatch;
}

/** Whatever a server sends. */
export type ServerFrame = ResponseFrame | WatchFrame | GroupedWatchFrame;

/** The answer to `watch`: the stream delivers every matching event from `startRevision` on. */
export interface WatchCreated {
  readonly startRevision: number;
}

/** The window of a watch whose client names none. */
export const DEFAULT_WATCH_WINDOW = 1_000;

/** What a batch costs against a watch's window: its events, at least 1. */
export function batchCost(batch: WatchBatch): number {
  return batch.type === 'events' ? Math.max(1, batch.events.length) : 1;
}

/** Which error class a {@link WireError} stands for. */
export type WireErrorKind = 'mvcc' | 'node' | 'server';

/** An error on the wire: the code of its class's table, its message, and the facts it carries. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details: WireErrorDetails;
}

/** The facts a {@link WireError} carries besides its code. */
export interface WireErrorDetails {
  readonly kind: WireErrorKind;
  /** MVCC `compacted`: the oldest revision still readable. */
  readonly compactRevision?: number;
  readonly revision?: number;
  /** Node `notLeader`: the leader's member id, or '' when unknown. */
  readonly leader?: string;
}

/** The errors of the protocol itself, with their default messages. */
export const SERVER_ERROR_MESSAGES = {
  /** The frame or its arguments are not well formed. */
  badRequest: 'malformed request',
  /** The connection did not present acceptable credentials. */
  unauthenticated: 'unauthenticated',
  /** The connection has as many watches open as the server allows. */
  tooManyWatches: 'too many watches on one connection',
  /** The store failed in a way it has no code for. */
  internal: 'internal server error',
} as const;

/** The closed set of protocol error codes. */
export type ServerErrorCode = keyof typeof SERVER_ERROR_MESSAGES;

/** An operational error of the protocol (not of the store). */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly code: ServerErrorCode,
    detail?: string,
  ) {
    super(detail === undefined ? SERVER_ERROR_MESSAGES[code] : `${SERVER_ERROR_MESSAGES[code]}: ${detail}`);
  }
}

/**
 * The wire form of an error thrown while serving a request. Store errors keep their class and
 * facts; anything else becomes `internal` with its message (never its stack).
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof MvccError) {
    const { code, message, ...facts } = error.toData();
    return { code, message, details: { kind: 'mvcc', ...facts } };
  }
  if (error instanceof NodeError) {
    return { code: error.code, message: error.message, details: { kind: 'node', leader: error.leader } };
  }
  if (error instanceof ServerError) return { code: error.code, message: error.message, details: { kind: 'server' } };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `${SERVER_ERROR_MESSAGES.internal}: ${message}`, details: { kind: 'server' } };
}

// Records off: plain maps keep frames self-describing, so that either side can be upgraded.
const packr = new Packr({ useRecords: false, moreTypes: false });

/** Encodes a frame. */
export function encodeFrame(frame: RequestFrame | ServerFrame): Buffer {
  return packOwned(packr, frame);
}

/** Decodes a frame; throws on bytes that are not msgpack. Binary fields come back as Buffer views. */
export function decodeFrame(data: Uint8Array): unknown {
  return packr.unpack(data);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The request in a decoded frame, a `badRequest` error to answer `id` with, or undefined if no id can be read. */
export function parseRequestFrame(value: unknown): RequestFrame | { id: number; error: ServerError } | undefined {
  if (!isRecord(value) || !isId(value['id'])) return undefined;
  const id = value['id'];
  if (!isKvMethod(value['method'])) return { id, error: new ServerError('badRequest', 'unknown method') };
  if (!Array.isArray(value['args'])) return { id, error: new ServerError('badRequest', 'args must be an array') };
  return { id, method: value['method'], args: value['args'] };
}

/** The server frame in a decoded frame, or undefined if it is not one. */
export function parseServerFrame(value: unknown): ServerFrame | undefined {
  if (!isRecord(value)) return undefined;
  if (Array.isArray(value['watches'])) {
    return value['watches'].every(isId) && isRecord(value['batch']) ? (value as ServerFrame) : undefined;
  }
  if (isId(value['watch'])) {
    if (isRecord(value['batch'])) return value as ServerFrame;
    if (isWireError(value['error'])) return value as ServerFrame;
    return undefined;
  }
  if (!isId(value['id'])) return undefined;
  if ('error' in value) return isWireError(value['error']) ? (value as ServerFrame) : undefined;
  return 'result' in value ? (value as ServerFrame) : undefined;
}

function isWireError(value: unknown): value is WireError {
  return (
    isRecord(value) &&
    typeof value['code'] === 'string' &&
    typeof value['message'] === 'string' &&
    isRecord(value['details']) &&
    typeof value['details']['kind'] === 'string'
  );
}
