/** kubectl's rollout status messages for a Deployment (DeploymentStatusViewer), as a pure function. */

/** The fields of a Deployment the status viewer reads. */
export interface DeploymentLike {
  metadata: { name?: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: { type?: string; reason?: string }[];
  };
}

/** The message to print and whether the rollout is complete; throws when the progress deadline was exceeded. */
export function deploymentRolloutStatus(d: DeploymentLike): { message: string; done: boolean } {
  const name = d.metadata.name ?? '';
  const status = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { message: 'Waiting for deployment spec update to be observed...', done: false };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    throw new Error(`deployment "${name}" exceeded its progress deadline`);
  const wanted = d.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < wanted) {
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`,
      done: false,
    };
  }
  if (replicas > updated) {
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
      done: false,
    };
  }
  if (available < updated) {
    return {
      message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
      done: false,
    };
  }
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}
