/**
 * The shared vocabulary of the SDK: object shapes, list and watch options, watch events, and
 * the interface every resource client implements. Informers, work queues, leader election and
 * the `bosun` verbs are written against these types.
 */

/** An object's metadata (metav1.ObjectMeta). */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

/** metav1.OwnerReference */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/** A list response. */
export interface ObjectList<T extends KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** What a list (and a watch) selects. */
export interface ListOptions {
  /** Label selector text: `app=web,tier in (a,b)`. */
  labelSelector?: string;
  /** Field selector text: `spec.nodeName=node-1`. */
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  /** Give up after this long (ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What a watch starts from and how it is kept. */
export interface WatchOptions extends Omit<ListOptions, 'limit' | 'continue'> {
  allowWatchBookmarks?: boolean;
  /** Ask the server to end each watch request after this many seconds (the watch then resumes). */
  timeoutSeconds?: number;
}

/** One watch event. BOOKMARK carries only metadata.resourceVersion. */
export type WatchEvent<T extends KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: KubeObject }
  /** The watch could not resume (410 Gone): the consumer must relist; a resumable watch handles this itself. */
  | { type: 'RELIST'; resourceVersion: string };

/** The list and watch half of a resource client: what informers need. */
export interface ListWatch<T extends KubeObject> {
  list(options?: ListOptions): Promise<ObjectList<T>>;
  /**
   * A raw watch from `options.resourceVersion`: yields events until the server ends the
   * stream (then the iteration ends) or `signal` aborts. On 410 Gone it throws an
   * {@link ApiStatusError}-like error with code 410.
   */
  watchOnce(options?: WatchOptions): AsyncIterable<WatchEvent<T>>;
}
