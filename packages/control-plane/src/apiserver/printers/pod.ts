/**
 * The Pod printer: READY, the STATUS reason (the same precedence kube-apiserver applies: pod
 * phase and reason, scheduling gates, init containers, container states, deletion), RESTARTS with
 * the time of the last restart, and the wide IP/node/readiness-gate columns.
 */
import { isObject } from '../api/types.js';
import type { KubeObject } from '../api/types.js';
import { ageCell, formatAge, parseTimestamp } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, column, wideColumn } from './columns.js';
import { field, list, num, str } from './fields.js';
import type { TablePrinter } from './types.js';

/** The pod.status.reason the node lifecycle controller sets on pods of an unreachable node. */
const NODE_LOST_REASON = 'NodeLost';

type Row = Record<string, unknown>;

function conditionStatus(status: Row, type: string): string | undefined {
  const condition = list(status, 'conditions').find((c) => str(c, 'type') === type);
  return condition === undefined ? undefined : str(condition, 'status');
}

function isRestartableInit(container: Row | undefined): boolean {
  return container !== undefined && str(container, 'restartPolicy') === 'Always';
}

/** Tracks the restart count and the latest time a container last terminated. */
class Restarts {
  count = 0;
  last: number | undefined;

  add(containerStatus: Row): void {
    this.count += num(containerStatus, 'restartCount');
    const finished = parseTimestamp(str(field(field(containerStatus, 'lastState'), 'terminated'), 'finishedAt'));
    if (finished !== undefined && (this.last === undefined || finished > this.last)) this.last = finished;
  }
}

function terminatedReason(terminated: Row, prefix: string): string {
  const reason = str(terminated, 'reason');
  if (reason !== '') return prefix + reason;
  const signal = num(terminated, 'signal');
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${num(terminated, 'exitCode')}`;
}

/** The pod's READY, STATUS and RESTARTS cells at `now`. */
export function podSummary(pod: KubeObject, now: number): { ready: string; status: string; restarts: string } {
  const spec = field(pod, 'spec');
  const status = field(pod, 'status');
  const phase = str(status, 'phase');
  const initSpecs = list(spec, 'initContainers');
  const initByName = new Map(initSpecs.map((c) => [str(c, 'name'), c]));

  let reason = str(status, 'reason') || phase;
  for (const c of list(status, 'conditions')) {
    if (str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const total = list(spec, 'containers').length + initSpecs.filter(isRestartableInit).length;
  let ready = 0;
  const all = new Restarts();
  const sidecars = new Restarts();

  let initializing = false;
  const initStatuses = list(status, 'initContainerStatuses');
  for (const [i, cs] of initStatuses.entries()) {
    all.add(cs);
    const restartable = isRestartableInit(initByName.get(str(cs, 'name')));
    if (restartable) sidecars.add(cs);
    const state = field(cs, 'state');
    const terminated = isObject(state['terminated']) ? field(state, 'terminated') : undefined;
    const waiting = isObject(state['waiting']) ? field(state, 'waiting') : undefined;
    if (terminated !== undefined && num(terminated, 'exitCode') === 0) continue;
    if (restartable && cs['started'] === true) {
      if (cs['ready'] === true) ready++;
      continue;
    }
    if (terminated !== undefined) {
      reason = terminatedReason(terminated, 'Init:');
    } else if (waiting !== undefined && str(waiting, 'reason') !== '' && str(waiting, 'reason') !== 'PodInitializing') {
      reason = `Init:${str(waiting, 'reason')}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  let restarts = all;
  if (!initializing || conditionStatus(status, 'Initialized') === 'True') {
    restarts = sidecars;
    let hasRunning = false;
    const statuses = list(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] ?? {};
      restarts.add(cs);
      const state = field(cs, 'state');
      const waitingReason = str(field(state, 'waiting'), 'reason');
      if (waitingReason !== '') {
        reason = waitingReason;
      } else if (isObject(state['terminated'])) {
        reason = terminatedReason(field(state, 'terminated'), '');
      } else if (cs['ready'] === true && isObject(state['running'])) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionStatus(status, 'Ready') === 'True' ? 'Running' : 'NotReady';
    }
  }

  const deleting = typeof pod.metadata.deletionTimestamp === 'string' && pod.metadata.deletionTimestamp !== '';
  if (deleting && str(status, 'reason') === NODE_LOST_REASON) {
    reason = 'Unknown';
  } else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  const restartsCell =
    restarts.count !== 0 && restarts.last !== undefined
      ? `${restarts.count} (${formatAge(now - restarts.last)} ago)`
      : String(restarts.count);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsCell };
}

function readinessGatesCell(pod: KubeObject): string {
  const gates = list(field(pod, 'spec'), 'readinessGates');
  if (gates.length === 0) return '<none>';
  const status = field(pod, 'status');
  const passing = gates.filter((g) => conditionStatus(status, str(g, 'conditionType')) === 'True').length;
  return `${passing}/${gates.length}`;
}

/** How `kubectl get pods` prints a Pod. */
export const podPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready containers out of all containers (sidecars included).'),
    column('Status', 'string', 'A one-word summary of the pod and its containers.'),
    column('Restarts', 'string', 'Container restarts, and how long ago the last one was.'),
    AGE_COLUMN,
    wideColumn('IP', 'string', 'The first IP address assigned to the pod.'),
    wideColumn('Node', 'string', 'The node the pod is bound to.'),
    wideColumn('Nominated Node', 'string', 'The node where preemption made room for the pod.'),
    wideColumn('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates.'),
  ],
  cells(pod, now) {
    const { ready, status, restarts } = podSummary(pod, now);
    const spec = field(pod, 'spec');
    const podStatus = field(pod, 'status');
    const ip = str(list(podStatus, 'podIPs')[0], 'ip') || str(podStatus, 'podIP') || '<none>';
    return [
      pod.metadata.name ?? '',
      ready,
      status,
      restarts,
      ageCell(pod.metadata.creationTimestamp, now),
      ip,
      str(spec, 'nodeName') || '<none>',
      str(podStatus, 'nominatedNodeName') || '<none>',
      readinessGatesCell(pod),
    ];
  },
};
