/**
 * @bosun/sdk — the typed client for Bosun clusters.
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { SDK_VERSION } from './version.js';
export { RAFT_KV_VERSION } from '@bosun/raft-kv';

// The raft-kv client, for direct use of the store.
export { connect, KvClient } from '@bosun/raft-kv';
export type { KV, ConnectOptions } from '@bosun/raft-kv';

// The shared vocabulary.
export type {
  KubeObject,
  ListOptions,
  ListWatch,
  ObjectList,
  ObjectMeta,
  OwnerReference,
  WatchEvent,
  WatchOptions,
} from './types.js';

// The client.
export { Client, createClient } from './client.js';
export type { ClientOptions, Discovery, VersionInfo } from './client.js';
export { KubeconfigError, kubeconfigPaths, loadKubeconfig } from './kubeconfig.js';
export type { KubeconfigResult, LoadKubeconfigOptions } from './kubeconfig.js';
export { Transport, defaultSleep } from './transport.js';
export type { Query, RequestOptions, TransportOptions, TransportResponse } from './transport.js';
export {
  ApiStatusError,
  TransportError,
  isAlreadyExists,
  isConflict,
  isGone,
  isInvalid,
  isNotFound,
  isStatus,
} from './errors.js';
export type { Status, StatusCause, StatusDetails, TransportErrorCode } from './errors.js';
export { RESOURCES, apiVersionOf, collectionPath, resourceFor } from './resources.js';
export type { ResourceDescriptor, ResourceName } from './resources.js';
export { ResourceClient, TABLE_ACCEPT } from './resource-client.js';
export type {
  CreateOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  LogOptions,
  PatchOptions,
  PatchType,
  TableOptions,
  WriteOptions,
} from './resource-client.js';
export { ResumableWatch, parseWatchStream } from './watch.js';
export type { ResumableWatchOptions } from './watch.js';

// Object shapes.
export type {
  Binding,
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  Container,
  ContainerPort,
  ContainerState,
  ContainerStatus,
  Deployment,
  DeploymentCondition,
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Endpoints,
  EnvFromSource,
  EnvVar,
  Event,
  KeyToPath,
  LabelSelector,
  Lease,
  LeaseSpec,
  Namespace,
  Node,
  NodeCondition,
  ObjectReference,
  Pod,
  PodCondition,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  PolicyRule,
  Probe,
  Quantity,
  ReplicaSet,
  ReplicaSetSpec,
  ReplicaSetStatus,
  ResourceRequirements,
  Role,
  RoleBinding,
  RoleRef,
  Scale,
  Secret,
  Service,
  ServiceAccount,
  ServicePort,
  ServiceSpec,
  ServiceStatus,
  Subject,
  Table,
  TableColumnDefinition,
  TableRow,
  Taint,
  Toleration,
  Volume,
  VolumeMount,
} from './kinds.js';

// The controller toolkit: informers, a shared informer factory, a work queue, leader election.
export { FakeClock, realClock, sleep } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { Indexer, NAMESPACE_INDEX, objectKey } from './indexer.js';
export type { IndexFunc } from './indexer.js';
export { Informer } from './informer.js';
export type { BackoffOptions, EventHandler, InformerOptions, InformerState } from './informer.js';
export { SharedInformerFactory, informerKeyString } from './shared-informer-factory.js';
export type { InformerKey, SharedInformerFactoryOptions } from './shared-informer-factory.js';
export { WorkQueue } from './workqueue.js';
export type { QueueItem, WorkQueueOptions, WorkQueueState } from './workqueue.js';
export { LeaderElector, microTime } from './leader-election.js';
export type { LeaderCallbacks, LeaderElectionOptions, LeaderElectorState, LeaseStore } from './leader-election.js';
