/**
 * Errors of the API server: one class with a closed table of reasons, each with its HTTP code,
 * turned into a Kubernetes `Status` object on the wire (kubectl prints its message).
 */

/** The reason of a failed request (metav1.StatusReason) and its HTTP status code. */
export const REASON_CODES = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
} as const;

/** A StatusReason. */
export type StatusReason = keyof typeof REASON_CODES;

/** The type of a field error (field.ErrorType's reason strings). */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid';

/** One problem with one field, as Kubernetes validation reports it. */
export interface FieldError {
  readonly type: FieldErrorType;
  /** The field's path, as `spec.containers[0].image`. */
  readonly field: string;
  /** What is wrong, without the field name: `Required value`, `Invalid value: "x": must be ...`. */
  readonly message: string;
}

/** A cause in a Status' details. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** A Kubernetes Status object (kind: Status). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** The details of an error that name the object it is about. */
export interface ErrorDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A failed API request: its reason, code and message become a Status. */
export class ApiError extends Error {
  readonly reason: StatusReason;
  readonly code: number;
  readonly details: ErrorDetails | undefined;

  constructor(reason: StatusReason, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'ApiError';
    this.reason = reason;
    this.code = REASON_CODES[reason];
    this.details = details;
  }

  /** This error as a Status object. */
  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details !== undefined) status.details = { ...this.details };
    return status;
  }

  /** 400: the request could not be understood (malformed body, bad query). */
  static badRequest(message: string): ApiError {
    return new ApiError('BadRequest', message);
  }

  /** 404 for an object: `pods "x" not found`. */
  static notFound(resource: { group: string; plural: string; kind?: string }, name: string): ApiError {
    const what = resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
    return new ApiError('NotFound', `${what} "${name}" not found`, {
      name,
      group: resource.group,
      kind: resource.plural,
    });
  }

  /** 409 AlreadyExists: `pods "x" already exists`. */
  static alreadyExists(resource: { group: string; plural: string }, name: string): ApiError {
    const what = resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
    return new ApiError('AlreadyExists', `${what} "${name}" already exists`, {
      name,
      group: resource.group,
      kind: resource.plural,
    });
  }

  /** 409 Conflict: the object changed since the resourceVersion the client had. */
  static conflict(resource: { group: string; plural: string }, name: string, why: string): ApiError {
    const what = resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`;
    return new ApiError('Conflict', `Operation cannot be fulfilled on ${what} "${name}": ${why}`, {
      name,
      group: resource.group,
      kind: resource.plural,
    });
  }

  /** 422 Invalid with field causes: `Pod "x" is invalid: spec.containers: Required value`. */
  static invalid(kind: { group: string; kind: string }, name: string, errors: readonly FieldError[]): ApiError {
    const what = kind.group === '' ? kind.kind : `${kind.kind}.${kind.group}`;
    const list = errors.map((e) => `${e.field}: ${e.message}`);
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    return new ApiError('Invalid', `${what} "${name}" is invalid: ${summary}`, {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: errors.map((e) => ({ reason: e.type, message: `${e.message}`, field: e.field })),
    });
  }
}

/** Field error constructors, named after Kubernetes' field.Required, field.Invalid, ... */
export const fieldError = {
  required(field: string, detail = ''): FieldError {
    return {
      type: 'FieldValueRequired',
      field,
      message: detail === '' ? 'Required value' : `Required value: ${detail}`,
    };
  },
  invalid(field: string, value: unknown, detail: string): FieldError {
    return { type: 'FieldValueInvalid', field, message: `Invalid value: ${formatValue(value)}: ${detail}` };
  },
  notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
    const list = supported.map((s) => JSON.stringify(s)).join(', ');
    return {
      type: 'FieldValueNotSupported',
      field,
      message: `Unsupported value: ${formatValue(value)}: supported values: ${list}`,
    };
  },
  duplicate(field: string, value: unknown): FieldError {
    return { type: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatValue(value)}` };
  },
  forbidden(field: string, detail: string): FieldError {
    return { type: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
  },
  tooLong(field: string, max: number): FieldError {
    return { type: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} bytes` };
  },
  tooMany(field: string, max: number): FieldError {
    return { type: 'FieldValueTooMany', field, message: `Too many: must have at most ${max} items` };
  },
  notFound(field: string, value: unknown): FieldError {
    return { type: 'FieldValueNotFound', field, message: `Not found: ${formatValue(value)}` };
  },
  typeInvalid(field: string, value: unknown, detail: string): FieldError {
    return { type: 'FieldValueTypeInvalid', field, message: `Invalid value: ${formatValue(value)}: ${detail}` };
  },
};

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return '"null"';
  return JSON.stringify(value);
}
