import type { Command } from 'commander';
import { RESOURCES } from '@bosun/sdk';
import type { KubeObject } from '@bosun/sdk';
import type { Io } from '../program.js';
import { openSession, parseOneTarget, resourceClient, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { dryRunOf, dryRunSuffix } from '../kube/dry-run.js';
import { UsageError } from '../kube/errors.js';
import type { AnyObject } from '../kube/output.js';

/** The flags of `bosun expose`. */
export interface ExposeOptions extends GlobalOptions {
  port?: string;
  targetPort?: string;
  type?: string;
  name?: string;
  protocol?: string;
  dryRun?: string;
}

interface Exposed {
  kind: string;
  labels: Record<string, string>;
  selector: Record<string, string> | undefined;
  ports: number[];
}

/** What `expose` reads from a Pod or a Deployment: its selector and container ports. */
export function exposedOf(obj: AnyObject): Exposed {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const meta = obj.metadata ?? {};
  const labels = (meta.labels ?? {}) as Record<string, string>;
  const podSpec = (obj.kind === 'Pod' ? spec : ((spec.template as { spec?: unknown } | undefined)?.spec ?? {})) as {
    containers?: { ports?: { containerPort?: number }[] }[];
  };
  const ports = (podSpec.containers ?? [])
    .flatMap((c) => (c.ports ?? []).map((p) => p.containerPort ?? 0))
    .filter((p) => p > 0);
  const selector =
    obj.kind === 'Pod' ? labels : (spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return { kind: obj.kind ?? '', labels, selector, ports };
}

/** The Service `expose` creates for an object. */
export function serviceFor(name: string, exposed: Exposed, opts: ExposeOptions): AnyObject {
  if (exposed.selector === undefined || Object.keys(exposed.selector).length === 0) {
    throw new UsageError(
      `couldn't retrieve selectors via --selector flag or introspection: the ${exposed.kind.toLowerCase()} has no labels`,
    );
  }
  const port = opts.port === undefined ? exposed.ports[0] : Number(opts.port);
  if (port === undefined || !Number.isInteger(port)) {
    throw new UsageError("couldn't find port via --port flag or introspection");
  }
  const type = opts.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) throw new UsageError(`invalid service type: ${type}`);
  const target = opts.targetPort ?? String(port);
  const targetPort = /^\d+$/.test(target) ? Number(target) : target;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: exposed.labels },
    spec: { ports: [{ port, protocol: opts.protocol ?? 'TCP', targetPort }], selector: exposed.selector, type },
    status: { loadBalancer: {} },
  };
}

/** Adds `bosun expose (pod|deployment) NAME --port ...`. */
export function registerExpose(program: Command, io: Io): void {
  withGlobalFlags(
    program
      .command('expose')
      .description('expose a pod or a deployment as a new service')
      .argument('<args...>', 'TYPE NAME or TYPE/NAME')
      .option('--port <port>', 'the port the service serves on')
      .option('--target-port <port>', 'the container port (number or name) traffic goes to')
      .option('--type <type>', 'ClusterIP, NodePort or LoadBalancer')
      .option('--name <name>', 'the service name (default: the object name)')
      .option('--protocol <protocol>', 'TCP, UDP or SCTP')
      .option('--dry-run <mode>', 'none, client or server'),
  ).action(
    runAction(io, async (args: string[], opts: ExposeOptions) => {
      const target = parseOneTarget(args);
      if (
        target.resource !== RESOURCES.pods &&
        target.resource !== RESOURCES.deployments &&
        target.resource !== RESOURCES.replicaSets &&
        target.resource !== RESOURCES.services
      ) {
        throw new UsageError(`cannot expose a ${target.resource.kind}`);
      }
      const session = openSession(opts);
      const obj = (await resourceClient(session, target.resource, session.namespace).get(
        target.name,
      )) as unknown as AnyObject;
      const exposed = exposedOf({ ...obj, kind: target.resource.kind });
      const name = opts.name ?? target.name;
      const service = serviceFor(name, exposed, opts);
      const dryRun = dryRunOf(opts.dryRun);
      if (dryRun !== 'client') {
        await resourceClient(session, RESOURCES.services, session.namespace).create(service as unknown as KubeObject, {
          dryRun: dryRun === 'server',
        });
      }
      io.out(`service/${name} exposed${dryRunSuffix(dryRun)}\n`);
    }),
  );
}
