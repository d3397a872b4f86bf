import type { Command } from 'commander';
import type { Io } from '../program.js';
import {
  kindGroupOf,
  openSession,
  parseOneTarget,
  resourceClient,
  runAction,
  withGlobalFlags,
} from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { setImagePatch } from '../kube/edits.js';
import { UsageError } from '../kube/errors.js';

/** Adds `bosun set image TYPE/NAME CONTAINER=IMAGE...` (a strategic merge patch of the containers). */
export function registerSet(program: Command, io: Io): void {
  const set = program.command('set').description('set specific features on objects');
  withGlobalFlags(
    set
      .command('image')
      .description("update the image of a pod or a workload's pod template")
      .argument('<args...>', 'TYPE NAME or TYPE/NAME, then CONTAINER=IMAGE...'),
  ).action(
    runAction(io, async (args: string[], opts: GlobalOptions) => {
      const assignments: Record<string, string> = {};
      const rest: string[] = [];
      for (const arg of args) {
        const eq = arg.indexOf('=');
        if (eq > 0) assignments[arg.slice(0, eq)] = arg.slice(eq + 1);
        else rest.push(arg);
      }
      if (Object.keys(assignments).length === 0) throw new UsageError('at least one image update is required');
      const target = parseOneTarget(rest);
      const session = openSession(opts);
      const rc = resourceClient(session, target.resource, session.namespace);
      const obj = await rc.get(target.name);
      const patch = setImagePatch({ kind: target.resource.kind, spec: (obj as { spec?: unknown }).spec }, assignments);
      await rc.patch(target.name, patch, { type: 'strategic' });
      io.out(`${kindGroupOf(target.resource)}/${target.name} image updated\n`);
    }),
  );
}
