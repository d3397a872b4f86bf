/**
 * @bosun/sdk — the typed client for Bosun clusters.
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { SDK_VERSION } from './version.js';
export { RAFT_KV_VERSION } from '@bosun/raft-kv';
