/**
 * A member's Raft transport over WebSocket: a {@link PeerLink} per peer for what it sends and
 * a {@link PeerListener} for what it receives. Messages handed to `send` in one event-loop turn
 * go out at the end of the turn (setImmediate) as one frame per peer, in send order; a
 * snapshot streams in chunks beside the batches (heartbeats do not wait for it), so it is the
 * one message that may arrive after messages sent later.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { PeerTransport } from '../node/raft-node.js';
import type { Message, NodeId } from '../raft/types.js';
import { isMemberId } from './auth.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { DEFAULT_RAFT_PATH, isSecureUrl, raftEndpoint } from './endpoint.js';
import { newTransportMetrics, type TransportMetrics } from './metrics.js';
import { PeerLink, type LinkEvents, type LinkLimits, type LinkState, type TransportTls } from './peer-link.js';
import { PeerListener } from './peer-listener.js';
import { DEFAULT_SNAPSHOT_CHUNK_BYTES } from './snapshot-chunks.js';

/** How to build a transport. Only `id`, `clusterToken` and `onMessage` are required. */
export interface WsTransportOptions {
  /** This member's id: sent to peers, and the `to` of every message accepted. */
  readonly id: NodeId;
  /** The secret every member of the cluster shares. */
  readonly clusterToken: string;
  /** Receives each message from a peer, in arrival order (the owner calls `node.step`). */
  readonly onMessage: (m: Message) => void;
  /** A peer could not be reached or messages for it were dropped (call `node.reportUnreachable`). */
  readonly onUnreachable?: (peer: NodeId) => void;
  /** A snapshot was fully written to the peer's connection, or failed (call `node.reportSnapshot`). */
  readonly onSnapshotSent?: (to: NodeId, ok: boolean) => void;
  /** Connection failures, refused frames and errors thrown by `onMessage`, for logging. */
  readonly onError?: (err: Error, peer: NodeId) => void;
  /** Peers known from the start: id → peer URL (http(s)://host:port). */
  readonly peers?: Readonly<Record<NodeId, string>>;
  /** Certificates for TLS between members; without them the peer listener is plain HTTP. */
  readonly tls?: TransportTls;
  /** The path of the Raft endpoint ({@link DEFAULT_RAFT_PATH} by default). */
  readonly path?: string;
  /** A number in [0, 1) for the back-off jitter (Math.random by default). */
  readonly random?: () => number;
  readonly backoff?: BackoffOptions;
  /** Per peer, messages waiting for the connection (4,096 by default). */
  readonly maxQueuedMessages?: number;
  /** The largest frame sent or accepted (16 MiB by default). */
  readonly maxFrameBytes?: number;
  /** Per peer, bytes handed to the socket and not yet written before batches wait (16 MiB by default). */
  readonly maxBufferedBytes?: number;
  /** 1 MiB by default. */
  readonly snapshotChunkBytes?: number;
  /** The largest snapshot accepted from a peer (1 GiB by default). */
  readonly maxSnapshotBytes?: number;
  /** Ping period of outgoing connections; 0 turns pings off (10 s by default). */
  readonly keepAliveMs?: number;
  /** 5 s by default. */
  readonly handshakeTimeoutMs?: number;
  /**
   * Mask outgoing frames with zeros, which ws skips on both ends (about a fifth of the CPU of a
   * busy link). Masking (RFC 6455 §10.3) keeps attacker-chosen bytes, such as the values in
   * Raft entries, from being read as HTTP by a proxy that does not understand WebSocket; inside
   * TLS no proxy sees the bytes. Default: on with TLS, off without.
   */
  readonly zeroMask?: boolean;
}

/** Where the transport listens, when it runs its own peer listener. */
export interface ListenOptions {
  /** 127.0.0.1 by default. */
  readonly host?: string;
  /** 0 (any free port) by default. */
  readonly port?: number;
}

const MiB = 1024 * 1024;
/** Room in a chunk frame for the message header around the data. */
const CHUNK_HEADROOM = 64 * 1024;

/** See the file comment. */
export class WsTransport implements PeerTransport {
  /** Snapshot outcomes are reported through `onSnapshotSent`. */
  readonly reportsSnapshots = true;
  /** Counters, as plain fields. */
  readonly metrics: TransportMetrics = newTransportMetrics();
  readonly id: NodeId;
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly dirty = new Set<PeerLink>();
  /** Links being closed after removePeer or a change of URL. */
  private readonly retiring = new Set<Promise<void>>();
  /** Peers without a link that messages were addressed to since the last flush → snapshots among them. */
  private readonly unknownPeerDrops = new Map<NodeId, number>();
  private readonly listener: PeerListener;
  private readonly limits: LinkLimits;
  private readonly events: LinkEvents;
  private readonly path: string;
  private flushImmediate: NodeJS.Immediate | undefined;
  private server: HttpServer | HttpsServer | undefined;
  private closed = false;

  constructor(private readonly opts: WsTransportOptions) {
    if (!isMemberId(opts.id)) throw new Error(`bad member id ${JSON.stringify(opts.id)}`);
    if (opts.clusterToken.length === 0) throw new Error('the cluster token must not be empty');
    this.id = opts.id;
    this.path = opts.path ?? DEFAULT_RAFT_PATH;
    const maxFrameBytes = opts.maxFrameBytes ?? 16 * MiB;
    this.limits = {
      maxQueuedMessages: opts.maxQueuedMessages ?? 4096,
      maxFrameBytes,
      maxBufferedBytes: opts.maxBufferedBytes ?? 16 * MiB,
      snapshotChunkBytes: opts.snapshotChunkBytes ?? DEFAULT_SNAPSHOT_CHUNK_BYTES,
      keepAliveMs: opts.keepAliveMs ?? 10_000,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 5_000,
      zeroMask: opts.zeroMask ?? opts.tls !== undefined,
    };
    if (this.limits.snapshotChunkBytes + CHUNK_HEADROOM > maxFrameBytes) {
      throw new Error(
        `snapshot chunks of ${this.limits.snapshotChunkBytes} bytes do not fit frames of ${maxFrameBytes}`,
      );
    }
    const onError = opts.onError ?? (() => undefined);
    this.events = {
      onUnreachable: (peer) => opts.onUnreachable?.(peer),
      onSnapshotSent: (peer, ok) => opts.onSnapshotSent?.(peer, ok),
      onError,
    };
    this.listener = new PeerListener({
      localId: opts.id,
      token: opts.clusterToken,
      path: this.path,
      maxFrameBytes,
      maxSnapshotBytes: opts.maxSnapshotBytes ?? 1024 * MiB,
      metrics: this.metrics,
      onMessage: opts.onMessage,
      onError,
    });
    for (const [id, url] of Object.entries(opts.peers ?? {})) this.addPeer(id, url);
  }

  /** Queues messages for their peers; they go out at the end of this event-loop turn. */
  send(messages: readonly Message[]): void {
    if (this.closed) {
      this.metrics.messagesDropped += messages.length;
      return;
    }
    for (const m of messages) {
      const link = this.links.get(m.to);
      if (!link) {
        this.dropForUnknownPeer(m);
        continue;
      }
      link.push(m);
      this.dirty.add(link);
    }
    this.scheduleFlush();
  }

  /** Adds a peer, or moves it to a new URL (dropping its current connection). */
  addPeer(id: NodeId, url: string): void {
    if (this.closed) throw new Error('the transport is closed');
    if (!isMemberId(id) || id === this.id) throw new Error(`bad peer id ${JSON.stringify(id)}`);
    if (this.opts.tls && !isSecureUrl(url)) throw new Error(`TLS is configured but peer ${id} has URL ${url}`);
    const endpoint = raftEndpoint(url, this.path);
    const current = this.links.get(id);
    if (current?.url === endpoint) return;
    if (current) void this.retire(current, id);
    this.links.set(
      id,
      new PeerLink({
        localId: this.id,
        peerId: id,
        url: endpoint,
        token: this.opts.clusterToken,
        ...(this.opts.tls ? { tls: this.opts.tls } : {}),
        limits: this.limits,
        backoff: this.opts.backoff ?? DEFAULT_BACKOFF,
        random: this.opts.random ?? Math.random,
        metrics: this.metrics,
        events: this.events,
      }),
    );
  }

  /** Forgets a peer and drops its outgoing connection; resolves once it is closed. */
  async removePeer(id: NodeId): Promise<void> {
    const link = this.links.get(id);
    if (!link) return;
    this.links.delete(id);
    await this.retire(link, id);
  }

  /** The state of the outgoing link to a peer, or undefined for an unknown peer. */
  peerState(id: NodeId): LinkState | undefined {
    return this.links.get(id)?.state;
  }

  /** Peers with an open incoming connection. */
  get inboundPeers(): NodeId[] {
    return this.listener.connectedPeers;
  }

  /**
   * Starts this member's own peer listener (HTTPS with client certificates when TLS is
   * configured) and resolves with its URL, to give to the other members.
   */
  async listen(opts: ListenOptions = {}): Promise<string> {
    if (this.closed || this.server) throw new Error('the transport is closed or already listening');
    const tls = this.opts.tls;
    const server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: true })
      : createHttpServer();
    server.on('request', (req, res) => {
      res.writeHead(req.url === this.path ? 426 : 404, { 'content-type': 'text/plain', connection: 'close' });
      res.end(req.url === this.path ? 'use a WebSocket upgrade\n' : 'not found\n');
    });
    this.listener.attach(server, { exclusive: true });
    this.server = server;
    const host = opts.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    return `${tls ? 'https' : 'http'}://${hostPart}:${port}`;
  }

  /** Serves the Raft path on a member's existing peer listener (other upgrade paths are left alone). */
  attach(server: HttpServer | HttpsServer): void {
    if (this.closed) throw new Error('the transport is closed');
    this.listener.attach(server);
  }

  /** Closes every connection, the own listener if any and every timer; no callback runs afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushImmediate = undefined;
    this.dirty.clear();
    this.unknownPeerDrops.clear();
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all([...links.map((l) => l.close()), ...this.retiring, this.listener.close()]);
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
  }

  private scheduleFlush(): void {
    if (this.flushImmediate || (this.dirty.size === 0 && this.unknownPeerDrops.size === 0)) return;
    this.flushImmediate = setImmediate(() => {
      this.flushImmediate = undefined;
      const dirty = [...this.dirty];
      this.dirty.clear();
      for (const link of dirty) link.flush();
      this.reportUnknownPeerDrops();
    });
  }

  private dropForUnknownPeer(m: Message): void {
    // Reported at the flush, like every drop, so that the owner is not re-entered from send().
    this.metrics.messagesDropped += 1;
    const snapshots = this.unknownPeerDrops.get(m.to) ?? 0;
    this.unknownPeerDrops.set(m.to, snapshots + (m.type === 'snapshot' ? 1 : 0));
  }

  private reportUnknownPeerDrops(): void {
    const drops = [...this.unknownPeerDrops];
    this.unknownPeerDrops.clear();
    for (const [peer, snapshots] of drops) {
      for (let i = 0; i < snapshots; i++) {
        this.metrics.snapshotsFailed += 1;
        this.events.onSnapshotSent(peer, false);
      }
      this.events.onUnreachable(peer);
    }
  }

  /** Closes a link the transport goes on without; reports a snapshot it abandoned as failed. */
  private retire(link: PeerLink, peer: NodeId): Promise<void> {
    this.dirty.delete(link);
    const done = link.close().then((abandoned) => {
      this.retiring.delete(done);
      for (let i = 0; i < abandoned && !this.closed; i++) {
        this.metrics.snapshotsFailed += 1;
        this.events.onSnapshotSent(peer, false);
      }
    });
    this.retiring.add(done);
    return done;
  }
}
