import type { Command } from 'commander';
import { isNotFound, resourceFor } from '@bosun/sdk';
import type { DeleteOptions, ResourceDescriptor } from '@bosun/sdk';
import type { Io } from '../program.js';
import {
  kindGroupOf,
  openSession,
  parseTypeNames,
  resourceClient,
  runAction,
  withGlobalFlags,
} from '../kube/context.js';
import type { GlobalOptions, Session } from '../kube/context.js';
import { formatError, ReportedError, UsageError } from '../kube/errors.js';
import { collect, parseBool, parseDuration } from '../kube/flags.js';
import { loadManifests } from '../kube/manifests.js';
import { pollUntil } from '../kube/wait.js';

/** The flags of `bosun delete`. */
export interface DeleteFlags extends GlobalOptions {
  filename?: string[];
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  gracePeriod?: string;
  now?: boolean;
  cascade?: string;
  wait?: boolean;
  timeout?: string;
  ignoreNotFound?: boolean;
}

/** The propagation policy of `--cascade` (kubectl's values, plus the old true/false). */
export function propagationOf(cascade: string | undefined): DeleteOptions['propagationPolicy'] {
  switch (cascade ?? 'background') {
    case 'background':
    case 'true':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'orphan':
    case 'false':
      return 'Orphan';
    default:
      throw new UsageError(
        `invalid cascade value (${cascade ?? ''}). Must be "background", "foreground", or "orphan".`,
      );
  }
}

interface Victim {
  resource: ResourceDescriptor;
  namespace: string | undefined;
  name: string;
}

async function victimsOf(session: Session, args: readonly string[], opts: DeleteFlags): Promise<Victim[]> {
  if (opts.filename !== undefined) {
    if (args.length > 0) throw new UsageError('when -f is given, resource arguments are not allowed');
    return (await loadManifests(opts.filename)).map((obj) => {
      const resource = resourceFor(obj.kind ?? '');
      if (resource === undefined) throw new UsageError(`the server doesn't have a resource type "${obj.kind ?? ''}"`);
      return {
        resource,
        namespace: (obj.metadata?.namespace as string | undefined) ?? session.namespace,
        name: obj.metadata?.name ?? '',
      };
    });
  }
  const victims: Victim[] = [];
  for (const { resource, names } of parseTypeNames(args)) {
    const namespace = opts.allNamespaces === true ? undefined : session.namespace;
    if (names.length > 0) {
      if (opts.all === true || opts.selector !== undefined)
        throw new UsageError('name cannot be provided when a selector or --all is specified');
      for (const name of names) victims.push({ resource, namespace, name });
      continue;
    }
    if (opts.all !== true && opts.selector === undefined) {
      throw new UsageError(`resource(s) were provided, but no name was specified`);
    }
    const list = await resourceClient(session, resource, namespace).list(
      opts.selector === undefined ? {} : { labelSelector: opts.selector },
    );
    for (const item of list.items) {
      victims.push({ resource, namespace: item.metadata.namespace ?? namespace, name: item.metadata.name ?? '' });
    }
  }
  return victims;
}

/** Adds `bosun delete (TYPE NAME... | TYPE/NAME | -f FILE | TYPE -l SEL | TYPE --all)`. */
export function registerDelete(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('delete')
      .description('delete resources by file names, stdin, resources and names, or by label selector')
      .argument('[args...]', 'TYPE NAME..., TYPE/NAME...')
      .option('-f, --filename <path>', 'a file, directory or - naming what to delete (repeatable)', collect)
      .option('-l, --selector <selector>', 'label selector')
      .option('--all', 'delete all resources of the type in the namespace')
      .option('-A, --all-namespaces', 'with -l or --all: across all namespaces')
      .option('--grace-period <seconds>', 'seconds given to the object to terminate gracefully')
      .option('--now', 'same as --grace-period=1')
      .option('--cascade <policy>', 'background, foreground or orphan', 'background')
      .option('--wait [bool]', 'wait for the objects to be gone (default true)', parseBool, true)
      .option('--timeout <duration>', 'how long to wait for the deletion', '60s')
      .option('--ignore-not-found', 'treat "not found" as a successful delete'),
  ).action(
    runAction(io, async (args: string[], opts: DeleteFlags) => {
      if (args.length === 0 && opts.filename === undefined) {
        throw new UsageError('You must provide one or more resources by argument or filename.');
      }
      const session = openSession(opts);
      const propagationPolicy = propagationOf(opts.cascade);
      const grace = opts.now === true ? 1 : opts.gracePeriod === undefined ? undefined : Number(opts.gracePeriod);
      if (grace !== undefined && !Number.isInteger(grace))
        throw new UsageError(`invalid grace period: ${opts.gracePeriod ?? ''}`);
      const timeoutMs = parseDuration(opts.timeout ?? '60s');
      const victims = await victimsOf(session, args, opts);
      if (victims.length === 0 && (opts.selector !== undefined || opts.all === true)) {
        io.err(
          opts.allNamespaces === true
            ? 'No resources found\n'
            : `No resources found in ${session.namespace} namespace.\n`,
        );
        return;
      }
      let failed = false;
      const deleted: Victim[] = [];
      for (const victim of victims) {
        try {
          await resourceClient(session, victim.resource, victim.namespace).delete(victim.name, {
            propagationPolicy,
            ...(grace === undefined ? {} : { gracePeriodSeconds: grace }),
          });
          io.out(`${kindGroupOf(victim.resource)} "${victim.name}" deleted\n`);
          deleted.push(victim);
        } catch (error) {
          if (isNotFound(error) && opts.ignoreNotFound === true) continue;
          io.err(`${formatError(error)}\n`);
          failed = true;
        }
      }
      if (opts.wait !== false) {
        for (const victim of deleted) {
          const rc = resourceClient(session, victim.resource, victim.namespace);
          const what = `${kindGroupOf(victim.resource)} "${victim.name}" to be deleted`;
          await pollUntil(
            async () => {
              try {
                await rc.get(victim.name);
                return false;
              } catch (error) {
                if (isNotFound(error)) return true;
                throw error;
              }
            },
            what,
            { timeoutMs, progress: (ms) => io.err(`waiting for ${what} (${Math.round(ms / 1000)}s)...\n`) },
          );
        }
      }
      if (failed) throw new ReportedError(1);
    }),
  );
}
