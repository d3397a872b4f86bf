/** Audit logging: Metadata-level audit.k8s.io/v1 events of mutating requests, as JSON lines. */
export { AuditLog } from './log.js';
export type { AuditLogOptions, AuditLogStats } from './log.js';
export { MAX_AUDIT_TEXT, MUTATING_VERBS, auditEvent, isMutatingVerb, objectRef } from './event.js';
export type { AuditEvent, AuditObjectRef, AuditRequest, AuditTarget, AuditUser } from './event.js';
