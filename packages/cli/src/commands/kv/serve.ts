/** `bosun kv serve`: runs one member of a raft-kv cluster until SIGINT or SIGTERM. */
import type { Command } from 'commander';
import { Member } from '@bosun/raft-kv';
import { untilSignal } from '../../signals.js';
import type { Io } from '../../program.js';
import { parseCount } from './client-flags.js';

/** The cluster token members use when neither --cluster-token nor BOSUN_CLUSTER_TOKEN is given: for development only. */
export const DEV_CLUSTER_TOKEN = 'bosun-dev-cluster-token';

interface ServeFlags {
  readonly name: string;
  readonly dataDir?: string;
  readonly listenPeer: string;
  readonly listenClient: string;
  readonly initialCluster?: string;
  readonly clusterToken?: string;
  readonly clientToken?: string;
  readonly join?: string;
  readonly tickMs?: string;
}

/** `n1=URL,n2=URL` as a map from member name to peer URL. */
export function parseInitialCluster(value: string): Record<string, string> {
  const cluster: Record<string, string> = {};
  for (const part of value.split(',').map((s) => s.trim())) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const url = part.slice(eq + 1).trim();
    if (eq <= 0 || url === '') throw new Error(`--initial-cluster: bad member "${part}" (expected name=URL)`);
    if (name in cluster) throw new Error(`--initial-cluster: member "${name}" given twice`);
    cluster[name] = url;
  }
  if (Object.keys(cluster).length === 0) throw new Error('--initial-cluster: no member given');
  return cluster;
}

/** Adds `serve` to `kv`. */
export function registerServe(kv: Command, io: Io): void {
  kv.command('serve')
    .description('run a member of a raft-kv cluster until SIGINT or SIGTERM')
    .option('--name <name>', 'this member name', 'default')
    .option('--data-dir <dir>', 'where the WAL and snapshots live (default: <name>.bosun)')
    .option('--listen-peer <url>', 'where peers reach this member', 'http://127.0.0.1:2380')
    .option('--listen-client <url>', 'where clients reach this member', 'http://127.0.0.1:2379')
    .option('--initial-cluster <members>', 'name=peerURL,... of a new cluster (default: this member alone)')
    .option('--cluster-token <token>', 'the secret peers share (default: $BOSUN_CLUSTER_TOKEN)')
    .option('--client-token <token>', 'a bearer token clients must present (default: none)')
    .option(
      '--join <client-url>',
      'join a running cluster through one of its members: added as a learner, promoted once caught up',
    )
    .option('--tick-ms <ms>', 'the Raft tick in milliseconds')
    .action(async (flags: ServeFlags) => {
      const initialCluster =
        flags.initialCluster !== undefined
          ? parseInitialCluster(flags.initialCluster)
          : { [flags.name]: flags.listenPeer };
      if (!(flags.name in initialCluster) && flags.join === undefined) {
        throw new Error(`--initial-cluster does not name this member "${flags.name}"`);
      }
      let clusterToken = flags.clusterToken ?? process.env['BOSUN_CLUSTER_TOKEN'];
      if (clusterToken === undefined || clusterToken === '') {
        io.err(`warning: no --cluster-token or BOSUN_CLUSTER_TOKEN; using the development token\n`);
        clusterToken = DEV_CLUSTER_TOKEN;
      }
      const signal = untilSignal();
      const member = await Member.start({
        name: flags.name,
        dataDir: flags.dataDir ?? `${flags.name}.bosun`,
        listenPeer: flags.listenPeer,
        listenClient: flags.listenClient,
        initialCluster,
        clusterToken,
        ...(flags.join !== undefined ? { join: flags.join } : {}),
        ...(flags.clientToken !== undefined ? { clientToken: flags.clientToken } : {}),
        ...(flags.tickMs !== undefined ? { tickMs: parseCount('--tick-ms', flags.tickMs) } : {}),
      });
      io.out(`member ${member.name} ready: serving clients at ${member.clientURL}, peers at ${member.peerURL}\n`);
      const received = await signal;
      io.err(`member ${member.name}: ${received}, closing\n`);
      await member.close();
      io.err(`member ${member.name}: closed\n`);
    });
}
