/**
 * The peer transport: Raft messages between members over WebSocket, in msgpackr batches, with
 * a cluster token, optional TLS with a cluster CA, and snapshots streamed in chunks.
 *
 * Wiring to a member (the transport exists before the node, so the callbacks go through a ref):
 *
 *   const ref: { node?: RaftNode } = {};
 *   const transport = new WsTransport({
 *     id, clusterToken, peers, tls,
 *     onMessage: (m) => ref.node?.step(m),
 *     onUnreachable: (peer) => ref.node?.reportUnreachable(peer),
 *     onSnapshotSent: (to, ok) => ref.node?.reportSnapshot(to, ok),
 *   });
 *   transport.attach(peerServer);            // or: const url = await transport.listen({ port })
 *   ref.node = await RaftNode.open({ id, dataDir, machine, transport });
 *   ...
 *   await ref.node.close(); await transport.close();
 */
export { WsTransport } from './ws-transport.js';
export type { ListenOptions, WsTransportOptions } from './ws-transport.js';
export type { LinkState, TransportTls } from './peer-link.js';
export type { TransportMetrics } from './metrics.js';
export type { BackoffOptions } from './backoff.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { DEFAULT_RAFT_PATH, raftEndpoint } from './endpoint.js';
export { MEMBER_HEADER, TARGET_HEADER, TOKEN_HEADER } from './auth.js';
export { DEFAULT_SNAPSHOT_CHUNK_BYTES } from './snapshot-chunks.js';
