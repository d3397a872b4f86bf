import type { Command } from 'commander';
import { RESOURCES } from '@bosun/sdk';
import type { Deployment, ReplicaSet } from '@bosun/sdk';
import type { Io } from '../program.js';
import { openSession, parseOneTarget, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions, Session } from '../kube/context.js';
import { UsageError } from '../kube/errors.js';
import { parseBool, parseDuration } from '../kube/flags.js';
import { deploymentRolloutStatus } from '../kube/rollout-status.js';
import { alignColumns } from '../kube/table.js';
import { pollUntil } from '../kube/wait.js';

/** The annotation a Deployment's ReplicaSets carry their revision in. */
export const REVISION = 'deployment.kubernetes.io/revision';
/** The annotation `rollout restart` sets on the pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

function deploymentTarget(args: string[]): string {
  const target = parseOneTarget(args);
  if (target.resource !== RESOURCES.deployments)
    throw new UsageError(`no rollout support for ${target.resource.plural}; only deployments`);
  return target.name;
}

/** The ReplicaSets a Deployment controls (matching labels and a controller reference to its UID), by revision. */
export async function revisionsOf(
  session: Session,
  deployment: Deployment,
): Promise<{ revision: number; rs: ReplicaSet }[]> {
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const list = await session.client
    .replicaSets(session.namespace)
    .list(selector === '' ? {} : { labelSelector: selector });
  return list.items
    .filter(
      (rs) =>
        rs.metadata.ownerReferences?.some((o) => o.controller === true && o.uid === deployment.metadata.uid) ?? false,
    )
    .map((rs) => ({ revision: Number(rs.metadata.annotations?.[REVISION] ?? '0'), rs }))
    .sort((a, b) => a.revision - b.revision);
}

/** Adds `bosun rollout status|history|undo|restart|pause|resume deployment/NAME`. */
export function registerRollout(program: Command, io: Io): void {
  const rollout = program.command('rollout').description('manage the rollout of a deployment');
  withGlobalFlags(
    rollout
      .command('status')
      .argument('<args...>', 'deployment/NAME')
      .option('--timeout <duration>', 'how long to wait (0: 10 minutes)', '0')
      .option('-w, --watch [bool]', 'watch until the rollout completes (default true)', parseBool, true),
  ).action(
    runAction(io, async (args: string[], opts: GlobalOptions & { timeout: string; watch: boolean }) => {
      const name = deploymentTarget(args);
      const session = openSession(opts);
      const rc = session.client.deployments(session.namespace);
      const timeoutMs = parseDuration(opts.timeout) || 600_000;
      let last = '';
      await pollUntil(
        async () => {
          const { message, done } = deploymentRolloutStatus(await rc.get(name));
          if (message !== last) io.out(`${message}\n`);
          last = message;
          return done || !opts.watch;
        },
        `deployment "${name}" rollout to finish`,
        { timeoutMs, intervalMs: 500 },
      );
    }),
  );
  withGlobalFlags(
    rollout
      .command('history')
      .argument('<args...>', 'deployment/NAME')
      .option('--revision <n>', 'show the pod template of one revision'),
  ).action(
    runAction(io, async (args: string[], opts: GlobalOptions & { revision?: string }) => {
      const name = deploymentTarget(args);
      const session = openSession(opts);
      const deployment = await session.client.deployments(session.namespace).get(name);
      const revisions = await revisionsOf(session, deployment);
      if (opts.revision !== undefined) {
        const found = revisions.find((r) => r.revision === Number(opts.revision));
        if (found === undefined) throw new UsageError(`unable to find the specified revision`);
        io.out(`deployment.apps/${name} with revision #${found.revision}\n`);
        io.out(`${JSON.stringify(found.rs.spec?.template ?? {}, null, 2)}\n`);
        return;
      }
      const lines = [
        ['REVISION', 'CHANGE-CAUSE'],
        ...revisions.map((r) => [
          String(r.revision),
          r.rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>',
        ]),
      ];
      io.out(`deployment.apps/${name} \n${alignColumns(lines, 2)}\n`);
    }),
  );
  withGlobalFlags(
    rollout
      .command('undo')
      .argument('<args...>', 'deployment/NAME')
      .option('--to-revision <n>', 'the revision to roll back to (default: the previous one)'),
  ).action(
    runAction(io, async (args: string[], opts: GlobalOptions & { toRevision?: string }) => {
      const name = deploymentTarget(args);
      const session = openSession(opts);
      const rc = session.client.deployments(session.namespace);
      const deployment = await rc.get(name);
      if (deployment.spec?.paused === true) {
        throw new UsageError(
          `you cannot rollback a paused deployment; resume it first with 'bosun rollout resume deployment/${name}' and try again`,
        );
      }
      const revisions = await revisionsOf(session, deployment);
      const wanted = Number(opts.toRevision ?? '0');
      const target = wanted === 0 ? revisions[revisions.length - 2] : revisions.find((r) => r.revision === wanted);
      if (target === undefined) {
        throw new UsageError(
          wanted === 0
            ? 'no rollout history found for deployment "' + name + '"'
            : `unable to find specified revision ${wanted} in history`,
        );
      }
      const template = structuredClone(target.rs.spec?.template ?? {});
      if (template.metadata?.labels !== undefined) delete template.metadata.labels['pod-template-hash'];
      if (JSON.stringify(template) === JSON.stringify(deployment.spec?.template ?? {})) {
        io.out(
          `deployment.apps/${name} skipped rollback (current template already matches revision ${target.revision})\n`,
        );
        return;
      }
      const annotations = { ...(deployment.metadata.annotations ?? {}) };
      const cause = target.rs.metadata.annotations?.['kubernetes.io/change-cause'];
      if (cause !== undefined) annotations['kubernetes.io/change-cause'] = cause;
      await rc.patch(
        name,
        [
          { op: 'replace', path: '/spec/template', value: template },
          { op: 'replace', path: '/metadata/annotations', value: annotations },
        ],
        { type: 'json' },
      );
      io.out(`deployment.apps/${name} rolled back\n`);
    }),
  );
  withGlobalFlags(rollout.command('restart').argument('<args...>', 'deployment/NAME')).action(
    runAction(io, async (args: string[], opts: GlobalOptions) => {
      const name = deploymentTarget(args);
      const session = openSession(opts);
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await session.client
        .deployments(session.namespace)
        .patch(
          name,
          { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: now } } } } },
          { type: 'strategic' },
        );
      io.out(`deployment.apps/${name} restarted\n`);
    }),
  );
  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    withGlobalFlags(rollout.command(verb).argument('<args...>', 'deployment/NAME')).action(
      runAction(io, async (args: string[], opts: GlobalOptions) => {
        const name = deploymentTarget(args);
        const session = openSession(opts);
        const rc = session.client.deployments(session.namespace);
        const deployment = await rc.get(name);
        if ((deployment.spec?.paused === true) === paused) {
          throw new UsageError(`deployments.apps "${name}" is ${paused ? 'already paused' : 'not paused'}`);
        }
        await rc.patch(name, { spec: { paused: paused ? true : null } }, { type: 'strategic' });
        io.out(`deployment.apps/${name} ${paused ? 'paused' : 'resumed'}\n`);
      }),
    );
  }
}
