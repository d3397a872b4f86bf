/**
 * The client-facing server of a member: the KV protocol over WebSocket + msgpackr, with
 * `GET /health` and `GET /metrics` (Prometheus) beside it. Every export of this folder is
 * named here; the package index picks the public ones.
 */
export { KvServer, startKvServer } from './server.js';
export type { KvServerOptions, KvServerTls } from './server.js';
export { Session } from './session.js';
export type { SessionLimits, SessionState } from './session.js';
export { runHealthCheck, statusHealthCheck } from './health.js';
export type { HealthCheck, HealthReport, StatusHealthOptions } from './health.js';
export { KvMetrics } from './metrics.js';
export type { MemberGaugeSource, MemberGauges } from './metrics.js';
export { bytesArg, invokeUnary, numberArg, optionsArg, stringArg } from './dispatch.js';
export type { UnaryMethod } from './dispatch.js';
export { Outbox, arrayHeader, framesOf } from './outbox.js';
export type { MessageSink } from './outbox.js';
export {
  DEFAULT_KV_PATH,
  DEFAULT_WATCH_WINDOW,
  KV_METHODS,
  SERVER_ERROR_MESSAGES,
  ServerError,
  batchCost,
  decodeFrame,
  encodeFrame,
  isKvMethod,
  parseRequestFrame,
  parseServerFrame,
  toWireError,
} from './protocol.js';
export type {
  KvMethod,
  RequestFrame,
  ResponseFrame,
  ServerErrorCode,
  ServerFrame,
  WatchCreated,
  WatchFrame,
  WireError,
  WireErrorDetails,
  WireErrorKind,
} from './protocol.js';
