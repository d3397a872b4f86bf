/**
 * Counters of a transport, as plain fields that a metrics exporter can read. "Sent" counts
 * what was handed to a socket; "received" counts what arrived and decoded. Only ever grow.
 */
export interface TransportMetrics {
  /** Raft messages handed to a socket (a snapshot counts once, when its first chunk goes). */
  messagesSent: number;
  /** WebSocket frames handed to a socket (batches and snapshot chunks). */
  framesSent: number;
  /** Payload bytes handed to a socket. */
  bytesSent: number;
  /** Messages dropped: peer unknown or unreachable, queue full, connection lost, too large. */
  messagesDropped: number;
  /** Raft messages delivered to the owner. */
  messagesReceived: number;
  framesReceived: number;
  bytesReceived: number;
  /** Outgoing connections opened, and of those, the ones that followed a failure. */
  connects: number;
  reconnects: number;
  /** Outgoing connection attempts that failed, and open connections that were lost. */
  connectFailures: number;
  disconnects: number;
  snapshotsSent: number;
  snapshotsFailed: number;
  snapshotsReceived: number;
  /** Upgrade requests refused (wrong token, missing id, wrong member). */
  rejectedUpgrades: number;
  /** Incoming connections dropped for a malformed frame, and messages refused for wrong ids. */
  protocolErrors: number;
  rejectedMessages: number;
}

/** A set of counters at zero. */
export function newTransportMetrics(): TransportMetrics {
  return {
    messagesSent: 0,
    framesSent: 0,
    bytesSent: 0,
    messagesDropped: 0,
    messagesReceived: 0,
    framesReceived: 0,
    bytesReceived: 0,
    connects: 0,
    reconnects: 0,
    connectFailures: 0,
    disconnects: 0,
    snapshotsSent: 0,
    snapshotsFailed: 0,
    snapshotsReceived: 0,
    rejectedUpgrades: 0,
    protocolErrors: 0,
    rejectedMessages: 0,
  };
}
