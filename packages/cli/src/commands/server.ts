/** `bosun server`: the embedded store and the API server in one process, until SIGINT or SIGTERM. */
import type { Command } from 'commander';
import { startEmbeddedServer } from '@bosun/control-plane';
import { untilSignal } from '../signals.js';
import type { Io } from '../program.js';

interface ServerFlags {
  readonly dataDir: string;
  readonly listen: string;
  readonly advertiseAddress?: string;
  readonly serviceCidr: string;
  readonly serviceNodePortRange: string;
  readonly insecureHttp?: boolean;
  readonly tlsSan: string[];
  readonly tokenAuthFile?: string;
  readonly auditLogPath?: string;
  readonly encryptionProviderConfig?: string;
}

/** What `--insecure-http` prints: the server lets anyone do anything. */
export const INSECURE_WARNING =
  'WARNING: --insecure-http: plain HTTP with no authentication or authorization; anyone who can reach this port controls the cluster\n';

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The security flags as embedded-server options. */
export function securityOptions(flags: {
  insecureHttp?: boolean;
  tlsSan?: string[];
  tokenAuthFile?: string;
  auditLogPath?: string;
  encryptionProviderConfig?: string;
}): {
  insecureHttp?: boolean;
  tlsSans?: string[];
  tokenAuthFile?: string;
  auditLogPath?: string;
  encryptionConfigFile?: string;
} {
  return {
    ...(flags.auditLogPath === undefined ? {} : { auditLogPath: flags.auditLogPath }),
    ...(flags.encryptionProviderConfig === undefined ? {} : { encryptionConfigFile: flags.encryptionProviderConfig }),
    ...(flags.insecureHttp === true ? { insecureHttp: true } : {}),
    ...((flags.tlsSan ?? []).length > 0 ? { tlsSans: flags.tlsSan ?? [] } : {}),
    ...(flags.tokenAuthFile === undefined ? {} : { tokenAuthFile: flags.tokenAuthFile }),
  };
}

/** `host:port` (IPv6 hosts in brackets). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value.trim());
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--listen: expected host:port, got ${JSON.stringify(value)}`);
  }
  return { host: m[1] ?? m[2] ?? '', port };
}

/** Adds `server` to the program. */
export function registerServer(program: Command, io: Io): void {
  program
    .command('server')
    .description('run the API server on an embedded store until SIGINT or SIGTERM')
    .requiredOption('--data-dir <dir>', 'where the store and the admin kubeconfig live')
    .option('--listen <host:port>', 'where the API server listens', '127.0.0.1:6443')
    .option('--advertise-address <ip>', 'the address the kubernetes Service points at (default: the listen host)')
    .option('--service-cidr <cidr>', 'the range Service cluster IPs come from', '10.96.0.0/12')
    .option('--service-node-port-range <min-max>', 'the range node ports come from', '30000-32767')
    .option('--tls-san <name>', 'another name or address for the serving certificate (repeatable)', collect, [])
    .option(
      '--token-auth-file <file>',
      'bearer tokens for users, in the Kubernetes CSV format (token,user,uid,"group1,group2")',
    )
    .option('--audit-log-path <file>', 'append an audit record (JSON line) for every mutating request to this file')
    .option(
      '--encryption-provider-config <file>',
      'encrypt Secrets at rest with the keys in this file ({ keys: [{ name, secret }] }, AES-256-GCM)',
    )
    .option('--insecure-http', 'serve plain HTTP with no authentication or authorization (development only)')
    .action(async (flags: ServerFlags) => {
      const { host, port } = parseListen(flags.listen);
      if (flags.insecureHttp === true) io.err(INSECURE_WARNING);
      const server = await startEmbeddedServer({
        ...securityOptions(flags),
        dataDir: flags.dataDir,
        host,
        port,
        serviceCidr: flags.serviceCidr,
        nodePortRange: flags.serviceNodePortRange,
        ...(flags.advertiseAddress === undefined ? {} : { advertiseAddress: flags.advertiseAddress }),
      });
      io.out(`bosun API server listening on ${server.url}\n`);
      io.out(`admin kubeconfig: ${server.kubeconfig}\n`);
      io.out(`try: KUBECONFIG=${server.kubeconfig} kubectl get namespaces\n`);
      await untilSignal();
      await server.stop();
    });
}
