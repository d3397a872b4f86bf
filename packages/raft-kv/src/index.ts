/**
 * @bosun/raft-kv — Bosun's embeddable, Raft-replicated MVCC key-value store.
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { RAFT_KV_VERSION } from './version.js';
