/**
 * The remote client of @bosun/raft-kv: the same {@link KV} API as the embedded store, over
 * the members' WebSocket protocol, with failover, safe retries, resumable watches and lease
 * keep-alive. Every export of this folder is named here; the package index picks the public ones.
 */
export { KvClient, connect, endpointUrl } from './client.js';
export type { ConnectOptions } from './client.js';
export { CLIENT_ERROR_MESSAGES, ClientError, fromWireError, isClientError } from './errors.js';
export type { ClientErrorCode, ClientErrorDetails } from './errors.js';
export { keepAliveForever } from './lease-keeper.js';
export type { LeaseKeeper, LeaseKeeperOptions, LeaseKeeperState } from './lease-keeper.js';
export { ClientWatch } from './watch.js';
export type { ClientWatchState, WatchControl } from './watch.js';
export { WatchStreams } from './watch-streams.js';
export type { WatchStreamOptions } from './watch-streams.js';
export { Connection } from './connection.js';
export type { ClientTls, ConnectionOptions, ConnectionState, WatchSink } from './connection.js';
export { EndpointPool } from './pool.js';
export { backoffMs, isSafeToRetry, nextStep, pauseBeforeAttempt } from './retry.js';
export type { RetryStep } from './retry.js';
