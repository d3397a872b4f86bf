/**
 * The remote client: the {@link KV} API over the members' WebSocket protocol, with failover
 * between endpoints, retries of what is safe to repeat (see retry.ts), leader redirection,
 * watches that resume without gap or repeat after a reconnect, and lease keep-alive.
 */
import { performance } from 'node:perf_hooks';
import type { Bytes } from '../mvcc/bytes.js';
import type { DeleteRangeOptions, PutOptions, TxnParts } from '../mvcc/requests.js';
import type { WatchOptions } from '../mvcc/store.js';
import type {
  AlarmAction,
  AlarmResponse,
  AlarmType,
  CompactResponse,
  DeleteRangeResponse,
  LeaseGrantResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
  PutResponse,
  RangeResponse,
  TxnResponse,
} from '../mvcc/types.js';
import type { MemberListResponse } from '../store/admin.js';
import type { KV, KvRangeOptions, KvWatch, StoreStatus } from '../store/kv.js';
import { DEFAULT_KV_PATH, DEFAULT_WATCH_WINDOW } from '../server/protocol.js';
import type { KvMethod } from '../server/protocol.js';
import type { ClientTls, Connection } from './connection.js';
import { ClientError } from './errors.js';
import { keepAliveForever } from './lease-keeper.js';
import type { LeaseKeeper, LeaseKeeperOptions } from './lease-keeper.js';
import { EndpointPool } from './pool.js';
import { isSafeToRetry, nextStep, pauseBeforeAttempt } from './retry.js';
import { WatchStreams } from './watch-streams.js';

/** How to connect a {@link KvClient}. */
export interface ConnectOptions {
  /**
   * The members' endpoints: `ws://host:port/kv`, `http://host:port` or `host:port` (wss://,
   * https://: over TLS; `host:port` too when `tls` is given).
   */
  readonly endpoints: readonly string[];
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** The CA to trust and the client certificate to present on wss:// and https:// endpoints. */
  readonly tls?: ClientTls;
  /** The deadline of each request, retries included (ms; 10 000 by default). */
  readonly timeoutMs?: number;
  /** The longest wait for one connection to open (ms; 2 000 by default). */
  readonly connectTimeoutMs?: number;
  /** How long a broken watch keeps trying to resume before it fails with `unavailable` (ms; 30 000). */
  readonly watchResumeTimeoutMs?: number;
  /**
   * Events a member may send a watch ahead of its consumer ({@link DEFAULT_WATCH_WINDOW} by
   * default): the bound of each watch's buffer here. Past it the member's watch hub buffers,
   * and past the hub's bound the watch ends with `slowConsumer`.
   */
  readonly watchWindow?: number;
  /** The largest request frame (8 MiB by default, the server's default limit). */
  readonly maxRequestBytes?: number;
  /** The largest response frame (256 MiB by default). */
  readonly maxResponseBytes?: number;
  /** How often connections are pinged to detect dead members (ms; 10 000 by default). */
  readonly pingIntervalMs?: number;
  /** The path of an endpoint given without one ({@link DEFAULT_KV_PATH} by default). */
  readonly path?: string;
  /** Attempts per request at most, retries included (8 by default; the deadline usually ends them first). */
  readonly maxAttempts?: number;
  /** The jitter source of backoffs (Math.random by default). */
  readonly random?: () => number;
}

/** A remote client of the store; see {@link connect}. */
export class KvClient implements KV {
  private readonly pool: EndpointPool;
  private readonly streams: WatchStreams;
  private readonly keepers = new Set<LeaseKeeper>();
  private closed = false;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly random: () => number;

  /** Use {@link connect}. */
  constructor(options: ConnectOptions) {
    const path = options.path ?? DEFAULT_KV_PATH;
    const tls = options.tls;
    if (tls !== undefined && (tls.cert === undefined) !== (tls.key === undefined)) {
      throw new Error('a client certificate needs its key (tls.cert and tls.key go together)');
    }
    this.pool = new EndpointPool(
      options.endpoints.map((e) => endpointUrl(e, path, tls !== undefined)),
      {
        maxRequestBytes: options.maxRequestBytes ?? 8 * 1024 * 1024,
        maxResponseBytes: options.maxResponseBytes ?? 256 * 1024 * 1024,
        pingIntervalMs: options.pingIntervalMs ?? 10_000,
        connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
        ...(options.token !== undefined ? { token: options.token } : {}),
        ...(tls !== undefined ? { tls } : {}),
      },
    );
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.random = options.random ?? Math.random;
    this.streams = new WatchStreams(this.pool, {
      timeoutMs: this.timeoutMs,
      resumeTimeoutMs: options.watchResumeTimeoutMs ?? 30_000,
      window: Math.max(1, options.watchWindow ?? DEFAULT_WATCH_WINDOW),
      random: this.random,
    });
  }

  /** Opens a connection to the first reachable endpoint. */
  async ready(): Promise<void> {
    await this.pool.acquire(performance.now() + this.timeoutMs);
  }

  range(key: Bytes, options?: KvRangeOptions): Promise<RangeResponse> {
    return this.request('range', [key, options]);
  }

  put(key: Bytes, value: Bytes, options?: PutOptions): Promise<PutResponse> {
    return this.request('put', [key, value, options]);
  }

  deleteRange(key: Bytes, options?: DeleteRangeOptions): Promise<DeleteRangeResponse> {
    return this.request('deleteRange', [key, options]);
  }

  txn(parts: TxnParts): Promise<TxnResponse> {
    return this.request('txn', [parts]);
  }

  compact(revision: number): Promise<CompactResponse> {
    return this.request('compact', [revision]);
  }

  grant(ttl: number, id?: number): Promise<LeaseGrantResponse> {
    return this.request('grant', id === undefined ? [ttl] : [ttl, id]);
  }

  revoke(id: number): Promise<LeaseRevokeResponse> {
    return this.request('revoke', [id]);
  }

  /** Renews a lease at the leader (followed there on `notLeader`); resolves with its TTL in seconds. */
  keepAlive(id: number): Promise<number> {
    return this.request('keepAlive', [id]);
  }

  /** Renews lease `id` every ttl/3 until stopped; reports once if it is lost (see {@link keepAliveForever}). */
  keepAliveForever(id: number, onLost: (error: Error) => void, options?: LeaseKeeperOptions): LeaseKeeper {
    const keeper = keepAliveForever(
      this,
      id,
      (error) => {
        this.keepers.delete(keeper);
        onLost(error);
      },
      options,
    );
    for (const k of this.keepers) if (k.state !== 'renewing') this.keepers.delete(k);
    this.keepers.add(keeper);
    return keeper;
  }

  timeToLive(id: number, options?: { keys?: boolean }): Promise<LeaseTimeToLiveResponse> {
    return this.request('timeToLive', [id, options]);
  }

  leases(): Promise<LeaseLeasesResponse> {
    return this.request('leases', []);
  }

  alarm(action: AlarmAction, alarm?: AlarmType): Promise<AlarmResponse> {
    return this.request('alarm', alarm === undefined ? [action] : [action, alarm]);
  }

  /** The members, their URLs and who leads. */
  memberList(): Promise<MemberListResponse> {
    return this.request('memberList', []);
  }

  /** Adds a member (a learner unless `learner: false`); promote it once it caught up. */
  memberAdd(name: string, peerURL: string, options: { learner?: boolean } = {}): Promise<MemberListResponse> {
    return this.request('memberAdd', [name, peerURL, options]);
  }

  memberRemove(name: string): Promise<MemberListResponse> {
    return this.request('memberRemove', [name]);
  }

  /** Makes a caught-up learner a voter (sent to the leader). */
  memberPromote(name: string): Promise<MemberListResponse> {
    return this.request('memberPromote', [name]);
  }

  /** Hands leadership to `name` (sent to the leader). */
  moveLeader(name: string): Promise<void> {
    return this.request('moveLeader', [name]);
  }

  /** The whole keyspace at a linearizable point (for `snapshot save`). */
  snapshot(): Promise<Uint8Array> {
    return this.request('snapshot', []);
  }

  /** The status of the member the client is connected to. */
  status(): Promise<StoreStatus> {
    return this.request('status', []);
  }

  /**
   * Watches a key or range. Unlike the embedded store, a start below the compact revision is
   * not thrown here: the watch yields one `end` batch with reason `compacted`. If the stream
   * breaks, it resumes from the first revision not yet received, on any member; if it cannot
   * within `watchResumeTimeoutMs`, the iteration throws `unavailable` with the `resumeRevision`.
   */
  watch(key: Bytes, options: WatchOptions = {}): KvWatch {
    if (this.closed) throw new ClientError('closed');
    return this.streams.open(key, options);
  }

  /** Closes every connection; watches end with reason `closed`, keepers stop, requests in flight fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const keeper of this.keepers) keeper.stop();
    this.keepers.clear();
    this.streams.close();
    this.pool.close();
  }

  /** Sends a request, retrying what is safe until it succeeds or its deadline passes. */
  private async request<T>(method: KvMethod, args: readonly unknown[]): Promise<T> {
    if (this.closed) throw new ClientError('closed');
    const deadline = performance.now() + this.timeoutMs;
    const safe = isSafeToRetry(method, args);
    let last: unknown;
    let leader: string | undefined;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (attempt > 0 && !(await pauseBeforeAttempt(attempt, deadline, this.random))) break;
      if (this.closed) throw new ClientError('closed');
      let connection: Connection;
      try {
        connection = await this.connectionFor(leader, deadline);
      } catch (e) {
        if (e instanceof ClientError && e.code !== 'unavailable') throw e;
        last = e;
        continue;
      }
      try {
        return (await connection.call(method, args, deadline, !safe)) as T;
      } catch (e) {
        last = e;
        const step = nextStep(e, safe);
        if (step.kind === 'fail') {
          if (step.failover) this.pool.failover(connection);
          throw step.error;
        }
        if (step.kind === 'retry' && step.failover) this.pool.failover(connection);
        leader = step.kind === 'toLeader' && step.leader !== '' ? step.leader : undefined;
        // A member that knows no leader (cut off, or electing): ask another member next.
        if (step.kind === 'toLeader' && step.leader === '') this.pool.preferNext(connection);
      }
    }
    // Out of time or attempts; nothing here was sent with an unknown outcome (that fails at once).
    const code = last instanceof ClientError && last.code === 'unavailable' ? 'unavailable' : 'timeout';
    const reason = last instanceof Error ? `; last error: ${last.message}` : '';
    throw new ClientError(code, `${method} failed within ${this.timeoutMs} ms${reason}`, { cause: last });
  }

  /** The connection to the leader when one is named and known, else to the preferred endpoint. */
  private async connectionFor(leader: string | undefined, deadline: number): Promise<Connection> {
    if (leader !== undefined) {
      const connection = await this.pool.findMember(leader, deadline);
      if (connection !== undefined) return connection;
    }
    return this.pool.acquire(deadline);
  }
}

/**
 * The WebSocket URL of an endpoint written as `ws://host:port/path`, `http://host:port` or
 * `host:port` (http:// becomes ws://, https:// wss://; `host:port` is wss:// when `secure`).
 */
export function endpointUrl(endpoint: string, path: string = DEFAULT_KV_PATH, secure = false): string {
  const withScheme = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `${secure ? 'wss' : 'ws'}://${endpoint}`;
  const url = new URL(withScheme);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.pathname === '/' || url.pathname === '') url.pathname = path;
  return url.toString();
}

/**
 * Connects a remote client to the members at `options.endpoints`, resolving once one of them
 * is reachable (`unavailable` if none is within `timeoutMs`).
 */
export async function connect(options: ConnectOptions): Promise<KvClient> {
  const client = new KvClient(options);
  try {
    await client.ready();
  } catch (e) {
    await client.close();
    throw e;
  }
  return client;
}
