/**
 * One raft-kv member as its own process, for the fault tests: `node --import tsx member-process.ts`
 * with its {@link MemberProcessConfig} as JSON in `BOSUN_FAULTS_MEMBER`. Prints one line
 * `ready {"clientURL":...}` once it serves clients; exits when its stdin closes (the test
 * process died) or on SIGTERM.
 */
import { Member } from '@bosun/raft-kv';

/** What the harness tells a member process. */
export interface MemberProcessConfig {
  readonly name: string;
  readonly dataDir: string;
  readonly listenPeer: string;
  readonly listenClient: string;
  /** Every member's peer URL as this member must dial it (the proxies of its links; itself: its listener). */
  readonly initialCluster: Readonly<Record<string, string>>;
  readonly clusterToken: string;
  readonly tickMs: number;
  readonly electionTick: number;
}

const raw = process.env.BOSUN_FAULTS_MEMBER;
if (raw === undefined) throw new Error('BOSUN_FAULTS_MEMBER is not set');
const config = JSON.parse(raw) as MemberProcessConfig;

const member = await Member.start({
  name: config.name,
  dataDir: config.dataDir,
  listenPeer: config.listenPeer,
  listenClient: config.listenClient,
  initialCluster: config.initialCluster,
  clusterToken: config.clusterToken,
  tickMs: config.tickMs,
  electionTick: config.electionTick,
});
// A restarted member learns its peers' URLs from what they published (their real listeners),
// which would bypass the proxies the test cuts links with: point it back at the proxies.
for (const [name, url] of Object.entries(config.initialCluster)) {
  if (name !== config.name) member.transport.addPeer(name, url);
}
process.stdout.write(`ready ${JSON.stringify({ clientURL: member.clientURL })}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(1), 3_000);
  force.unref();
  try {
    await member.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.on('close', () => void shutdown());
process.stdin.resume();
