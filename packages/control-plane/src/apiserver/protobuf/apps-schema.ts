/** Schema tables of k8s.io/api apps/v1 messages: Deployment and ReplicaSet. */
import type { MessageTable } from './schema.js';
import { always, bool, int32, int64, list, msg, ptr, str } from './schema.js';

/** apps/v1 messages by name. */
export const APPS_MESSAGES: MessageTable = {
  Deployment: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'DeploymentSpec'),
    3: msg('status', 'DeploymentStatus'),
  },
  DeploymentSpec: {
    1: ptr(int32('replicas')),
    2: msg('selector', 'LabelSelector'),
    3: msg('template', 'PodTemplateSpec'),
    4: msg('strategy', 'DeploymentStrategy'),
    5: int32('minReadySeconds'),
    6: ptr(int32('revisionHistoryLimit')),
    7: bool('paused'),
    9: ptr(int32('progressDeadlineSeconds')),
  },
  DeploymentStrategy: { 1: str('type'), 2: msg('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: { 1: msg('maxUnavailable', 'IntOrString'), 2: msg('maxSurge', 'IntOrString') },
  DeploymentStatus: {
    1: int64('observedGeneration'),
    2: int32('replicas'),
    3: int32('updatedReplicas'),
    7: int32('readyReplicas'),
    4: int32('availableReplicas'),
    5: int32('unavailableReplicas'),
    9: ptr(int32('terminatingReplicas')),
    6: list(msg('conditions', 'DeploymentCondition')),
    8: ptr(int32('collisionCount')),
  },
  DeploymentCondition: {
    1: always(str('type')),
    2: always(str('status')),
    6: msg('lastUpdateTime', 'Time'),
    7: msg('lastTransitionTime', 'Time'),
    4: str('reason'),
    5: str('message'),
  },
  ReplicaSet: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'ReplicaSetSpec'),
    3: msg('status', 'ReplicaSetStatus'),
  },
  ReplicaSetSpec: {
    1: ptr(int32('replicas')),
    4: int32('minReadySeconds'),
    2: msg('selector', 'LabelSelector'),
    3: msg('template', 'PodTemplateSpec'),
  },
  ReplicaSetStatus: {
    1: always(int32('replicas')),
    2: int32('fullyLabeledReplicas'),
    4: int32('readyReplicas'),
    5: int32('availableReplicas'),
    7: ptr(int32('terminatingReplicas')),
    3: int64('observedGeneration'),
    6: list(msg('conditions', 'ReplicaSetCondition')),
  },
  ReplicaSetCondition: {
    1: always(str('type')),
    2: always(str('status')),
    3: msg('lastTransitionTime', 'Time'),
    4: str('reason'),
    5: str('message'),
  },
};
