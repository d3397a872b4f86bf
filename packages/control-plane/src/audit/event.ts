/**
 * Audit events (Kubernetes' audit.k8s.io/v1 `Event` at level `Metadata`): who did what to which
 * object, with which outcome and how long it took. The event is built field by field from a
 * whitelist, so a request or response body can never reach it, whatever the caller passes.
 */

/** The verbs whose requests are audited: the ones that change state. */
export const MUTATING_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Whether requests with this Kubernetes verb are audited. */
export function isMutatingVerb(verb: string): boolean {
  return MUTATING_VERBS.has(verb);
}

/** The user of an audit event. */
export interface AuditUser {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
}

/** The object a request addressed (empty parts left out). */
export interface AuditObjectRef {
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly apiGroup?: string;
  readonly apiVersion?: string;
  readonly subresource?: string;
}

/** One audit record as written (one JSON line). */
export interface AuditEvent {
  readonly kind: 'Event';
  readonly apiVersion: 'audit.k8s.io/v1';
  readonly level: 'Metadata';
  readonly auditID: string;
  readonly stage: 'ResponseComplete';
  readonly requestURI: string;
  readonly verb: string;
  readonly user: AuditUser;
  readonly sourceIPs: readonly string[];
  readonly userAgent?: string;
  readonly objectRef?: AuditObjectRef;
  readonly responseStatus: { readonly code: number };
  /** RFC 3339 with milliseconds. */
  readonly requestReceivedTimestamp: string;
  readonly stageTimestamp: string;
  readonly latencyMs: number;
}

/** What the HTTP handler knows about a finished request (bodies have no place here). */
export interface AuditRequest {
  /** The path and query as received. */
  readonly requestURI: string;
  /** The Kubernetes verb (create, update, patch, delete, deletecollection, get, ...). */
  readonly verb: string;
  /** The authenticated user (Kubernetes' user.Info shape), or undefined for anonymous requests. */
  readonly user: { readonly name: string; readonly uid?: string; readonly groups: readonly string[] } | undefined;
  /** The client's address, then any X-Forwarded-For hops the server trusts. */
  readonly sourceIPs: readonly string[];
  readonly userAgent?: string;
  /** The resource target of the path (the handler's ResourceTarget fits), if it named one. */
  readonly target?: AuditTarget;
  /** The HTTP status code sent. */
  readonly code: number;
  /** When the request arrived, in ms since the epoch. */
  readonly receivedAtMs: number;
  /** An ID to use instead of a generated one (an `Audit-ID` header the server set). */
  readonly auditID?: string;
}

/** The parts of a resource path an audit event names. */
export interface AuditTarget {
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** The longest a free-text field (URI, user agent) is kept. */
export const MAX_AUDIT_TEXT = 4096;

const ANONYMOUS: AuditUser = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** Builds the event of a finished request, copying only the whitelisted fields. */
export function auditEvent(request: AuditRequest, context: { auditID: string; nowMs: number }): AuditEvent {
  const user = request.user;
  const received = request.receivedAtMs;
  const now = Math.max(context.nowMs, received);
  const event: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: request.auditID ?? context.auditID,
    stage: 'ResponseComplete',
    requestURI: clip(String(request.requestURI)),
    verb: String(request.verb),
    user:
      user === undefined
        ? ANONYMOUS
        : {
            username: String(user.name),
            ...(user.uid !== undefined && user.uid !== '' ? { uid: String(user.uid) } : {}),
            groups: user.groups.map(String),
          },
    sourceIPs: request.sourceIPs.map(String),
    ...(request.userAgent !== undefined && request.userAgent !== '' ? { userAgent: clip(request.userAgent) } : {}),
    ...(request.target !== undefined ? { objectRef: objectRef(request.target) } : {}),
    responseStatus: { code: Number(request.code) },
    requestReceivedTimestamp: new Date(received).toISOString(),
    stageTimestamp: new Date(now).toISOString(),
    latencyMs: now - received,
  };
  return event;
}

/** The objectRef of a resource target, empty parts left out. */
export function objectRef(target: AuditTarget): AuditObjectRef {
  const ref: Record<string, string> = {};
  const put = (field: keyof AuditObjectRef, value: string | undefined) => {
    if (value !== undefined && value !== '') ref[field] = String(value);
  };
  put('resource', target.resource);
  put('namespace', target.namespace);
  put('name', target.name);
  put('apiGroup', target.group);
  put('apiVersion', target.version);
  put('subresource', target.subresource);
  return ref;
}

function clip(text: string): string {
  return text.length <= MAX_AUDIT_TEXT ? text : `${text.slice(0, MAX_AUDIT_TEXT)}...`;
}
