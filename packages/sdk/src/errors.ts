/**
 * The SDK's typed errors: {@link ApiStatusError} for an answer the API server gave (carrying its
 * Kubernetes `Status`), {@link TransportError} for a server that could not be reached.
 */

/** One field cause of a Status (metav1.StatusCause). */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The details of a Status (metav1.StatusDetails). */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A Kubernetes `Status` object (metav1.Status). */
export interface Status {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** An error answer from the API server, with its Kubernetes Status. */
export class ApiStatusError extends Error {
  /** The HTTP status code (Status.code). */
  readonly code: number;
  /** The machine-readable reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`...). */
  readonly reason: string;
  /** The Status as the server sent it, or one built from the HTTP status and text. */
  readonly status: Status;
  /** The field causes (422 Invalid and friends); empty when there are none. */
  readonly causes: StatusCause[];

  constructor(status: Status) {
    const code = status.code ?? 500;
    super(status.message ?? `the server answered ${code} ${status.reason ?? ''}`.trim());
    this.name = 'ApiStatusError';
    this.code = code;
    this.reason = status.reason ?? REASON_BY_CODE[code] ?? 'Unknown';
    this.status = status;
    this.causes = status.details?.causes ?? [];
  }

  /** Builds the error from an HTTP answer: its body when that is a Status, else the code and text. */
  static fromResponse(httpStatus: number, body: Buffer | string): ApiStatusError {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isStatusObject(parsed)) {
      return new ApiStatusError({ ...parsed, code: typeof parsed.code === 'number' ? parsed.code : httpStatus });
    }
    const message = text.trim() === '' ? `the server answered ${httpStatus}` : text.trim();
    return new ApiStatusError({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: httpStatus,
      reason: REASON_BY_CODE[httpStatus] ?? 'Unknown',
      message,
    });
  }
}

function isStatusObject(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

/** Whether `value` is a Status object (a watch ERROR event's object, say). */
export function isStatus(value: unknown): value is Status {
  return isStatusObject(value);
}

/** The codes of a {@link TransportError}. */
export type TransportErrorCode =
  /** Every server refused or dropped the connection until the deadline. */
  | 'Unavailable'
  /** The overall deadline passed. */
  | 'DeadlineExceeded'
  /** The caller's signal aborted. */
  | 'Aborted'
  /** A request that may have reached the server failed and is not safe to retry. */
  | 'NotRetried';

/** A failure to get an answer from any API server. */
export class TransportError extends Error {
  /** What went wrong. */
  readonly code: TransportErrorCode;
  /** The server tried last. */
  readonly server: string | undefined;

  constructor(code: TransportErrorCode, message: string, options: { server?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransportError';
    this.code = code;
    this.server = options.server;
  }
}

function statusCode(err: unknown): number | undefined {
  if (err instanceof ApiStatusError) return err.code;
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number')
    return (err as { code: number }).code;
  return undefined;
}

function statusReason(err: unknown): string | undefined {
  return err instanceof ApiStatusError ? err.reason : undefined;
}

/** Whether `err` is a 404 NotFound. */
export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}

/** Whether `err` is a 409 Conflict (a stale resourceVersion), not an AlreadyExists. */
export function isConflict(err: unknown): boolean {
  return statusCode(err) === 409 && statusReason(err) !== 'AlreadyExists';
}

/** Whether `err` is a 409 AlreadyExists. */
export function isAlreadyExists(err: unknown): boolean {
  return statusCode(err) === 409 && statusReason(err) === 'AlreadyExists';
}

/** Whether `err` is a 410 Gone / Expired (a resourceVersion too old to watch or list from). */
export function isGone(err: unknown): boolean {
  return statusCode(err) === 410;
}

/** Whether `err` is a 422 Invalid. */
export function isInvalid(err: unknown): boolean {
  return statusCode(err) === 422;
}
