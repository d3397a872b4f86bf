import type { Command } from 'commander';
import { isNotFound, RESOURCES } from '@bosun/sdk';
import type { ResourceDescriptor } from '@bosun/sdk';
import type { Io } from '../program.js';
import { openSession, parseTypeNames, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions, Session } from '../kube/context.js';
import { formatError, ReportedError, UsageError } from '../kube/errors.js';
import { parseOutput } from '../kube/flags.js';
import type { OutputFormat } from '../kube/flags.js';
import { getObjects } from '../kube/objects.js';
import { kindGroup, printObjects } from '../kube/output.js';
import type { AnyObject } from '../kube/output.js';
import { fetchTable, watchTable } from '../kube/server-tables.js';
import { noResourcesMessage, printTable } from '../kube/table.js';
import type { Table, TableOptions } from '../kube/table.js';

/** The flags of `bosun get`. */
export interface GetOptions extends GlobalOptions {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  watch?: boolean;
  showLabels?: boolean;
  headers?: boolean;
}

/** What `get all` expands to (the kinds of the `all` category this API serves). */
export const ALL_CATEGORY: readonly ResourceDescriptor[] = [
  RESOURCES.pods,
  RESOURCES.services,
  RESOURCES.deployments,
  RESOURCES.replicaSets,
];

interface Target {
  resource: ResourceDescriptor;
  names: string[];
}

function targetsOf(args: readonly string[]): Target[] {
  if (args[0] === 'all') return ALL_CATEGORY.map((resource) => ({ resource, names: args.slice(1) }));
  return parseTypeNames(args);
}

/** Adds `bosun get`. */
export function registerGet(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('get')
      .description('display one or many resources')
      .argument('[args...]', 'TYPE[,TYPE...] [NAME...] or TYPE/NAME...')
      .option('-o, --output <format>', 'output format: wide, yaml, json or name')
      .option('-l, --selector <selector>', 'label selector to filter on')
      .option('--field-selector <selector>', 'field selector to filter on')
      .option('-A, --all-namespaces', 'list across all namespaces')
      .option('-w, --watch', 'after listing, watch for changes')
      .option('--show-labels', 'show all labels as the last column')
      .option('--no-headers', "don't print headers"),
  ).action(runAction(io, (args: string[], opts: GetOptions) => runGet(io, args, opts)));
}

/** Runs `bosun get` (exported for tests and for `describe`'s reuse of target parsing). */
export async function runGet(io: Io, args: readonly string[], opts: GetOptions): Promise<void> {
  if (args.length === 0) throw new UsageError('you must specify the type of resource to get');
  const format = parseOutput(opts.output);
  const session = openSession(opts);
  const targets = targetsOf(args);
  const failed =
    format === 'table' || format === 'wide'
      ? await printTables(io, session, targets, format, opts)
      : await printAsObjects(io, session, targets, format, opts);
  if (failed) throw new ReportedError(1);
}

function namespaceFor(session: Session, d: ResourceDescriptor, opts: GetOptions): string | undefined {
  return d.namespaced && opts.allNamespaces !== true ? session.namespace : undefined;
}

async function printTables(
  io: Io,
  session: Session,
  targets: Target[],
  format: OutputFormat,
  opts: GetOptions,
): Promise<boolean> {
  let failed = false;
  let printed = false;
  const multiKind = targets.length > 1;
  let watchFrom: { target: Target; resourceVersion?: string; tableOptions: TableOptions } | undefined;
  for (const target of targets) {
    const d = target.resource;
    const namespace = namespaceFor(session, d, opts);
    const tables: Table[] = [];
    const query = {
      resource: d,
      ...(namespace === undefined ? {} : { namespace }),
      ...(opts.selector === undefined ? {} : { labelSelector: opts.selector }),
      ...(opts.fieldSelector === undefined ? {} : { fieldSelector: opts.fieldSelector }),
    };
    if (target.names.length === 0) tables.push(await fetchTable(session.client, query));
    for (const name of target.names) {
      try {
        tables.push(await fetchTable(session.client, { ...query, name }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        io.err(`${formatError(error)}\n`);
        failed = true;
      }
    }
    const first = tables[0];
    const tableOptions: TableOptions = {
      wide: format === 'wide',
      withNamespace: opts.allNamespaces === true && d.namespaced,
      showLabels: opts.showLabels === true,
      noHeaders: opts.headers === false,
      ...(multiKind
        ? { namePrefix: kindGroup({ kind: d.kind, apiVersion: d.group === '' ? d.version : `${d.group}/` }) }
        : {}),
    };
    watchFrom = {
      target,
      ...(first?.metadata?.resourceVersion === undefined ? {} : { resourceVersion: first.metadata.resourceVersion }),
      tableOptions,
    };
    if (first === undefined) continue;
    const merged: Table = { ...first, rows: tables.flatMap((t) => t.rows) };
    if (merged.rows.length === 0) continue;
    if (printed) io.out('\n');
    io.out(printTable(merged, tableOptions));
    printed = true;
  }
  if (!printed && !failed && targets.every((t) => t.names.length === 0)) {
    const d = targets[0]?.resource;
    const scoped = d !== undefined && d.namespaced && opts.allNamespaces !== true;
    io.err(noResourcesMessage(scoped ? session.namespace : undefined));
  }
  if (opts.watch === true) {
    if (targets.length !== 1 || watchFrom === undefined)
      throw new UsageError('you may only specify a single resource type when watching');
    await watchRows(io, session, watchFrom, printed, opts);
  }
  return failed;
}

async function watchRows(
  io: Io,
  session: Session,
  from: { target: Target; resourceVersion?: string; tableOptions: TableOptions },
  headerPrinted: boolean,
  opts: GetOptions,
): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const d = from.target.resource;
    const namespace = namespaceFor(session, d, opts);
    let header = !headerPrinted && opts.headers !== false;
    for await (const event of watchTable(session.client, {
      resource: d,
      ...(namespace === undefined ? {} : { namespace }),
      ...(from.target.names[0] === undefined ? {} : { name: from.target.names[0] }),
      ...(opts.selector === undefined ? {} : { labelSelector: opts.selector }),
      ...(opts.fieldSelector === undefined ? {} : { fieldSelector: opts.fieldSelector }),
      ...(from.resourceVersion === undefined ? {} : { resourceVersion: from.resourceVersion }),
      signal: controller.signal,
    })) {
      io.out(printTable(event.object, { ...from.tableOptions, noHeaders: !header }));
      header = false;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function printAsObjects(
  io: Io,
  session: Session,
  targets: Target[],
  format: OutputFormat,
  opts: GetOptions,
): Promise<boolean> {
  let failed = false;
  const objects: AnyObject[] = [];
  for (const target of targets) {
    const namespace = namespaceFor(session, target.resource, opts);
    const result = await getObjects(session, {
      resource: target.resource,
      names: target.names,
      ...(namespace === undefined ? {} : { namespace }),
      ...(opts.selector === undefined ? {} : { labelSelector: opts.selector }),
      ...(opts.fieldSelector === undefined ? {} : { fieldSelector: opts.fieldSelector }),
    });
    objects.push(...result.objects);
    for (const error of result.errors) io.err(`${formatError(error)}\n`);
    failed ||= result.errors.length > 0;
  }
  const single = targets.length === 1 && targets[0]?.names.length === 1;
  if (objects.length === 0 && format === 'name') {
    if (!failed) io.err(noResourcesMessage(opts.allNamespaces === true ? undefined : session.namespace));
    return failed;
  }
  if (single && objects.length === 0) return failed;
  io.out(printObjects(objects, format as 'yaml' | 'json' | 'name', single));
  return failed;
}
