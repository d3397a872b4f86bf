/**
 * The outgoing side towards one peer: a lazily opened WebSocket, the messages queued for it,
 * the snapshot being streamed to it and the back-off after a failure.
 *
 *   idle ──push──▶ connecting ──open──▶ open
 *     ▲                 │                 │
 *     └──timer── backoff ◀──────close─────┘        close() from any state ──▶ closed
 *
 * Raft tolerates lost messages, so nothing is retried here: whatever cannot go now (peer in
 * back-off, queue full, connection lost) is dropped and the peer reported unreachable, which
 * makes the leader probe it again. Callbacks to the owner run from the flush (or a socket
 * event), never inside `push`, so the owner is never re-entered while it hands over a Ready.
 */
import WebSocket from 'ws';
import type { Message, NodeId } from '../raft/types.js';
import { upgradeHeaders } from './auth.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { encodeFrame, type SnapshotChunkFrame } from './frames.js';
import type { TransportMetrics } from './metrics.js';
import { snapshotChunks } from './snapshot-chunks.js';

/** Where a link stands; see the diagram in this file. */
export type LinkState = 'idle' | 'connecting' | 'open' | 'backoff' | 'closed';

/** The PEM material a member presents to and expects from its peers. */
export interface TransportTls {
  /** This member's private key. */
  readonly key: string | Buffer;
  /** This member's certificate, signed by the cluster CA. */
  readonly cert: string | Buffer;
  /** The cluster CA: peers must present a certificate it signed. */
  readonly ca: string | Buffer;
}

/** The bounds of a link. */
export interface LinkLimits {
  /** Messages waiting for the connection; beyond, new ones are dropped. */
  readonly maxQueuedMessages: number;
  /** The largest batch frame; a larger batch is split, a larger single message dropped. */
  readonly maxFrameBytes: number;
  /** Bytes handed to the socket but not yet written; above, batches wait in the queue. */
  readonly maxBufferedBytes: number;
  readonly snapshotChunkBytes: number;
  /** Ping period; a peer that did not answer the previous ping is dropped (0: no pings). */
  readonly keepAliveMs: number;
  readonly handshakeTimeoutMs: number;
  /** Send frames with an all-zero mask, which ws then skips on both sides (see WsTransportOptions). */
  readonly zeroMask: boolean;
}

/** What a link tells its owner. */
export interface LinkEvents {
  onUnreachable(peer: NodeId): void;
  onSnapshotSent(peer: NodeId, ok: boolean): void;
  onError(err: Error, peer: NodeId): void;
}

/** Everything a link needs. */
export interface PeerLinkOptions {
  readonly localId: NodeId;
  readonly peerId: NodeId;
  /** The peer's Raft endpoint, ws:// or wss://. */
  readonly url: string;
  readonly token: string;
  readonly tls?: TransportTls;
  readonly limits: LinkLimits;
  readonly backoff: BackoffOptions;
  /** A number in [0, 1), for the back-off jitter. */
  readonly random: () => number;
  readonly metrics: TransportMetrics;
  readonly events: LinkEvents;
}

const zeroMask = (mask: Buffer): void => {
  mask.fill(0);
};

/** Snapshot chunks in flight at once: enough to keep the pipe full, few enough to let batches through. */
const CHUNK_WINDOW = 2;

interface Transfer {
  readonly message: Message;
  chunks?: Iterator<SnapshotChunkFrame>;
  inflight: number;
  lastQueued: boolean;
}

/** One peer's outgoing connection. Not safe to use after {@link PeerLink.close}. */
export class PeerLink {
  private stateValue: LinkState = 'idle';
  private ws: WebSocket | undefined;
  /** Messages for the next batch, in send order. Invariant: length <= maxQueuedMessages. */
  private queue: Message[] = [];
  private transfer: Transfer | undefined;
  private nextTransferId = 1;
  /** Bytes passed to ws.send whose write callback has not run yet. */
  private unwrittenBytes = 0;
  /** Failed attempts since the last open connection; drives the back-off. */
  private failures = 0;
  private opened = 0;
  private backoffTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private peerAlive = true;
  /** When the keep-alive last ran (performance.now()). */
  private lastKeepAlive = 0;
  private unreachable = false;
  private failedSnapshots = 0;
  private lastError: Error | undefined;

  constructor(private readonly opts: PeerLinkOptions) {}

  /** Where the link stands. */
  get state(): LinkState {
    return this.stateValue;
  }

  /** The peer's endpoint. */
  get url(): string {
    return this.opts.url;
  }

  /** Queues a message (or drops it, see the file comment); it goes out at the next {@link flush}. */
  push(m: Message): void {
    switch (this.stateValue) {
      case 'closed':
        this.opts.metrics.messagesDropped += 1;
        return;
      case 'backoff':
        this.drop(m);
        return;
      case 'idle':
        this.connect();
        this.enqueue(m);
        return;
      case 'connecting':
      case 'open':
        this.enqueue(m);
        return;
    }
  }

  /** Reports what was dropped since the last flush and, if open, writes the queue as one batch. */
  flush(): void {
    if (this.stateValue === 'closed') return;
    this.report();
    if (this.stateValue !== 'open' || !this.ws) return;
    if (this.queue.length > 0 && this.unwrittenBytes < this.opts.limits.maxBufferedBytes) {
      const batch = this.queue;
      this.queue = [];
      this.sendBatch(this.ws, batch);
    }
    this.pumpSnapshot(this.ws);
    this.report();
  }

  /**
   * Drops the connection and every timer; no callback runs afterwards. Resolves with the number
   * of snapshots abandoned unreported (streaming or refused since the last flush), so that an
   * owner that goes on without this link can report them failed.
   */
  async close(): Promise<number> {
    if (this.stateValue === 'closed') return 0;
    this.stateValue = 'closed';
    clearTimeout(this.backoffTimer);
    clearInterval(this.keepAliveTimer);
    this.backoffTimer = this.keepAliveTimer = undefined;
    this.opts.metrics.messagesDropped += this.queue.length;
    this.queue = [];
    const abandoned = this.failedSnapshots + (this.transfer ? 1 : 0);
    this.failedSnapshots = 0;
    this.transfer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
    return abandoned;
  }

  private enqueue(m: Message): void {
    if (m.type === 'snapshot') {
      // Raft sends one snapshot at a time per follower; a second one while streaming is refused.
      if (this.transfer) this.drop(m);
      else this.transfer = { message: m, inflight: 0, lastQueued: false };
      return;
    }
    if (this.queue.length >= this.opts.limits.maxQueuedMessages) this.drop(m);
    else this.queue.push(m);
  }

  private drop(m: Message): void {
    this.opts.metrics.messagesDropped += 1;
    this.unreachable = true;
    if (m.type === 'snapshot') this.failedSnapshots += 1;
  }

  /** Tells the owner about drops and failed snapshots, once per kind per turn. */
  private report(): void {
    const { events, peerId, metrics } = this.opts;
    for (; this.failedSnapshots > 0; this.failedSnapshots -= 1) {
      metrics.snapshotsFailed += 1;
      events.onSnapshotSent(peerId, false);
    }
    if (this.unreachable) {
      this.unreachable = false;
      events.onUnreachable(peerId);
    }
  }

  private connect(): void {
    const { opts } = this;
    this.stateValue = 'connecting';
    const ws = new WebSocket(opts.url, {
      headers: upgradeHeaders({ token: opts.token, from: opts.localId, target: opts.peerId }),
      perMessageDeflate: false,
      handshakeTimeout: opts.limits.handshakeTimeoutMs,
      // The peer sends nothing on this connection but pongs.
      maxPayload: 1024,
      ...(opts.limits.zeroMask ? { generateMask: zeroMask } : {}),
      ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca } : {}),
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen(ws));
    ws.on('error', (err) => (this.lastError = err));
    ws.on('close', () => this.onClose(ws));
    ws.on('pong', () => (this.peerAlive = true));
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    const { metrics, limits } = this.opts;
    this.stateValue = 'open';
    metrics.connects += 1;
    if (this.opened > 0 || this.failures > 0) metrics.reconnects += 1;
    this.opened += 1;
    this.failures = 0;
    this.lastError = undefined;
    if (limits.keepAliveMs > 0) {
      this.peerAlive = true;
      this.lastKeepAlive = performance.now();
      this.keepAliveTimer = setInterval(() => this.keepAlive(ws), limits.keepAliveMs);
    }
    this.flush();
  }

  private keepAlive(ws: WebSocket): void {
    // After this process stalled (GC, a long task), timers run before sockets are read: the
    // pong may be waiting unread. A late tick pings again instead of judging the peer.
    const now = performance.now();
    const late = now - this.lastKeepAlive > 1.5 * this.opts.limits.keepAliveMs;
    this.lastKeepAlive = now;
    if (!this.peerAlive && !late) {
      this.lastError = new Error(`no pong within ${this.opts.limits.keepAliveMs} ms`);
      ws.terminate();
      return;
    }
    this.peerAlive = false;
    ws.ping();
  }

  private onClose(ws: WebSocket): void {
    if (ws !== this.ws || this.stateValue === 'closed') return;
    const { metrics, events, peerId } = this.opts;
    const wasOpen = this.stateValue === 'open';
    if (wasOpen) metrics.disconnects += 1;
    else metrics.connectFailures += 1;
    this.ws = undefined;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    this.unwrittenBytes = 0;
    metrics.messagesDropped += this.queue.length;
    this.queue = [];
    if (this.transfer) this.failedSnapshots += 1;
    this.transfer = undefined;
    this.unreachable = true;
    this.failures += 1;
    this.stateValue = 'backoff';
    this.backoffTimer = setTimeout(
      () => this.endBackoff(),
      backoffDelay(this.failures, this.opts.backoff, this.opts.random),
    );
    const reason = this.lastError?.message ?? 'connection closed';
    events.onError(new Error(`${wasOpen ? 'lost' : 'could not open'} the connection to ${peerId}: ${reason}`), peerId);
    this.report();
  }

  private endBackoff(): void {
    this.backoffTimer = undefined;
    if (this.stateValue === 'backoff') this.stateValue = 'idle';
  }

  private sendBatch(ws: WebSocket, messages: Message[]): void {
    const bytes = encodeFrame({ kind: 'batch', messages });
    if (bytes.byteLength <= this.opts.limits.maxFrameBytes) {
      this.write(ws, bytes, () => undefined);
      this.opts.metrics.messagesSent += messages.length;
      return;
    }
    // Halving bounds the recursion at log2(messages) levels.
    if (messages.length === 1) {
      this.drop(messages[0] as Message);
      return;
    }
    const mid = messages.length >>> 1;
    this.sendBatch(ws, messages.slice(0, mid));
    this.sendBatch(ws, messages.slice(mid));
  }

  private pumpSnapshot(ws: WebSocket): void {
    const t = this.transfer;
    if (!t) return;
    t.chunks ??= snapshotChunks(t.message, this.nextTransferId++, this.opts.limits.snapshotChunkBytes);
    while (!t.lastQueued && t.inflight < CHUNK_WINDOW) {
      const next = t.chunks.next();
      if (next.done) throw new Error('snapshot chunks ended before the last one was seen');
      const chunk = next.value;
      if (chunk.offset === 0) this.opts.metrics.messagesSent += 1;
      t.lastQueued = chunk.offset + chunk.data.byteLength === chunk.totalBytes;
      t.inflight += 1;
      this.write(ws, encodeFrame(chunk), (ok) => this.chunkWritten(ws, t, ok));
    }
  }

  private chunkWritten(ws: WebSocket, t: Transfer, ok: boolean): void {
    if (ws !== this.ws || t !== this.transfer) return; // the connection failed: onClose reported it
    t.inflight -= 1;
    if (!ok) return; // onClose follows
    if (t.lastQueued && t.inflight === 0) {
      this.transfer = undefined;
      this.opts.metrics.snapshotsSent += 1;
      this.opts.events.onSnapshotSent(this.opts.peerId, true);
    }
    this.flush();
  }

  private write(ws: WebSocket, bytes: Uint8Array, done: (ok: boolean) => void): void {
    const { metrics } = this.opts;
    metrics.framesSent += 1;
    metrics.bytesSent += bytes.byteLength;
    this.unwrittenBytes += bytes.byteLength;
    ws.send(bytes, { binary: true }, (err) => {
      if (ws === this.ws) this.unwrittenBytes -= bytes.byteLength;
      if (err) this.lastError = err;
      done(!err);
      if (!err && ws === this.ws && this.queue.length > 0) this.flush();
    });
  }
}
