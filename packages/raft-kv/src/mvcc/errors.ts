/**
 * The operational errors of the MVCC state machine: one class, one closed table of codes.
 * Each code names the etcd error it mirrors so that clients can map one to the other.
 */

/** Every code an {@link MvccError} can carry, with the message it prints by default. */
export const MVCC_ERROR_MESSAGES = {
  /** etcd ErrGRPCEmptyKey. */
  emptyKey: 'key is not provided',
  /** etcd ErrGRPCValueProvided: `ignoreValue` with a value. */
  valueProvided: 'value is provided',
  /** etcd ErrGRPCLeaseProvided: `ignoreLease` with a lease. */
  leaseProvided: 'lease is provided',
  /** etcd ErrGRPCKeyNotFound: `ignoreValue` / `ignoreLease` on a key that does not exist. */
  keyNotFound: 'key not found',
  /** etcd ErrGRPCDuplicateKey: a txn that writes one key twice. */
  duplicateKey: 'duplicate key given in txn request',
  /** etcd ErrGRPCTooManyOps. */
  tooManyOps: 'too many operations in txn request',
  /** etcd ErrGRPCRequestTooLarge. */
  requestTooLarge: 'request is too large',
  /** etcd ErrCompacted. */
  compacted: 'required revision has been compacted',
  /** etcd ErrFutureRev. */
  futureRevision: 'required revision is a future revision',
  /** etcd ErrGRPCNoSpace: the storage quota is exhausted (alarm NOSPACE). */
  noSpace: 'database space exceeded',
  /** etcd ErrGRPCLeaseNotFound. */
  leaseNotFound: 'requested lease not found',
  /** etcd ErrGRPCLeaseExist. */
  leaseExists: 'lease already exists',
  /** etcd ErrGRPCLeaseTTLTooLarge. */
  leaseTtlTooLarge: 'too large lease TTL',
  /** A keep-alive for a lease whose time ran out; its revoke is on the way. */
  leaseExpired: 'lease expired',
  /** etcd ErrNotPrimary: lease keep-alives are served by the leader only. */
  notPrimary: 'not a primary lessor',
  /** A request that is not well formed (unknown type, negative limit, ...). */
  invalidRequest: 'invalid request',
} as const;

/** The closed set of error codes. */
export type MvccErrorCode = keyof typeof MVCC_ERROR_MESSAGES;

/** Extra facts some errors carry (for `compacted`, the revision a client can restart from). */
export interface MvccErrorDetails {
  readonly compactRevision?: number;
  readonly revision?: number;
}

/** The plain, serializable form of an {@link MvccError}, for sending it to a client. */
export interface MvccErrorData extends MvccErrorDetails {
  readonly code: MvccErrorCode;
  readonly message: string;
}

/** An operational error of the store: typed by `code`, never a programmer error. */
export class MvccError extends Error {
  override readonly name = 'MvccError';
  readonly code: MvccErrorCode;
  readonly compactRevision: number | undefined;
  readonly revision: number | undefined;

  constructor(code: MvccErrorCode, detail?: string, details: MvccErrorDetails = {}) {
    super(detail === undefined ? MVCC_ERROR_MESSAGES[code] : `${MVCC_ERROR_MESSAGES[code]}: ${detail}`);
    this.code = code;
    this.compactRevision = details.compactRevision;
    this.revision = details.revision;
  }

  /** Rebuilds an error from its plain form. */
  static fromData(data: MvccErrorData): MvccError {
    const error = new MvccError(data.code, undefined, data);
    error.message = data.message;
    return error;
  }

  /** The plain form of this error. */
  toData(): MvccErrorData {
    const data: { -readonly [K in keyof MvccErrorData]: MvccErrorData[K] } = { code: this.code, message: this.message };
    if (this.compactRevision !== undefined) data.compactRevision = this.compactRevision;
    if (this.revision !== undefined) data.revision = this.revision;
    return data;
  }
}

/** Whether `error` is an {@link MvccError}, optionally with the given code. */
export function isMvccError(error: unknown, code?: MvccErrorCode): error is MvccError {
  return error instanceof MvccError && (code === undefined || error.code === code);
}
