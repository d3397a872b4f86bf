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
    .action(async (flags: ServerFlags) => {
      const { host, port } = parseListen(flags.listen);
      const server = await startEmbeddedServer({
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
