/**
 * A shared informer factory, as client-go's: several controllers in one process ask for an
 * informer of the same resource (and namespace and selectors) and all get the same one, so the
 * process keeps one list + watch per resource.
 */
import type { Clock } from './clock.js';
import { Informer } from './informer.js';
import type { InformerOptions } from './informer.js';
import type { KubeObject, ListWatch } from './types.js';

/** What identifies a shared informer. */
export interface InformerKey {
  /** The resource, for example `v1/pods` or `apps/v1/deployments`. */
  resource: string;
  /** The namespace the list-watch is limited to; absent: all namespaces. */
  namespace?: string;
  /** Label selector (also passed to the list and the watch). */
  labelSelector?: string;
  /** Field selector (also passed to the list and the watch). */
  fieldSelector?: string;
}

/** Defaults for the informers a factory makes. */
export interface SharedInformerFactoryOptions {
  /** Default resync period (ms) of every informer. */
  resyncMs?: number;
  /** Time source for every informer. */
  clock?: Clock;
  /** Told about list/watch errors of every informer. */
  onError?(err: unknown): void;
}

/** The text form of an {@link InformerKey}: `resource|namespace|labels|fields`. */
export function informerKeyString(key: InformerKey): string {
  return [key.resource, key.namespace ?? '', key.labelSelector ?? '', key.fieldSelector ?? ''].join('|');
}

/** Makes and owns one informer per {@link InformerKey}. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly controller = new AbortController();
  private started = false;

  /** A factory whose informers share `options`. */
  constructor(private readonly options: SharedInformerFactoryOptions = {}) {}

  /**
   * The informer for `key`: made from `listWatch` (and `options`) on the first call, the same
   * object on every later call (their `listWatch` and `options` are then ignored). If the factory
   * is already started, a new informer starts at once.
   */
  informerFor<T extends KubeObject>(
    key: InformerKey,
    listWatch: ListWatch<T>,
    options: Omit<InformerOptions<T>, 'labelSelector' | 'fieldSelector'> = {},
  ): Informer<T> {
    const id = informerKeyString(key);
    const existing = this.informers.get(id);
    if (existing !== undefined) return existing as unknown as Informer<T>;
    const informer = new Informer<T>(listWatch, {
      ...(this.options.resyncMs !== undefined ? { resyncMs: this.options.resyncMs } : {}),
      ...(this.options.clock !== undefined ? { clock: this.options.clock } : {}),
      ...(this.options.onError !== undefined ? { onError: this.options.onError } : {}),
      ...options,
      ...(key.labelSelector !== undefined ? { labelSelector: key.labelSelector } : {}),
      ...(key.fieldSelector !== undefined ? { fieldSelector: key.fieldSelector } : {}),
    });
    this.informers.set(id, informer as unknown as Informer<KubeObject>);
    if (this.started) informer.start(this.controller.signal);
    return informer;
  }

  /** Starts every informer made so far (and, from now on, each new one). */
  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start(this.controller.signal);
  }

  /** Waits until every informer has synced; false if one stopped or `signal` aborted first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Stops every informer and waits for them to be idle. */
  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
