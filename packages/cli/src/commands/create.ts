import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { resourceFor, RESOURCES } from '@bosun/sdk';
import type { KubeObject, ResourceDescriptor } from '@bosun/sdk';
import type { Io } from '../program.js';
import { kindGroupOf, openSession, resourceClient, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { dryRunOf, dryRunSuffix } from '../kube/dry-run.js';
import type { DryRun } from '../kube/dry-run.js';
import { UsageError } from '../kube/errors.js';
import { collect, parseOutput } from '../kube/flags.js';
import { loadManifests } from '../kube/manifests.js';
import { printObjects } from '../kube/output.js';
import type { AnyObject } from '../kube/output.js';

interface CreateFlags extends GlobalOptions {
  dryRun?: string;
  output?: string;
}

/** The flags of `bosun create deployment`. */
export interface CreateDeploymentOptions extends CreateFlags {
  image?: string[];
  replicas?: string;
  port?: string;
}

/** The container name kubectl derives from an image (`registry/ns/nginx:1.25` → `nginx`). */
export function containerNameOf(image: string): string {
  const last = image.split('/').pop() ?? image;
  return (last.split('@')[0] ?? last).split(':')[0]?.replace(/[^a-z0-9-]/g, '-') ?? 'container';
}

/** The Deployment `create deployment` builds, as kubectl does. */
export function deploymentFor(name: string, opts: CreateDeploymentOptions): AnyObject {
  const images = opts.image ?? [];
  if (images.length === 0) throw new UsageError('required flag(s) "image" not set');
  const replicas = Number(opts.replicas ?? '1');
  if (!Number.isInteger(replicas) || replicas < 0) throw new UsageError(`invalid replicas: ${opts.replicas ?? ''}`);
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && images.length > 1) throw new UsageError('cannot specify port with multiple images');
  const labels = { app: name };
  const containers = images.map((image) => ({
    name: containerNameOf(image),
    image,
    ...(port === undefined ? {} : { ports: [{ containerPort: port }] }),
    resources: {},
  }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: {},
      template: { metadata: { labels }, spec: { containers } },
    },
    status: {},
  };
}

/** Parses --from-literal and --from-file into a data map (values as text). */
export async function dataFrom(literals: readonly string[], files: readonly string[]): Promise<Record<string, Buffer>> {
  const data: Record<string, Buffer> = {};
  for (const literal of literals) {
    const eq = literal.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid literal source ${literal}, expected key=value`);
    data[literal.slice(0, eq)] = Buffer.from(literal.slice(eq + 1));
  }
  for (const spec of files) {
    const eq = spec.indexOf('=');
    const key = eq === -1 ? basename(spec) : spec.slice(0, eq);
    const path = eq === -1 ? spec : spec.slice(eq + 1);
    data[key] = await readFile(path);
  }
  return data;
}

async function create(io: Io, d: ResourceDescriptor, obj: AnyObject, opts: CreateFlags): Promise<void> {
  const dryRun: DryRun = dryRunOf(opts.dryRun);
  const session = openSession(opts);
  let result = obj;
  if (dryRun !== 'client') {
    const namespace = (obj.metadata?.namespace as string | undefined) ?? session.namespace;
    result = (await resourceClient(session, d, namespace).create(obj as unknown as KubeObject, {
      dryRun: dryRun === 'server',
    })) as unknown as AnyObject;
  }
  const format = opts.output === undefined ? undefined : parseOutput(opts.output, ['yaml', 'json', 'name']);
  if (format === 'yaml' || format === 'json' || format === 'name') {
    io.out(printObjects([{ ...result, apiVersion: obj.apiVersion, kind: obj.kind }], format, true));
    return;
  }
  io.out(`${kindGroupOf(d)}/${obj.metadata?.name ?? ''} created${dryRunSuffix(dryRun)}\n`);
}

function common(command: Command): Command {
  return withGlobalFlags(
    command.option('--dry-run <mode>', 'none, client or server').option('-o, --output <format>', 'yaml, json or name'),
  );
}

/** The options of a `create` subcommand merged with its parents' (commander parses shared flags at the parent). */
function all<O>(cmd: Command): O {
  return cmd.optsWithGlobals<O & object>();
}

/** Adds `bosun create -f | deployment | namespace | configmap | secret generic`. */
export function registerCreate(program: Command, io: Io): void {
  const cmd = common(
    program
      .command('create')
      .description('create a resource from a file or from stdin, or one of the subcommands')
      .option('-f, --filename <path>', 'a file, directory or - (repeatable)', collect),
  ).action(
    runAction(io, async (opts: CreateFlags & { filename?: string[] }) => {
      if (opts.filename === undefined) throw new UsageError('must specify one of -f and -k, or a subcommand');
      for (const obj of await loadManifests(opts.filename)) {
        const d = resourceFor(obj.kind ?? '');
        if (d === undefined) throw new UsageError(`the server doesn't have a resource type "${obj.kind ?? ''}"`);
        await create(io, d, obj, opts);
      }
    }),
  );
  cmd
    .command('deployment')
    .alias('deploy')
    .description('create a deployment with the specified name')
    .argument('<name>')
    .option('--image <image>', 'container image (repeatable)', collect)
    .option('-r, --replicas <n>', 'number of replicas', '1')
    .option('--port <port>', 'the port the container exposes')
    .action(
      runAction(io, (name: string, _o: unknown, cmd: Command) => {
        const opts = all<CreateDeploymentOptions>(cmd);
        return create(io, RESOURCES.deployments, deploymentFor(name, opts), opts);
      }),
    );
  cmd
    .command('namespace')
    .alias('ns')
    .description('create a namespace')
    .argument('<name>')
    .action(
      runAction(io, (name: string, _o: unknown, cmd: Command) =>
        create(
          io,
          RESOURCES.namespaces,
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: {}, status: {} },
          all<CreateFlags>(cmd),
        ),
      ),
    );
  cmd
    .command('configmap')
    .alias('cm')
    .description('create a configmap from literals or files')
    .argument('<name>')
    .option('--from-literal <k=v>', 'a key and literal value (repeatable)', collect)
    .option('--from-file <[key=]path>', 'a file (repeatable)', collect)
    .action(
      runAction(io, async (name: string, _o: unknown, cmd: Command) => {
        const opts = all<CreateFlags & { fromLiteral?: string[]; fromFile?: string[] }>(cmd);
        const data = await dataFrom(opts.fromLiteral ?? [], opts.fromFile ?? []);
        const text = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('utf8')]));
        await create(
          io,
          RESOURCES.configMaps,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: text },
          opts,
        );
      }),
    );
  const secret = cmd.command('secret').description('create a secret');
  secret
    .command('generic')
    .description('create a secret from literals or files')
    .argument('<name>')
    .option('--from-literal <k=v>', 'a key and literal value (repeatable)', collect)
    .option('--from-file <[key=]path>', 'a file (repeatable)', collect)
    .option('--type <type>', 'the secret type', 'Opaque')
    .action(
      runAction(io, async (name: string, _o: unknown, cmd: Command) => {
        const opts = all<CreateFlags & { fromLiteral?: string[]; fromFile?: string[]; type: string }>(cmd);
        const data = await dataFrom(opts.fromLiteral ?? [], opts.fromFile ?? []);
        const b64 = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')]));
        await create(
          io,
          RESOURCES.secrets,
          { apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: b64, type: opts.type },
          opts,
        );
      }),
    );
}
