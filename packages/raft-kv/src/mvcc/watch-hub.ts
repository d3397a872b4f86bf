/**
 * The watch hub: fans each applied revision out to the watchers of its keys, and replays
 * history for watchers that start in the past. A watcher is either synced (indexed by its
 * span, fed by {@link WatchHub.publish}) or unsynced (reading the keyspace's change log from
 * `nextRevision`, one bounded chunk whenever its consumer has drained the previous one). It
 * joins the synced set the moment it has read the whole log, so nothing is missed or repeated.
 */
import { fromBinary } from './bytes.js';
import { MvccError } from './errors.js';
import type { KeyVersion, Keyspace } from './keyspace.js';
import { toKeyValue } from './range.js';
import type { KeyValue } from './types.js';
import { inSpan } from './validate.js';
import type { Span } from './validate.js';
import { BatchQueue, Watch, batchBytes, wake } from './watch.js';
import type { WatchDriver, WatchEndReason, WatchEvent, WatchFilter, WatcherState } from './watch.js';
import { WatcherIndex } from './watch-index.js';

/** Bounds of the hub. */
export interface WatchHubOptions {
  /** The most events a watcher may hold unconsumed; past it the watch ends (`slowConsumer`). */
  readonly maxBufferedEvents?: number;
  /** The most event bytes (estimated) a watcher may hold unconsumed. */
  readonly maxBufferedBytes?: number;
  /** How many events a replaying watcher reads from history at a time (whole revisions). */
  readonly replayBatchEvents?: number;
}

/** What a watch starts from and what it delivers. */
export interface WatchStart {
  /** The first revision to deliver; 0 or absent for the next one. */
  readonly startRevision?: number;
  readonly prevKv?: boolean;
  readonly filters?: readonly WatchFilter[];
  /** Receive the hub's periodic progress notifications while idle. */
  readonly progressNotify?: boolean;
}

const DEFAULTS: Required<WatchHubOptions> = {
  maxBufferedEvents: 10_000,
  maxBufferedBytes: 16 * 1024 * 1024,
  replayBatchEvents: 1_000,
};

const NO_BYTES: Uint8Array = new Uint8Array(0);

/** The watch hub of one store. */
export class WatchHub implements WatchDriver {
  private readonly synced = new WatcherIndex<WatcherState>();
  private readonly unsynced = new Set<WatcherState>();
  private readonly notifying = new Set<WatcherState>();
  private readonly options: Required<WatchHubOptions>;
  private nextId = 1;

  /** `history` returns the keyspace to replay from (a restore replaces it). */
  constructor(
    private readonly history: () => Keyspace,
    options: WatchHubOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The number of active watches. */
  get size(): number {
    return this.synced.size + this.unsynced.size;
  }

  /** Starts a watch on `span`; `compacted` if `startRevision` is below the compact revision. */
  watch(span: Span, start: WatchStart = {}): Watch {
    const ks = this.history();
    const from = start.startRevision ?? 0;
    if (from !== 0 && from < ks.compactRevision) {
      throw new MvccError('compacted', `watch from ${from}`, { compactRevision: ks.compactRevision });
    }
    const w: WatcherState = {
      id: this.nextId++,
      span,
      prevKv: start.prevKv === true,
      filters: new Set(start.filters ?? []),
      progressNotify: start.progressNotify === true,
      status: from !== 0 && from <= ks.revision ? 'unsynced' : 'synced',
      nextRevision: from === 0 ? ks.revision + 1 : from,
      queue: new BatchQueue(),
      bufferedEvents: 0,
      bufferedBytes: 0,
      progressRequested: false,
      end: undefined,
      waiters: [],
    };
    if (w.status === 'synced') this.synced.add(span, w);
    else this.unsynced.add(w);
    if (w.progressNotify) this.notifying.add(w);
    return new Watch(this, w);
  }

  /** Delivers the changes of `revision`, the revision just applied, to the synced watchers. */
  publish(revision: number): void {
    if (this.synced.size === 0) return;
    const ks = this.history();
    const batches = new Map<WatcherState, WatchEvent[]>();
    for (let i = ks.logIndex(revision); i < ks.logLength; i++) {
      const key = ks.logKey(i);
      const v = ks.logVersion(i);
      let plain: WatchEvent | undefined;
      let withPrev: WatchEvent | undefined;
      this.synced.forEachMatch(key, (w) => {
        if (revision < w.nextRevision || isFiltered(w, v)) return;
        const event = w.prevKv ? (withPrev ??= toEvent(key, v, true)) : (plain ??= toEvent(key, v, false));
        const events = batches.get(w);
        if (events === undefined) batches.set(w, [event]);
        else events.push(event);
      });
    }
    for (const [w, events] of batches) this.deliver(w, revision, events);
  }

  /** Sends a progress notification to every idle synced watcher that asked for them. */
  progress(): void {
    const revision = this.history().revision;
    for (const w of this.notifying) {
      if (w.status !== 'synced' || w.queue.length > 0) continue;
      w.queue.push({ type: 'progress', revision });
      wake(this, w);
    }
  }

  /** Before the keyspace is replaced: every watcher replays from where it stands. */
  detachAll(): void {
    const ks = this.history();
    const synced: WatcherState[] = [];
    for (const w of this.all()) if (w.status === 'synced') synced.push(w);
    for (const w of synced) {
      this.synced.remove(w.span, w);
      w.status = 'unsynced';
      w.nextRevision = Math.max(w.nextRevision, ks.revision + 1);
      this.unsynced.add(w);
    }
  }

  /** After the keyspace was replaced: lets waiting consumers catch up. */
  wakeAll(): void {
    for (const w of [...this.unsynced]) wake(this, w);
  }

  /** Ends every watch (`closed`). */
  close(): void {
    for (const w of this.all()) this.finish(w, 'closed', this.resumeRevision(w));
  }

  /** {@link WatchDriver}: reads the next chunk of history into an unsynced watcher's queue. */
  catchUp(w: WatcherState): void {
    const ks = this.history();
    if (w.nextRevision < ks.compactRevision) {
      this.finish(w, 'compacted', w.nextRevision);
      return;
    }
    let i = ks.logIndex(w.nextRevision);
    let queued = 0;
    while (i < ks.logLength && queued < this.options.replayBatchEvents) {
      const revision = ks.logVersion(i).modRevision;
      const events: WatchEvent[] = [];
      for (; i < ks.logLength && ks.logVersion(i).modRevision === revision; i++) {
        const key = ks.logKey(i);
        const v = ks.logVersion(i);
        if (inSpan(key, w.span) && !isFiltered(w, v)) events.push(toEvent(key, v, w.prevKv));
      }
      if (events.length > 0) this.enqueue(w, revision, events);
      queued += events.length;
      w.nextRevision = revision + 1;
    }
    if (i >= ks.logLength) this.markSynced(w, ks.revision);
  }

  /** {@link WatchDriver}: ends a watch. */
  end(w: WatcherState, reason: WatchEndReason): void {
    this.finish(w, reason, this.resumeRevision(w));
  }

  /** {@link WatchDriver}: queues a progress notification now, or once the watcher has caught up. */
  requestProgress(w: WatcherState): void {
    if (w.status === 'unsynced') {
      w.progressRequested = true;
      return;
    }
    w.queue.push({ type: 'progress', revision: this.history().revision });
    wake(this, w);
  }

  private markSynced(w: WatcherState, revision: number): void {
    this.unsynced.delete(w);
    w.status = 'synced';
    w.nextRevision = Math.max(w.nextRevision, revision + 1);
    this.synced.add(w.span, w);
    if (w.progressRequested) {
      w.progressRequested = false;
      w.queue.push({ type: 'progress', revision });
    }
  }

  /** Queues a live batch, or ends the watch if its consumer is too far behind. */
  private deliver(w: WatcherState, revision: number, events: WatchEvent[]): void {
    const bytes = batchBytes(events);
    const full =
      w.bufferedEvents + events.length > this.options.maxBufferedEvents ||
      w.bufferedBytes + bytes > this.options.maxBufferedBytes;
    // A batch larger than the bound still goes to an empty buffer, or the watch could never move on.
    if (full && w.bufferedEvents > 0) {
      this.finish(w, 'slowConsumer', revision);
      return;
    }
    this.enqueue(w, revision, events);
    wake(this, w);
  }

  private enqueue(w: WatcherState, revision: number, events: WatchEvent[]): void {
    w.queue.push({ type: 'events', revision, events });
    w.bufferedEvents += events.length;
    w.bufferedBytes += batchBytes(events);
  }

  private finish(w: WatcherState, reason: WatchEndReason, resumeRevision: number): void {
    if (w.status === 'ended') return;
    if (w.status === 'synced') this.synced.remove(w.span, w);
    else this.unsynced.delete(w);
    this.notifying.delete(w);
    w.status = 'ended';
    const compactRevision = this.history().compactRevision;
    w.end = reason === 'compacted' ? { reason, resumeRevision, compactRevision } : { reason, resumeRevision };
    if (reason === 'canceled') {
      w.queue.clear();
      w.bufferedEvents = 0;
      w.bufferedBytes = 0;
    } else w.queue.push({ type: 'end', ...w.end });
    wake(this, w);
  }

  /** The first revision not yet handed to the consumer (cancel drops what is queued). */
  private resumeRevision(w: WatcherState): number {
    const queued = w.queue.peekEvents();
    if (queued !== undefined) return queued;
    return w.status === 'synced' ? Math.max(w.nextRevision, this.history().revision + 1) : w.nextRevision;
  }

  private all(): WatcherState[] {
    const all = [...this.unsynced];
    this.synced.forEachWatcher((w) => all.push(w));
    return all;
  }
}

function isFiltered(w: WatcherState, v: KeyVersion): boolean {
  return w.filters.size > 0 && w.filters.has(v.version === 0 ? 'noDelete' : 'noPut');
}

/** The event of change `v` of `key`. */
function toEvent(key: string, v: KeyVersion, withPrev: boolean): WatchEvent {
  const kv: KeyValue =
    v.version === 0
      ? { key: fromBinary(key), createRevision: 0, modRevision: v.modRevision, version: 0, value: NO_BYTES, lease: 0 }
      : toKeyValue(key, v);
  const prev = v.prev;
  if (!withPrev || prev === undefined || prev.version === 0) return { type: v.version === 0 ? 'delete' : 'put', kv };
  return { type: v.version === 0 ? 'delete' : 'put', kv, prevKv: toKeyValue(key, prev) };
}
