/** The shared body of `label` and `annotate`: a merge patch of metadata.labels or .annotations. */
import type { Command } from 'commander';
import type { Io } from '../program.js';
import { openSession, parseTypeNames, resourceClient, runAction, withGlobalFlags } from './context.js';
import type { GlobalOptions } from './context.js';
import { UsageError } from './errors.js';
import { keyChangesPatch, splitChanges } from './edits.js';
import { withTypeMeta } from './objects.js';
import { objectName } from './output.js';

interface MetadataFlags extends GlobalOptions {
  overwrite?: boolean;
  selector?: string;
  all?: boolean;
}

/** Adds `bosun label` or `bosun annotate` (TYPE NAME... | TYPE/NAME) k=v... k-... [--overwrite]. */
export function registerMetadataVerb(program: Command, io: Io, verb: 'label' | 'annotate'): void {
  const field = verb === 'label' ? 'labels' : 'annotations';
  const past = verb === 'label' ? 'labeled' : 'annotated';
  withGlobalFlags(
    program
      .command(verb)
      .description(verb === 'label' ? 'update the labels on a resource' : 'update the annotations on a resource')
      .argument('<args...>', 'TYPE NAME... or TYPE/NAME..., then KEY=VALUE... and KEY-...')
      .option('--overwrite', 'allow changing existing values')
      .option('-l, --selector <selector>', 'label selector')
      .option('--all', 'every object of the type in the namespace'),
  ).action(
    runAction(io, async (args: string[], opts: MetadataFlags) => {
      const { resourceArgs, changes } = splitChanges(args);
      if (Object.keys(changes.set).length === 0 && changes.remove.length === 0) {
        throw new UsageError(`at least one ${verb === 'label' ? 'label' : 'annotation'} update is required`);
      }
      const session = openSession(opts);
      for (const { resource, names } of parseTypeNames(resourceArgs)) {
        const rc = resourceClient(session, resource, session.namespace);
        let targets = names;
        if (targets.length === 0) {
          if (opts.all !== true && opts.selector === undefined)
            throw new UsageError('resource(s) were provided, but no name was specified');
          const list = await rc.list(opts.selector === undefined ? {} : { labelSelector: opts.selector });
          targets = list.items.map((i) => i.metadata.name ?? '');
        }
        for (const name of targets) {
          const obj = await rc.get(name);
          const patch = keyChangesPatch(field, obj.metadata[field], changes, opts.overwrite === true);
          const label = objectName(withTypeMeta(resource, obj));
          if (patch === undefined) {
            io.out(`${label} not ${past}\n`);
            continue;
          }
          await rc.patch(name, patch, { type: 'merge' });
          io.out(`${label} ${past}\n`);
        }
      }
    }),
  );
}
