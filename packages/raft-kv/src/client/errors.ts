/**
 * The errors of the remote client that are neither the store's ({@link MvccError}, passed on as
 * they are) nor a member's ({@link NodeError}): one class, one closed table of codes. The
 * store's errors cross the wire with their class, code and facts, so a caller handles the
 * client's errors exactly as the embedded store's.
 */
import { MvccError } from '../mvcc/errors.js';
import type { MvccErrorCode } from '../mvcc/errors.js';
import { NodeError } from '../node/raft-node.js';
import type { NodeErrorCode } from '../node/raft-node.js';
import { SERVER_ERROR_MESSAGES } from '../server/protocol.js';
import type { WireError } from '../server/protocol.js';

/** Every code a {@link ClientError} can carry, with the message it prints by default. */
export const CLIENT_ERROR_MESSAGES = {
  ...SERVER_ERROR_MESSAGES,
  /** No member could be reached, or the connection was lost. */
  unavailable: 'no member available',
  /** The request's deadline passed (retries included). */
  timeout: 'the request deadline passed',
  /** The client was closed. */
  closed: 'the client is closed',
} as const;

/** The closed set of client error codes. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_MESSAGES;

/** Facts a {@link ClientError} may carry. */
export interface ClientErrorDetails {
  /** A write was sent and no answer came back: it may or may not have taken effect. */
  readonly outcomeUnknown?: boolean;
  /** The endpoint involved, if one. */
  readonly endpoint?: string;
  /** For a watch that could not be resumed: watch again from here to continue without a gap. */
  readonly resumeRevision?: number;
  readonly cause?: unknown;
}

/** An operational error of the client. */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  readonly code: ClientErrorCode;
  /** True when a write may or may not have taken effect; such a request is never retried. */
  readonly outcomeUnknown: boolean;
  readonly endpoint: string | undefined;
  readonly resumeRevision: number | undefined;

  constructor(code: ClientErrorCode, detail?: string, details: ClientErrorDetails = {}) {
    const base = detail === undefined ? CLIENT_ERROR_MESSAGES[code] : `${CLIENT_ERROR_MESSAGES[code]}: ${detail}`;
    super(
      details.outcomeUnknown === true ? `${base}; the request may or may not have taken effect` : base,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.outcomeUnknown = details.outcomeUnknown === true;
    this.endpoint = details.endpoint;
    this.resumeRevision = details.resumeRevision;
  }
}

/** Whether `error` is a {@link ClientError}, optionally with the given code. */
export function isClientError(error: unknown, code?: ClientErrorCode): error is ClientError {
  return error instanceof ClientError && (code === undefined || error.code === code);
}

const NODE_CODES: ReadonlySet<string> = new Set<NodeErrorCode>(['timeout', 'stopped', 'notLeader', 'badRequest']);

/** The typed error a {@link WireError} stands for: an MvccError, a NodeError or a ClientError. */
export function fromWireError(wire: WireError, endpoint: string): Error {
  const d = wire.details;
  switch (d.kind) {
    case 'mvcc':
      return MvccError.fromData({
        code: wire.code as MvccErrorCode,
        message: wire.message,
        ...(d.compactRevision !== undefined ? { compactRevision: d.compactRevision } : {}),
        ...(d.revision !== undefined ? { revision: d.revision } : {}),
      });
    case 'node':
      if (NODE_CODES.has(wire.code)) return new NodeError(wire.code as NodeErrorCode, wire.message, d.leader ?? '');
      break;
    case 'server':
      if (wire.code in SERVER_ERROR_MESSAGES) {
        const error = new ClientError(wire.code as ClientErrorCode, undefined, { endpoint });
        error.message = wire.message;
        return error;
      }
      break;
  }
  return new ClientError('internal', `${wire.code}: ${wire.message}`, { endpoint });
}
