/** The version of @bosun/raft-kv, kept equal to its package.json by a test. */
export const RAFT_KV_VERSION = '0.1.0';
