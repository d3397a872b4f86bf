/** Test support: a real TLS handshake on loopback between a server and a client certificate. */
import { connect, createServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';

/** The server side of a TLS handshake, and what `inspect` made of the server's socket. */
export interface TlsProbeResult<T> {
  /** `socket.authorized` on the server: the client certificate verified against `ca`. */
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
  readonly inspected: T;
  /** Whether the client accepted the server's certificate (checked, not just reported). */
  readonly serverVerified: boolean;
}

/** Options of {@link probeTls}. */
export interface TlsProbeOptions<T> {
  /** The server's certificate, key and the CA it trusts for client certificates. */
  readonly server: { readonly certPem: string; readonly keyPem: string; readonly caPem: string };
  /** The client's certificate (none when undefined) and the CA it trusts for the server. */
  readonly client: { readonly certPem?: string; readonly keyPem?: string; readonly caPem: string };
  /** The name the client checks the server certificate against (default 'localhost'). */
  readonly servername?: string;
  /** Called with the server's socket right after the handshake. */
  readonly inspect: (socket: TLSSocket) => T;
}

/**
 * Starts a TLS server on 127.0.0.1:0 that requests (without requiring) a client certificate,
 * connects one client, and reports the handshake as the server saw it. Everything is closed
 * before it resolves; it gives up after 5 seconds.
 */
export async function probeTls<T>(opts: TlsProbeOptions<T>): Promise<TlsProbeResult<T>> {
  const server = createServer({
    cert: opts.server.certPem,
    key: opts.server.keyPem,
    ca: opts.server.caPem,
    requestCert: true,
    rejectUnauthorized: false,
  });
  const seen = new Promise<Omit<TlsProbeResult<T>, 'serverVerified'>>((resolve) => {
    server.once('secureConnection', (socket: TLSSocket) => {
      const authorizationError = socket.authorizationError;
      resolve({
        authorized: socket.authorized,
        authorizationError: authorizationError === undefined ? undefined : String(authorizationError),
        inspected: opts.inspect(socket),
      });
      socket.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = connect({
      host: '127.0.0.1',
      port,
      servername: opts.servername ?? 'localhost',
      ca: opts.client.caPem,
      ...(opts.client.certPem === undefined ? {} : { cert: opts.client.certPem, key: opts.client.keyPem }),
      rejectUnauthorized: true,
    });
    const serverVerified = new Promise<boolean>((resolve, reject) => {
      client.once('secureConnect', () => resolve(client.authorized));
      client.once('error', reject);
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('TLS probe timed out')), 5000);
    });
    try {
      const [verified, result] = await Promise.race([Promise.all([serverVerified, seen]), timeout]);
      return { ...result, serverVerified: verified };
    } finally {
      client.destroy();
    }
  } finally {
    clearTimeout(timer);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
