/**
 * A TCP proxy on 127.0.0.1 in front of one member's peer listener, for one direction of one
 * link (member A dials member B through it): the test cuts the link by blocking it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A proxy that forwards to `targetPort` until blocked. */
export class LinkProxy {
  private blocked = false;
  private readonly sockets = new Set<Socket>();
  /** Connections forwarded so far. */
  forwarded = 0;

  private constructor(
    private readonly server: Server,
    /** The port the proxy listens on. */
    readonly port: number,
  ) {}

  /** Listens on a free port of 127.0.0.1 and forwards every connection to `targetPort`. */
  static async start(targetPort: number): Promise<LinkProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy: no port');
    const proxy = new LinkProxy(server, address.port);
    server.on('connection', (socket) => proxy.accept(socket, targetPort));
    return proxy;
  }

  /** Whether traffic is being dropped. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /** Drops every open connection and refuses new ones, in both directions. */
  block(): void {
    this.blocked = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Forwards again. */
  unblock(): void {
    this.blocked = false;
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    this.block();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.blocked) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    this.forwarded++;
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
