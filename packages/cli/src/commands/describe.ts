import type { Command } from 'commander';
import { RESOURCES } from '@bosun/sdk';
import type { Io } from '../program.js';
import { openSession, parseTypeNames, resourceClient, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { describeEvents, describeObject } from '../kube/describe.js';
import type { EventLike } from '../kube/describe.js';
import { formatError, ReportedError } from '../kube/errors.js';
import { getObjects } from '../kube/objects.js';

/** The flags of `bosun describe`. */
export interface DescribeFlags extends GlobalOptions {
  selector?: string;
  allNamespaces?: boolean;
  showEvents?: boolean;
}

/** Adds `bosun describe TYPE [NAME...]` (with the related events). */
export function registerDescribe(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('describe')
      .description('show details of a resource or group of resources, with their events')
      .argument('<args...>', 'TYPE [NAME...] or TYPE/NAME...')
      .option('-l, --selector <selector>', 'label selector')
      .option('-A, --all-namespaces', 'across all namespaces')
      .option('--show-events', 'show the related events (default)', true)
      .option('--no-show-events', 'leave the events out'),
  ).action(
    runAction(io, async (args: string[], opts: DescribeFlags) => {
      const session = openSession(opts);
      let failed = false;
      let first = true;
      for (const target of parseTypeNames(args)) {
        const namespace = target.resource.namespaced && opts.allNamespaces !== true ? session.namespace : undefined;
        const result = await getObjects(session, {
          resource: target.resource,
          names: target.names,
          ...(namespace === undefined ? {} : { namespace }),
          ...(opts.selector === undefined ? {} : { labelSelector: opts.selector }),
        });
        for (const error of result.errors) io.err(`${formatError(error)}\n`);
        failed ||= result.errors.length > 0;
        if (result.objects.length === 0 && result.errors.length === 0) {
          io.err(namespace === undefined ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
        }
        for (const obj of result.objects) {
          if (!first) io.out('\n\n');
          first = false;
          let text = describeObject(obj, target.resource.namespaced);
          if (opts.showEvents !== false) {
            const meta = obj.metadata ?? {};
            const selector = [`involvedObject.name=${meta.name ?? ''}`, `involvedObject.kind=${obj.kind ?? ''}`];
            if (target.resource.namespaced)
              selector.push(`involvedObject.namespace=${(meta.namespace as string | undefined) ?? ''}`);
            if (typeof meta.uid === 'string') selector.push(`involvedObject.uid=${meta.uid}`);
            const events = await resourceClient(
              session,
              RESOURCES.events,
              target.resource.namespaced ? ((meta.namespace as string | undefined) ?? session.namespace) : undefined,
            ).list({
              fieldSelector: selector.join(','),
            });
            text += describeEvents(events.items as unknown as EventLike[], Date.now());
          }
          io.out(text);
        }
      }
      if (failed) throw new ReportedError(1);
    }),
  );
}
