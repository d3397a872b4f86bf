/**
 * The flags every verb shares (--kubeconfig, --context, -n/--namespace) and the client built
 * from them, plus the wrapper that turns a verb's errors into one printed line and exit 1.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createClient, resourceFor } from '@bosun/sdk';
import type { Client, KubeObject, ResourceClient, ResourceDescriptor } from '@bosun/sdk';
import type { Io } from '../program.js';
import { formatError, ReportedError, UsageError } from './errors.js';

/** The global flags, as commander parses them. */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/** Adds --kubeconfig, --context and -n/--namespace to a verb. */
export function withGlobalFlags(command: Command, namespaced = true): Command {
  command
    .option('--kubeconfig <path>', 'path to the kubeconfig file to use')
    .option('--context <name>', 'the kubeconfig context to use');
  if (namespaced) command.option('-n, --namespace <namespace>', 'the namespace for this request');
  return command;
}

/** A client for the flags' cluster and the namespace requests go to. */
export interface Session {
  client: Client;
  /** `-n`, else the context's namespace. */
  namespace: string;
  /** Whether -n was given explicitly. */
  explicitNamespace: boolean;
}

/** The clients a running action opened, closed when it ends (so that the process can exit). */
const openClients = new AsyncLocalStorage<Client[]>();

/**
 * The kubeconfig of `bosun up` (`$BOSUN_DATA_DIR/kubeconfig.yaml`, else
 * `~/.bosun/kubeconfig.yaml`) when the user has no other: no KUBECONFIG and no
 * ~/.kube/config. So `bosun get nodes` works right after `bosun up`, as the banner says.
 */
export function bosunUpKubeconfig(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string | undefined {
  if ((env.KUBECONFIG ?? '') !== '' || existsSync(join(home, '.kube', 'config'))) return undefined;
  const path = join(env.BOSUN_DATA_DIR ?? join(home, '.bosun'), 'kubeconfig.yaml');
  return existsSync(path) ? path : undefined;
}

/** Connects as the global flags say (the kubeconfig is read now; no request is made). */
export function openSession(options: GlobalOptions): Session {
  const kubeconfig = options.kubeconfig ?? bosunUpKubeconfig();
  const client = createClient({
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    ...(options.context === undefined ? {} : { context: options.context }),
  });
  openClients.getStore()?.push(client);
  return {
    client,
    namespace: options.namespace ?? client.namespace,
    explicitNamespace: options.namespace !== undefined,
  };
}

/** The descriptor for a resource name the user typed, or a usage error like kubectl's. */
export function requireResource(name: string): ResourceDescriptor {
  const d = resourceFor(name);
  if (d === undefined) throw new UsageError(`the server doesn't have a resource type "${name}"`);
  return d;
}

/** Splits `TYPE/NAME` (or a TYPE then NAME arguments) into a descriptor and names. */
export function parseTypeNames(args: readonly string[]): { resource: ResourceDescriptor; names: string[] }[] {
  if (args.length === 0) throw new UsageError('you must specify the type of resource');
  const first = args[0] ?? '';
  if (first.includes('/')) {
    return args.map((arg) => {
      const slash = arg.indexOf('/');
      if (slash === -1)
        throw new UsageError(
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'bosun get resource/<resource_name>' instead of 'bosun get resource resource/<resource_name>')`,
        );
      return { resource: requireResource(arg.slice(0, slash)), names: [arg.slice(slash + 1)] };
    });
  }
  return first.split(',').map((type) => ({ resource: requireResource(type), names: args.slice(1) }));
}

/**
 * Wraps a verb's action: any error prints as one line on stderr and ends the command with
 * exit code 1 (runCli does not print it again).
 */
export function runAction<A extends unknown[]>(
  io: Io,
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const clients: Client[] = [];
    try {
      await openClients.run(clients, () => action(...args));
    } catch (error) {
      if (error instanceof ReportedError) throw error;
      io.err(`${formatError(error)}\n`);
      throw new ReportedError(1);
    } finally {
      for (const client of clients) client.close();
    }
  };
}

export { UsageError };

/** A client for `d` in `namespace` (ignored for cluster-scoped resources; undefined: all namespaces). */
export function resourceClient(
  session: Session,
  d: ResourceDescriptor,
  namespace: string | undefined,
): ResourceClient<KubeObject> {
  return session.client.resource<KubeObject>(d, namespace ?? null);
}

/** One object named as `TYPE NAME` or `TYPE/NAME` (the first one or two arguments); the rest are returned. */
export function parseOneTarget(args: readonly string[]): {
  resource: ResourceDescriptor;
  name: string;
  rest: string[];
} {
  const first = args[0];
  if (first === undefined) throw new UsageError('you must specify the type of resource and its name');
  const slash = first.indexOf('/');
  if (slash !== -1)
    return { resource: requireResource(first.slice(0, slash)), name: first.slice(slash + 1), rest: args.slice(1) };
  const name = args[1];
  if (name === undefined) throw new UsageError(`you must specify the name of the ${first}`);
  return { resource: requireResource(first), name, rest: args.slice(2) };
}

/** The `kind.group` text of a descriptor (`pod`, `deployment.apps`) as kubectl prints it in messages. */
export function kindGroupOf(d: ResourceDescriptor): string {
  const kind = d.kind.toLowerCase();
  return d.group === '' ? kind : `${kind}.${d.group}`;
}
