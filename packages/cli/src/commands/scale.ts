import type { Command } from 'commander';
import type { Io } from '../program.js';
import {
  kindGroupOf,
  openSession,
  parseTypeNames,
  resourceClient,
  runAction,
  withGlobalFlags,
} from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { UsageError } from '../kube/errors.js';

/** The flags of `bosun scale`. */
export interface ScaleOptions extends GlobalOptions {
  replicas?: string;
  currentReplicas?: string;
}

function count(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`The ${flag} must be a non-negative integer`);
  return n;
}

/** Adds `bosun scale TYPE/NAME --replicas=N [--current-replicas=N]` (through the scale subresource). */
export function registerScale(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('scale')
      .description('set a new size for a deployment or replica set')
      .argument('<args...>', 'TYPE NAME... or TYPE/NAME...')
      .option('--replicas <n>', 'the new number of replicas')
      .option('--current-replicas <n>', 'precondition: the current number of replicas'),
  ).action(
    runAction(io, async (args: string[], opts: ScaleOptions) => {
      const replicas = count(opts.replicas, '--replicas');
      if (replicas === undefined) throw new UsageError('required flag(s) "replicas" not set');
      const current = count(opts.currentReplicas, '--current-replicas');
      const session = openSession(opts);
      for (const { resource, names } of parseTypeNames(args)) {
        if (names.length === 0) throw new UsageError('resource(s) were provided, but no name was specified');
        const rc = resourceClient(session, resource, session.namespace);
        for (const name of names) {
          if (current !== undefined) {
            const scale = await rc.getScale(name);
            const actual = scale.spec?.replicas ?? 0;
            if (actual !== current) {
              throw new UsageError(`Expected replicas to be ${current}, was ${actual}`);
            }
            await rc.updateScale(name, { ...scale, spec: { ...scale.spec, replicas } });
          } else {
            await rc.patchScale(name, { spec: { replicas } }, { type: 'merge' });
          }
          io.out(`${kindGroupOf(resource)}/${name} scaled\n`);
        }
      }
    }),
  );
}
