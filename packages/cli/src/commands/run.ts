import type { Command } from 'commander';
import { RESOURCES } from '@bosun/sdk';
import type { KubeObject } from '@bosun/sdk';
import type { Io } from '../program.js';
import { openSession, resourceClient, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { UsageError } from '../kube/errors.js';
import { collect, parseKeyValues, parseOutput } from '../kube/flags.js';
import { printObjects } from '../kube/output.js';
import type { AnyObject } from '../kube/output.js';
import { dryRunOf, dryRunSuffix } from '../kube/dry-run.js';

/** The flags of `bosun run`. */
export interface RunOptions extends GlobalOptions {
  image?: string;
  port?: string;
  labels?: string;
  env?: string[];
  restart?: string;
  dryRun?: string;
  output?: string;
  command?: boolean;
}

/** The Pod `bosun run NAME` creates, as kubectl run builds it. */
export function podFor(name: string, args: readonly string[], opts: RunOptions): AnyObject {
  if (opts.image === undefined || opts.image === '') throw new UsageError('--image is required');
  const restart = opts.restart ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw new UsageError(`invalid restart policy: ${restart}`);
  const container: Record<string, unknown> = { name, image: opts.image };
  if (args.length > 0) container[opts.command === true ? 'command' : 'args'] = [...args];
  if (opts.port !== undefined) {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid port: ${opts.port}`);
    container.ports = [{ containerPort: port }];
  }
  if (opts.env !== undefined && opts.env.length > 0) {
    container.env = opts.env.map((e) => {
      const eq = e.indexOf('=');
      if (eq <= 0) throw new UsageError(`invalid env: ${e}`);
      return { name: e.slice(0, eq), value: e.slice(eq + 1) };
    });
  }
  container.resources = {};
  const labels = opts.labels === undefined ? { run: name } : parseKeyValues(opts.labels);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [container], dnsPolicy: 'ClusterFirst', restartPolicy: restart },
    status: {},
  };
}

/** Adds `bosun run NAME --image=IMAGE [-- ARGS...]`. */
export function registerRun(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('run')
      .description('create and run a particular image in a pod')
      .argument('<name>', 'the pod name')
      .argument('[args...]', 'arguments (or with --command, the command) for the container')
      .option('--image <image>', 'the container image')
      .option('--port <port>', 'the port the container exposes')
      .option('-l, --labels <labels>', 'comma-separated labels (default run=NAME)')
      .option('--env <k=v>', 'an environment variable (repeatable)', collect)
      .option('--restart <policy>', 'Always, OnFailure or Never', 'Always')
      .option('--command', 'use the arguments as the command rather than args')
      .option('--dry-run <mode>', 'none, client or server')
      .option('-o, --output <format>', 'yaml, json or name'),
  ).action(
    runAction(io, async (name: string, args: string[], opts: RunOptions) => {
      const pod = podFor(name, args, opts);
      const dryRun = dryRunOf(opts.dryRun);
      const format = opts.output === undefined ? undefined : parseOutput(opts.output, ['yaml', 'json', 'name']);
      let result: AnyObject = pod;
      const session = openSession(opts);
      if (dryRun !== 'client') {
        result = (await resourceClient(session, RESOURCES.pods, session.namespace).create(
          pod as unknown as KubeObject,
          {
            dryRun: dryRun === 'server',
          },
        )) as unknown as AnyObject;
      }
      if (format !== undefined && format !== 'table' && format !== 'wide') {
        io.out(printObjects([{ apiVersion: 'v1', kind: 'Pod', ...result }], format, true));
        return;
      }
      io.out(`pod/${name} created${dryRunSuffix(dryRun)}\n`);
    }),
  );
}
