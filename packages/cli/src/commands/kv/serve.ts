/** `bosun kv serve`: runs one member of a raft-kv cluster until SIGINT or SIGTERM. */
import { createSecureContext } from 'node:tls';
import type { Command } from 'commander';
import { Member, type KvServerTls } from '@bosun/raft-kv';
import { untilSignal } from '../../signals.js';
import type { Io } from '../../program.js';
import { parseCount, readFlagFile } from './client-flags.js';

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
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly trustedCaFile?: string;
  readonly clientCertAuth?: boolean;
}

/** The TLS flags of `serve`, as etcd names them. */
export type ClientTlsFlags = Pick<
  ServeFlags,
  'listenClient' | 'certFile' | 'keyFile' | 'trustedCaFile' | 'clientCertAuth'
>;

/**
 * The client TLS of `--cert-file`, `--key-file`, `--trusted-ca-file` and `--client-cert-auth`
 * (undefined without them), checked against `--listen-client`: https:// exactly when TLS is on.
 * The files are read and the key matched to the certificate here, so that a mistake is one line.
 */
export function parseClientTls(flags: ClientTlsFlags): KvServerTls | undefined {
  const https = flags.listenClient.startsWith('https://');
  if ((flags.certFile === undefined) !== (flags.keyFile === undefined)) {
    throw new Error('--cert-file and --key-file go together');
  }
  if (flags.certFile === undefined || flags.keyFile === undefined) {
    if (https) throw new Error(`--listen-client ${flags.listenClient} needs --cert-file and --key-file`);
    if (flags.trustedCaFile !== undefined || flags.clientCertAuth === true) {
      throw new Error('--trusted-ca-file and --client-cert-auth need --cert-file and --key-file');
    }
    return undefined;
  }
  if (!https)
    throw new Error(`--listen-client must be https:// with --cert-file and --key-file (got ${flags.listenClient})`);
  if (flags.clientCertAuth === true && flags.trustedCaFile === undefined) {
    throw new Error('--client-cert-auth needs --trusted-ca-file (the CA that signs client certificates)');
  }
  const tls: KvServerTls = {
    cert: readFlagFile('--cert-file', flags.certFile),
    key: readFlagFile('--key-file', flags.keyFile),
    ...(flags.trustedCaFile !== undefined ? { ca: readFlagFile('--trusted-ca-file', flags.trustedCaFile) } : {}),
    ...(flags.clientCertAuth === true ? { clientCertAuth: true } : {}),
  };
  try {
    createSecureContext({ cert: tls.cert, key: tls.key, ...(tls.ca !== undefined ? { ca: tls.ca } : {}) });
  } catch (e) {
    const reason = (e as { reason?: unknown }).reason;
    const why = typeof reason === 'string' ? reason : e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    throw new Error(`--cert-file ${flags.certFile}, --key-file ${flags.keyFile}: ${why}`, { cause: e });
  }
  return tls;
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
    .option(
      '--listen-client <url>',
      'where clients reach this member (https:// with --cert-file)',
      'http://127.0.0.1:2379',
    )
    .option('--initial-cluster <members>', 'name=peerURL,... of a new cluster (default: this member alone)')
    .option('--cluster-token <token>', 'the secret peers share (default: $BOSUN_CLUSTER_TOKEN)')
    .option('--client-token <token>', 'a bearer token clients must present (default: none)')
    .option(
      '--join <client-url>',
      'join a running cluster through one of its members: added as a learner, promoted once caught up',
    )
    .option('--tick-ms <ms>', 'the Raft tick in milliseconds')
    .option('--cert-file <file>', 'serve clients over TLS with this certificate (PEM)')
    .option('--key-file <file>', 'the private key (PEM) of --cert-file')
    .option('--trusted-ca-file <file>', 'the CA (PEM) that signs client certificates')
    .option('--client-cert-auth', 'accept only clients with a certificate signed by --trusted-ca-file')
    .action(async (flags: ServeFlags) => {
      const clientTls = parseClientTls(flags);
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
        ...(clientTls !== undefined ? { clientTls } : {}),
      });
      io.out(`member ${member.name} ready: serving clients at ${member.clientURL}, peers at ${member.peerURL}\n`);
      const received = await signal;
      io.err(`member ${member.name}: ${received}, closing\n`);
      await member.close();
      io.err(`member ${member.name}: closed\n`);
    });
}
