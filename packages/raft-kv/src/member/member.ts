import type { ConfChange } from '../raft/types.js';
import { startKvServer, statusHealthCheck, type KvMetrics, type KvServer, type KvServerTls } from '../server/index.js';
import { connect, type ClientTls } from '../client/index.js';
import { MEMBER_KEY_PREFIX, StoreAdmin, type MemberListResponse } from '../store/admin.js';
import { openStore, type Store } from '../store/embedded.js';
import { WsTransport, type TransportTls } from '../transport/index.js';

/** How to start one member of a cluster (`bosun kv serve`). */
export interface MemberOptions {
  readonly name: string;
  readonly dataDir: string;
  /** Where peers reach this member, e.g. http://127.0.0.1:2380. */
  readonly listenPeer: string;
  /** Where clients reach this member, e.g. http://127.0.0.1:2379 (https:// with `clientTls`). */
  readonly listenClient: string;
  /** Every member of a new cluster and its peer URL (this one included). Ignored on restart. */
  readonly initialCluster?: Readonly<Record<string, string>>;
  /**
   * Join a running cluster through one of its members' client URL: this member (on an empty
   * data dir) is added as a learner, catches up (by snapshot when the log is compacted) and is
   * promoted to voter. On a restart of a member that joined earlier, it is ignored.
   */
  readonly join?: string;
  /** The shared secret peers present to each other. */
  readonly clusterToken: string;
  /** A bearer token clients must present (none: any client may connect). */
  readonly clientToken?: string;
  readonly peerTls?: TransportTls;
  /**
   * Serve clients over TLS (etcd's `--cert-file`, `--key-file`, `--trusted-ca-file`,
   * `--client-cert-auth`). A joining member also presents this certificate, and trusts this
   * CA, as a client of the cluster it joins.
   */
  readonly clientTls?: KvServerTls;
  readonly tickMs?: number;
  readonly electionTick?: number;
  readonly snapshotCount?: number;
  /** A new cluster starts from this keyspace snapshot (`bosun kv snapshot restore`). */
  readonly restoreFrom?: Uint8Array;
}

/** What a membership change entry carries besides the id: where the member listens for peers. */
export interface MemberContext {
  readonly peerURL: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes the context of an addVoter/addLearner change. */
export function encodeMemberContext(ctx: MemberContext): Uint8Array {
  return encoder.encode(JSON.stringify(ctx));
}

function decodeMemberContext(data: Uint8Array | undefined): MemberContext | undefined {
  if (!data || data.byteLength === 0) return undefined;
  const raw = JSON.parse(decoder.decode(data)) as { peerURL?: unknown };
  return typeof raw.peerURL === 'string' ? { peerURL: raw.peerURL } : undefined;
}

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(`listen URL ${url}: expected http(s)://host:port`);
  return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
}

/** The client TLS of a joining member: its own client-server certificate and CA, if it has them. */
function joinTls(tls: KvServerTls | undefined): { tls?: ClientTls } {
  if (tls === undefined) return {};
  return { tls: { cert: tls.cert, key: tls.key, ...(tls.ca !== undefined ? { ca: tls.ca } : {}) } };
}

/**
 * One running member: its store (Raft + WAL + MVCC), the peer transport and the client server.
 * Membership changes carry the new member's peer URL, so every member learns where to send.
 */
export class Member {
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    readonly name: string,
    readonly store: Store,
    readonly transport: WsTransport,
    readonly server: KvServer,
    readonly peerURL: string,
    private readonly clientTls: KvServerTls | undefined,
  ) {}

  /** Starts a member: listens for peers, opens (or bootstraps) the store, serves clients. */
  static async start(opts: MemberOptions): Promise<Member> {
    let store: Store | undefined;
    // The server (and its metrics) starts after the store: the store's hooks find it here.
    const metrics: { sink?: KvMetrics } = {};
    const transport = new WsTransport({
      id: opts.name,
      clusterToken: opts.clusterToken,
      ...(opts.peerTls ? { tls: opts.peerTls } : {}),
      peers: Object.fromEntries(Object.entries(opts.initialCluster ?? {}).filter(([id]) => id !== opts.name)),
      onMessage: (m) => store?.node.step(m),
      onUnreachable: (peer) => store?.node.reportUnreachable(peer),
      onSnapshotSent: (to, ok) => store?.node.reportSnapshot(to, ok),
    });
    const peerURL = await transport.listen(hostPort(opts.listenPeer));
    try {
      store = await openStore({
        dataDir: opts.dataDir,
        name: opts.name,
        transport,
        ...(opts.join !== undefined
          ? { join: true }
          : { initialCluster: Object.keys(opts.initialCluster ?? { [opts.name]: '' }) }),
        ...(opts.tickMs !== undefined ? { tickMs: opts.tickMs } : {}),
        ...(opts.electionTick !== undefined ? { electionTick: opts.electionTick } : {}),
        ...(opts.snapshotCount !== undefined ? { snapshotCount: opts.snapshotCount } : {}),
        ...(opts.restoreFrom ? { restoreFrom: opts.restoreFrom } : {}),
        onConfChange: (cc) => Member.updatePeers(transport, opts.name, cc),
        onFsync: (s) => metrics.sink?.observeFsync(s),
        onApplyBatch: (s) => metrics.sink?.observeApply(s),
      });
    } catch (e) {
      await transport.close();
      throw e;
    }
    const opened = store;
    const { host, port } = hostPort(opts.listenClient);
    const clientToken = opts.clientToken;
    const server = await startKvServer({
      ...(opts.clientTls !== undefined ? { tls: opts.clientTls } : {}),
      kv: store,
      admin: new StoreAdmin(store),
      host,
      port,
      health: statusHealthCheck(store),
      member: async () => {
        const s = await opened.status();
        return {
          appliedIndex: s.raftAppliedIndex,
          commitIndex: s.raftIndex,
          term: s.raftTerm,
          leaderChanges: opened.node.leaderChanges,
          walBytes: await opened.node.walDiskBytes(),
          proposals: opened.node.proposalStats.proposed,
          proposalsFailed: opened.node.proposalStats.failed,
          proposalsPending: opened.node.pendingProposals,
        };
      },
      ...(clientToken !== undefined ? { authorize: (token) => token === clientToken } : {}),
    }).catch(async (e: unknown) => {
      await opened.close();
      await transport.close();
      throw e;
    });
    metrics.sink = server.metrics;
    const member = new Member(opts.name, store, transport, server, peerURL, opts.clientTls);
    try {
      await member.learnPeers();
      if (opts.join !== undefined && store.node.membership().voters.length === 0) await member.joinVia(opts.join);
    } catch (e) {
      await member.close();
      throw e;
    }
    member.publish();
    return member;
  }

  /** Joins a running cluster: learn its peers, get added as a learner, catch up, get promoted. */
  private async joinVia(url: string, timeoutMs = 60_000): Promise<void> {
    const tls = joinTls(this.clientTls);
    const first = await connect({ endpoints: [url], timeoutMs: 10_000, ...tls });
    let members: MemberListResponse['members'];
    try {
      // Every voter's peer URL is needed to answer the leader; members publish theirs shortly
      // after they start, so wait (bounded) until they all have.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        members = (await first.memberList()).members;
        const missing = members.filter((m) => m.name !== this.name && !m.isLearner && m.peerURL === '');
        if (missing.length === 0) break;
        if (Date.now() > deadline) {
          throw new Error(`joining via ${url}: no peer URL known for ${missing.map((m) => m.name).join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await first.close();
    }
    for (const m of members) if (m.name !== this.name && m.peerURL) this.transport.addPeer(m.name, m.peerURL);
    // Every member's client URL, so that requests that must reach the leader can.
    const endpoints = [url, ...members.map((m) => m.clientURL).filter((u) => u !== '' && u !== url)];
    const client = await connect({ endpoints, timeoutMs: 10_000, ...tls });
    try {
      if (!members.some((m) => m.name === this.name)) await client.memberAdd(this.name, this.peerURL);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await client.memberPromote(this.name);
          return;
        } catch (e) {
          // Not caught up yet (or the leader moved): try again until the deadline.
          if (Date.now() > deadline)
            throw new Error(`joining via ${url}: not promoted within ${timeoutMs} ms: ${String(e)}`, { cause: e });
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      await client.close();
    }
  }

  /** Adds the peers that earlier members published (members that joined after bootstrap). */
  private async learnPeers(): Promise<void> {
    const known = await this.store.range(MEMBER_KEY_PREFIX, { prefix: true, serializable: true });
    const voters = new Set([...this.store.node.membership().voters, ...this.store.node.membership().learners]);
    for (const kv of known.kvs) {
      const name = Buffer.from(kv.key).toString().slice(MEMBER_KEY_PREFIX.length);
      const info = JSON.parse(Buffer.from(kv.value).toString()) as { peerURL?: string };
      if (name !== this.name && voters.has(name) && info.peerURL) this.transport.addPeer(name, info.peerURL);
    }
  }

  /**
   * Publishes this member's URLs under {@link MEMBER_KEY_PREFIX}. A put taken by a leader that
   * then fails may hang until its timeout, so the same (idempotent) put is sent again every
   * two seconds until one succeeds.
   */
  private publish(): void {
    const value = JSON.stringify({ peerURL: this.peerURL, clientURL: this.clientURL });
    let done = false;
    const attempt = (n: number): void => {
      if (this.closed || done || n > 100) return;
      this.store.put(`${MEMBER_KEY_PREFIX}${this.name}`, value).then(
        () => (done = true),
        () => undefined,
      );
      // Soon at first (a new cluster elects its leader in a few ticks), then less often.
      this.retry = setTimeout(() => attempt(n + 1), n < 20 ? 200 : 2_000);
    };
    attempt(0);
  }

  private static updatePeers(transport: WsTransport, self: string, cc: ConfChange): void {
    if (cc.nodeId === self) return;
    if (cc.type === 'removeNode') {
      void transport.removePeer(cc.nodeId);
      return;
    }
    const ctx = decodeMemberContext(cc.context);
    if (ctx) transport.addPeer(cc.nodeId, ctx.peerURL);
  }

  /** The URL clients connect to. */
  get clientURL(): string {
    return this.server.url;
  }

  /** Stops serving clients, leaves the peer network and closes the store. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.server.close();
    await this.store.close();
    await this.transport.close();
  }
}
