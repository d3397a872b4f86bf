/**
 * One raft-kv member as its own process, for the fault tests: `node --import tsx member-process.ts`
 * with its {@link MemberProcessConfig} as JSON in `BOSUN_FAULTS_MEMBER`. Prints one line
 * `ready {"clientURL":...}` once it serves clients; exits when its stdin closes (the test
 * process died) or on SIGTERM.
 *
 * Its stdin also takes one command a line, each answered by one line on stdout:
 * - `route <name> <url>`: dial member `name` at `url` from now on (the proxy of the link to a
 *   member that is joining); answered `routed <name>`.
 * - `info`: answered `info {"snapshotIndex":...,"snapshotsReceived":...}` (see {@link MemberInfoLine}).
 */
import { Member, WsTransport } from '@bosun/raft-kv';

/** What the harness tells a member process. */
export interface MemberProcessConfig {
  readonly name: string;
  readonly dataDir: string;
  readonly listenPeer: string;
  readonly listenClient: string;
  /**
   * Every member's peer URL as this member must dial it (the proxies of its links; itself: its
   * listener). These are also the routes of the links: see {@link routePeers}.
   */
  readonly initialCluster: Readonly<Record<string, string>>;
  /** Join a running cluster through this client URL instead of bootstrapping one. */
  readonly join?: string;
  readonly clusterToken: string;
  readonly tickMs: number;
  readonly electionTick: number;
  /** Applied entries between two snapshots (the log is compacted behind them). */
  readonly snapshotCount?: number;
}

/** What `info` answers: the member's Raft snapshot index and how many snapshots it received. */
export interface MemberInfoLine {
  readonly snapshotIndex: number;
  readonly snapshotsReceived: number;
}

const raw = process.env.BOSUN_FAULTS_MEMBER;
if (raw === undefined) throw new Error('BOSUN_FAULTS_MEMBER is not set');
const config = JSON.parse(raw) as MemberProcessConfig;

/** Member name → the URL this process dials it at (the proxy of the link). */
const routes = new Map(Object.entries(config.initialCluster).filter(([name]) => name !== config.name));

/**
 * Keeps every peer link on its proxy. A member learns peer URLs from the cluster too (the URLs
 * members publish, and the one a membership change carries: their real listeners), and all of
 * them reach the transport through `addPeer`, so that is where a peer's URL is replaced by its
 * route. This stands in for the network: the product code is unchanged.
 */
function routePeers(): void {
  const addPeer = Object.getOwnPropertyDescriptor(WsTransport.prototype, 'addPeer')?.value as WsTransport['addPeer'];
  WsTransport.prototype.addPeer = function (this: WsTransport, id: string, url: string): void {
    addPeer.call(this, id, routes.get(id) ?? url);
  };
}
routePeers();

let member: Member | undefined = undefined;
const lines: string[] = [];
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n')) {
    lines.push(pending.slice(0, at));
    pending = pending.slice(at + 1);
  }
  while (lines.length > 0) answer(lines.shift() ?? '');
});

/** Runs one command line; see the file's comment. */
function answer(line: string): void {
  const [command, name, url] = line.trim().split(' ');
  if (command === 'route' && name !== undefined && url !== undefined) {
    routes.set(name, url);
    // Already dialing it (at another URL): move the link now.
    if (member?.transport.peerState(name) !== undefined) member?.transport.addPeer(name, url);
    process.stdout.write(`routed ${name}\n`);
  } else if (command === 'info') {
    const info: MemberInfoLine = {
      snapshotIndex: member?.store.node.status().snapshotIndex ?? 0,
      snapshotsReceived: member?.transport.metrics.snapshotsReceived ?? 0,
    };
    process.stdout.write(`info ${JSON.stringify(info)}\n`);
  } else if (command !== '') {
    process.stdout.write(`error unknown command ${JSON.stringify(line)}\n`);
  }
}

member = await Member.start({
  name: config.name,
  dataDir: config.dataDir,
  listenPeer: config.listenPeer,
  listenClient: config.listenClient,
  initialCluster: config.join === undefined ? config.initialCluster : {},
  ...(config.join !== undefined ? { join: config.join } : {}),
  clusterToken: config.clusterToken,
  tickMs: config.tickMs,
  electionTick: config.electionTick,
  ...(config.snapshotCount !== undefined ? { snapshotCount: config.snapshotCount } : {}),
});
process.stdout.write(`ready ${JSON.stringify({ clientURL: member.clientURL })}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(1), 3_000);
  force.unref();
  try {
    await member?.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.on('close', () => void shutdown());
process.stdin.resume();
