/** The closed table of reasons the Raft core refuses a request. */
export type RaftErrorCode =
  /** The entry or index asked for has been compacted into a snapshot. */
  | 'compacted'
  /** The index asked for is past the end of the log. */
  | 'unavailable'
  /** The storage cannot produce a snapshot right now; try again later. */
  | 'snapshotTemporarilyUnavailable'
  /** A snapshot older than the one the storage has. */
  | 'snapshotOutOfDate'
  /** A proposal or read that was not accepted (no leader, transfer in progress, removed...). */
  | 'proposalDropped'
  /** A membership change that cannot be applied (unknown member, last voter, demotion...). */
  | 'invalidConfChange';

/** An operational error from the Raft core: a code from {@link RaftErrorCode} and a readable message. */
export class RaftError extends Error {
  override readonly name = 'RaftError';
  constructor(
    readonly code: RaftErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Throws when an internal invariant does not hold: a programmer error, never an operational one. */
export function invariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Error(`raft invariant violated: ${message()}`);
}
