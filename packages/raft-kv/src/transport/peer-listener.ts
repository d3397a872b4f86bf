/**
 * The incoming side: serves WebSocket upgrades on one path of a member's peer listener,
 * authenticates them, decodes frames and hands each Raft message to the owner, in the order
 * it arrived. Snapshot chunks are reassembled per connection and delivered as one message.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Message, NodeId } from '../raft/types.js';
import { verifyUpgrade } from './auth.js';
import { decodeFrame, FrameError } from './frames.js';
import type { TransportMetrics } from './metrics.js';
import { SnapshotAssembler } from './snapshot-chunks.js';

/** Everything a listener needs. */
export interface PeerListenerOptions {
  readonly localId: NodeId;
  readonly token: string;
  /** The path served, e.g. `/raft`. */
  readonly path: string;
  /** The largest frame accepted; a larger one drops the connection. */
  readonly maxFrameBytes: number;
  readonly maxSnapshotBytes: number;
  readonly metrics: TransportMetrics;
  readonly onMessage: (m: Message) => void;
  readonly onError: (err: Error, peer: NodeId) => void;
}

type PeerServer = HttpServer | HttpsServer;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Serves peers' connections; see the file comment. */
export class PeerListener {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WebSocket>();
  /** The newest connection of each peer; an older one is dropped when a newer one arrives. */
  private readonly byPeer = new Map<NodeId, WebSocket>();
  private readonly attached: { server: PeerServer; listener: UpgradeListener }[] = [];
  private closed = false;

  constructor(private readonly opts: PeerListenerOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: opts.maxFrameBytes,
    });
  }

  /**
   * Serves an upgrade request if it is for this listener's path (refusing it with 401, 400 or
   * 421 if it does not authenticate); returns false, touching nothing, for any other path.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (pathOf(req) !== this.opts.path) return false;
    if (this.closed) {
      refuse(socket, 503, 'shutting down');
      return true;
    }
    const verdict = verifyUpgrade(req, { token: this.opts.token, localId: this.opts.localId });
    if (!verdict.ok) {
      this.opts.metrics.rejectedUpgrades += 1;
      refuse(socket, verdict.status, verdict.reason);
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, verdict.peerId));
    return true;
  }

  /**
   * Serves this listener's path on `server`'s upgrades. With `exclusive`, upgrades for other
   * paths are refused with 404 (use it when nothing else serves upgrades on that server).
   */
  attach(server: PeerServer, opts: { exclusive?: boolean } = {}): void {
    const listener: UpgradeListener = (req, socket, head) => {
      if (!this.handleUpgrade(req, socket, head) && opts.exclusive) refuse(socket, 404, 'not found');
    };
    server.on('upgrade', listener);
    this.attached.push({ server, listener });
  }

  /** Peers with an open incoming connection. */
  get connectedPeers(): NodeId[] {
    return [...this.byPeer.keys()];
  }

  /** Detaches from the servers and drops every connection; nothing is delivered afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { server, listener } of this.attached) server.off('upgrade', listener);
    this.attached.length = 0;
    const closing = [...this.connections].map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private serve(ws: WebSocket, peerId: NodeId): void {
    if (this.closed) {
      ws.terminate();
      return;
    }
    this.connections.add(ws);
    this.byPeer.get(peerId)?.terminate();
    this.byPeer.set(peerId, ws);
    const assembler = new SnapshotAssembler(this.opts.maxSnapshotBytes);
    ws.on('message', (data, isBinary) => this.receive(ws, peerId, assembler, isBinary ? data : undefined));
    ws.on('error', (err) => this.opts.onError(err, peerId));
    ws.on('close', () => {
      this.connections.delete(ws);
      if (this.byPeer.get(peerId) === ws) this.byPeer.delete(peerId);
    });
  }

  private receive(ws: WebSocket, peerId: NodeId, assembler: SnapshotAssembler, data: RawData | undefined): void {
    if (this.closed) return;
    const { metrics } = this.opts;
    try {
      if (!Buffer.isBuffer(data)) throw new FrameError('peer frames must be binary');
      metrics.framesReceived += 1;
      metrics.bytesReceived += data.byteLength;
      const frame = decodeFrame(data);
      if (frame.kind === 'batch') {
        for (const m of frame.messages) this.deliver(peerId, m);
        return;
      }
      const m = assembler.accept(frame);
      if (!m) return;
      metrics.snapshotsReceived += 1;
      this.deliver(peerId, m);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      metrics.protocolErrors += 1;
      this.opts.onError(new Error(`dropping the connection from ${peerId}: ${e.message}`), peerId);
      ws.terminate();
    }
  }

  private deliver(peerId: NodeId, m: Message): void {
    // Stop at the first message of a batch if the owner closed us from a delivery.
    if (this.closed) return;
    if (m.from !== peerId || m.to !== this.opts.localId) {
      this.opts.metrics.rejectedMessages += 1;
      this.opts.onError(new Error(`refused a message from ${m.from} to ${m.to} on ${peerId}'s connection`), peerId);
      return;
    }
    this.opts.metrics.messagesReceived += 1;
    try {
      this.opts.onMessage(m);
    } catch (e) {
      this.opts.onError(e instanceof Error ? e : new Error(String(e)), peerId);
    }
  }
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  421: 'Misdirected Request',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with an HTTP error and closes the socket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.on('error', () => undefined); // the peer may already be gone
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\nConnection: close\r\n` +
      `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}
