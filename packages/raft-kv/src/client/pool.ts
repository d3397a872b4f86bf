/**
 * The client's endpoints and their connections: one preferred endpoint that new requests go
 * to, moved on failure (failover) or to the leader when a member says it is not; at most one
 * connection per endpoint; member ids learned from `status()` to find the leader's endpoint.
 */
import { performance } from 'node:perf_hooks';
import type { StoreStatus } from '../store/kv.js';
import { Connection } from './connection.js';
import type { ConnectionOptions } from './connection.js';
import { ClientError } from './errors.js';

/** The endpoints of a client. Invariant: 0 <= preferred < endpoints.length. */
export class EndpointPool {
  private preferred = 0;
  private readonly connections = new Map<string, Connection>();
  private readonly opening = new Map<string, Promise<Connection>>();
  /** Member id → endpoint, as learned from the members' status. */
  private readonly members = new Map<string, string>();
  private closed = false;

  constructor(
    readonly endpoints: readonly string[],
    private readonly options: ConnectionOptions & { readonly connectTimeoutMs: number },
  ) {
    if (endpoints.length === 0) throw new Error('at least one endpoint is required');
  }

  /** A connection to the preferred endpoint, else to the next reachable one (each tried once). */
  async acquire(deadline: number): Promise<Connection> {
    let last: unknown;
    const n = this.endpoints.length;
    const start = this.preferred;
    for (let i = 0; i < n; i++) {
      const index = (start + i) % n;
      try {
        const connection = await this.connect(this.endpoints[index] as string, deadline);
        this.prefer(index);
        return connection;
      } catch (e) {
        if (e instanceof ClientError && e.code !== 'unavailable') throw e;
        last = e;
        if (performance.now() >= deadline) break;
      }
    }
    const reason = last instanceof Error ? last.message : 'no endpoint tried';
    throw new ClientError('unavailable', `no endpoint reachable (${reason})`, { cause: last });
  }

  /** Moves the preference off `connection`'s endpoint and closes it (its watches resume elsewhere). */
  /**
   * Prefers the next endpoint after `connection`'s without closing it (its watches go on): for a
   * member that knows no leader, so that the next attempt asks another one.
   */
  preferNext(connection: Connection): void {
    const index = this.endpoints.indexOf(connection.endpoint);
    if (index === this.preferred) this.preferred = (index + 1) % this.endpoints.length;
  }

  failover(connection: Connection): void {
    const index = this.endpoints.indexOf(connection.endpoint);
    if (index === this.preferred) this.preferred = (index + 1) % this.endpoints.length;
    connection.close();
  }

  /**
   * A connection to member `memberId`, found by asking members for their status (each at most
   * once), or undefined if no endpoint is that member.
   */
  async findMember(memberId: string, deadline: number): Promise<Connection | undefined> {
    const known = this.members.get(memberId);
    if (known !== undefined) {
      const connection = await this.connect(known, deadline).catch(() => undefined);
      if (connection !== undefined) {
        this.prefer(this.endpoints.indexOf(known));
        return connection;
      }
    }
    for (const [index, endpoint] of this.endpoints.entries()) {
      if (endpoint === known || performance.now() >= deadline) continue;
      try {
        const connection = await this.connect(endpoint, deadline);
        const status = (await connection.call('status', [], deadline, false)) as StoreStatus;
        this.members.set(status.memberId, endpoint);
        if (status.memberId === memberId) {
          this.prefer(index);
          return connection;
        }
      } catch {
        // Unreachable or not answering: look at the next one.
      }
    }
    return undefined;
  }

  /** Closes every connection; later calls fail with `closed`. */
  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  private prefer(index: number): void {
    if (index === this.preferred || index < 0) return;
    this.preferred = index;
    // Connections nobody uses any more are closed; those with calls or watches stay until they go.
    for (const [endpoint, connection] of this.connections) {
      if (endpoint !== this.endpoints[index] && !connection.inUse) connection.close();
    }
  }

  /** The open connection to `endpoint`, opening it if needed (one attempt at a time per endpoint). */
  private connect(endpoint: string, deadline: number): Promise<Connection> {
    if (this.closed) return Promise.reject(new ClientError('closed'));
    const open = this.connections.get(endpoint);
    if (open?.isOpen === true) return Promise.resolve(open);
    let opening = this.opening.get(endpoint);
    if (opening === undefined) {
      const connectDeadline = Math.min(deadline, performance.now() + this.options.connectTimeoutMs);
      opening = Connection.open(endpoint, this.options, connectDeadline).then(
        (connection) => {
          this.opening.delete(endpoint);
          if (this.closed) {
            connection.close();
            throw new ClientError('closed');
          }
          this.connections.set(endpoint, connection);
          connection.onClosed(() => {
            if (this.connections.get(endpoint) === connection) this.connections.delete(endpoint);
          });
          return connection;
        },
        (error: unknown) => {
          this.opening.delete(endpoint);
          throw error;
        },
      );
      this.opening.set(endpoint, opening);
    }
    return opening;
  }
}
