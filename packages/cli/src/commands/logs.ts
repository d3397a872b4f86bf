import type { Command } from 'commander';
import { RESOURCES } from '@bosun/sdk';
import type { Io } from '../program.js';
import { openSession, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { UsageError } from '../kube/errors.js';

/** The flags of `bosun logs`. */
export interface LogsFlags extends GlobalOptions {
  container?: string;
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
}

/** Adds `bosun logs POD [-c CONTAINER] [-f] [--tail N]`. */
export function registerLogs(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('logs')
      .description('print the logs of a container in a pod')
      .argument('<pod>', 'POD or pod/POD')
      .option('-c, --container <name>', 'the container')
      .option('-f, --follow', 'stream the logs')
      .option('--tail <lines>', 'lines of recent log to show (-1: all)')
      .option('--timestamps', 'prefix each line with its timestamp'),
  ).action(
    runAction(io, async (pod: string, opts: LogsFlags) => {
      const name = pod.startsWith('pod/') ? pod.slice(4) : pod.startsWith('pods/') ? pod.slice(5) : pod;
      if (name.includes('/')) throw new UsageError(`logs: only pods are supported, not ${pod}`);
      const tail = opts.tail === undefined ? undefined : Number(opts.tail);
      if (tail !== undefined && !Number.isInteger(tail)) throw new UsageError(`invalid --tail: ${opts.tail ?? ''}`);
      const session = openSession(opts);
      const rc = session.client.resource(RESOURCES.pods, session.namespace);
      for await (const chunk of rc.log(name, {
        ...(opts.container === undefined ? {} : { container: opts.container }),
        follow: opts.follow === true,
        ...(tail === undefined || tail < 0 ? {} : { tailLines: tail }),
        timestamps: opts.timestamps === true,
      })) {
        io.out(chunk);
      }
    }),
  );
}
