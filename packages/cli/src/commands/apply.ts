import type { Command } from 'commander';
import { isNotFound, resourceFor } from '@bosun/sdk';
import type { KubeObject } from '@bosun/sdk';
import type { Io } from '../program.js';
import { lastApplied, threeWayMergePatch, withLastApplied } from '../kube/apply-patch.js';
import type { JsonObject } from '../kube/apply-patch.js';
import { openSession, resourceClient, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions, Session } from '../kube/context.js';
import { dryRunOf, dryRunSuffix } from '../kube/dry-run.js';
import type { DryRun } from '../kube/dry-run.js';
import { formatError, ReportedError, UsageError } from '../kube/errors.js';
import { collect } from '../kube/flags.js';
import { loadManifests } from '../kube/manifests.js';
import { objectName } from '../kube/output.js';
import type { AnyObject } from '../kube/output.js';

/** The flags of `bosun apply`. */
export interface ApplyFlags extends GlobalOptions {
  filename?: string[];
  recursive?: boolean;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  dryRun?: string;
}

/** What apply did to one object (kubectl's words). */
export type ApplyResult = 'created' | 'configured' | 'unchanged' | 'serverside-applied';

/** The field manager of `--server-side` (kubectl's is `kubectl`; ours is `bosun`). */
export const FIELD_MANAGER = 'bosun';

/** Applies one manifest client-side (3-way strategic merge) or server-side. */
export async function applyOne(
  session: Session,
  manifest: AnyObject,
  opts: ApplyFlags & { dryRun?: string },
): Promise<ApplyResult> {
  const d = resourceFor(manifest.kind ?? '');
  if (d === undefined) throw new UsageError(`the server doesn't have a resource type "${manifest.kind ?? ''}"`);
  const name = manifest.metadata?.name;
  if (name === undefined || name === '')
    throw new UsageError('error when retrieving current configuration: resource name may not be empty');
  const manifestNs = manifest.metadata?.namespace as string | undefined;
  if (d.namespaced && session.explicitNamespace && manifestNs !== undefined && manifestNs !== session.namespace) {
    throw new UsageError(
      `the namespace from the provided object "${manifestNs}" does not match the namespace "${session.namespace}". You must pass '--namespace=${manifestNs}' to perform this operation.`,
    );
  }
  const rc = resourceClient(session, d, manifestNs ?? session.namespace);
  const dryRun: DryRun = dryRunOf(opts.dryRun);
  const write = {
    dryRun: dryRun === 'server',
    fieldManager: opts.fieldManager ?? (opts.serverSide === true ? FIELD_MANAGER : 'kubectl-client-side-apply'),
  };
  if (opts.serverSide === true) {
    if (dryRun !== 'client')
      await rc.patch(name, manifest, { type: 'apply', force: opts.forceConflicts === true, ...write });
    return 'serverside-applied';
  }
  const modified = withLastApplied(manifest as JsonObject);
  let current: JsonObject;
  try {
    current = (await rc.get(name)) as unknown as JsonObject;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    if (dryRun !== 'client') await rc.create(modified as unknown as KubeObject, write);
    return 'created';
  }
  const patch = threeWayMergePatch(lastApplied(current), modified, current);
  if (Object.keys(patch).length === 0) return 'unchanged';
  if (dryRun !== 'client') await rc.patch(name, patch, { type: 'strategic', ...write });
  return 'configured';
}

/** Adds `bosun apply -f (FILE|DIR|-) [--server-side [--force-conflicts]]`. */
export function registerApply(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('apply')
      .description('apply a configuration to resources by file name or stdin')
      .option('-f, --filename <path>', 'a file, directory or - (repeatable)', collect)
      .option('-R, --recursive', 'process the directory of -f recursively')
      .option('--server-side', 'apply on the server (field manager bosun)')
      .option('--force-conflicts', 'with --server-side: take fields other managers own')
      .option('--field-manager <name>', 'the field manager name')
      .option('--dry-run <mode>', 'none, client or server'),
  ).action(
    runAction(io, async (opts: ApplyFlags) => {
      if (opts.filename === undefined) throw new UsageError('must specify one of -f and -k');
      if (opts.forceConflicts === true && opts.serverSide !== true)
        throw new UsageError('--force-conflicts only works with --server-side');
      const manifests = await loadManifests(opts.filename, { recursive: opts.recursive === true });
      if (manifests.length === 0) throw new UsageError('no objects passed to apply');
      const session = openSession(opts);
      const suffix = dryRunSuffix(dryRunOf(opts.dryRun));
      let failed = false;
      for (const manifest of manifests) {
        try {
          const result = await applyOne(session, manifest, opts);
          io.out(`${objectName(manifest)} ${result}${suffix}\n`);
        } catch (error) {
          io.err(`${formatError(error)}\n`);
          failed = true;
        }
      }
      if (failed) throw new ReportedError(1);
    }),
  );
}
