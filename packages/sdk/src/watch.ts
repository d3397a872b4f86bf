/**
 * Watch streams: the parser of the API server's chunked JSON lines, and the resumable watch
 * that keeps a watch going across dropped connections, server restarts, failovers and 410 Gone.
 */
import type { IncomingMessage } from 'node:http';
import { ApiStatusError, isGone, isStatus } from './errors.js';
import { defaultSleep } from './transport.js';
import type { KubeObject, ListWatch, WatchEvent, WatchOptions } from './types.js';

/**
 * The events of one watch response, one JSON object per line. An ERROR event throws
 * {@link ApiStatusError} (code 410 for Expired/Gone). A dropped connection or an abort ends the
 * iteration quietly (the caller watches again from its last version).
 */
export async function* parseWatchStream<T extends KubeObject>(
  res: IncomingMessage,
  signal?: AbortSignal,
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  let buffered = '';
  res.setEncoding('utf8');
  try {
    for await (const chunk of res) {
      buffered += chunk as string;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (line !== '') yield parseEvent<T>(line);
      }
    }
    const rest = buffered.trim();
    if (rest !== '') yield parseEvent<T>(rest);
  } catch (err) {
    if (err instanceof ApiStatusError) throw err;
    if (signal?.aborted === true) return;
    // The connection dropped: end quietly, the caller resumes from its last version.
  } finally {
    res.destroy();
  }
}

function parseEvent<T extends KubeObject>(line: string): WatchEvent<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new ApiStatusError({
      code: 500,
      reason: 'InternalError',
      message: `malformed watch event: ${line.slice(0, 200)}`,
    });
  }
  const ev = parsed as { type?: unknown; object?: unknown };
  if (ev.type === 'ERROR') {
    if (isStatus(ev.object)) throw new ApiStatusError(ev.object);
    throw new ApiStatusError({
      code: 500,
      reason: 'InternalError',
      message: `watch ERROR event: ${line.slice(0, 200)}`,
    });
  }
  if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') {
    return { type: ev.type, object: ev.object as T };
  }
  if (ev.type === 'BOOKMARK') return { type: 'BOOKMARK', object: ev.object as KubeObject };
  throw new ApiStatusError({
    code: 500,
    reason: 'InternalError',
    message: `unknown watch event type ${String(ev.type)}`,
  });
}

/** How a resumable watch starts and recovers. */
export interface ResumableWatchOptions extends WatchOptions {
  /** Back-off between attempts after a failure (ms): initial, doubling up to max. Default 200 and 5000. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Injected for tests: waits `ms`, rejecting when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Known {
  name: string;
  namespace: string | undefined;
  resourceVersion: string;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** Compares numeric resourceVersions; undefined when either is not a number. */
function compareVersions(a: string, b: string): number | undefined {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A watch that does not end until its signal aborts or `return()` is called.
 *
 * Start: from `options.resourceVersion` when given (events after it); otherwise it lists first
 * and yields ADDED for every current object, then watches from the list's version.
 * It always asks for bookmarks and remembers the last version seen (events and BOOKMARKs, which
 * it also yields). When a stream ends or its connection drops it watches again from there after
 * a back-off (the transport fails over between servers). On 410 Gone it relists and yields
 * `{ type: 'RELIST', resourceVersion }` followed by the events that bring a consumer from what
 * it was told to the new list: ADDED for new objects, MODIFIED for changed versions, DELETED for
 * objects gone (those DELETED objects carry only name, namespace and the list's version).
 * It never yields an event twice for the same (object, resourceVersion).
 */
export class ResumableWatch<T extends KubeObject> implements AsyncIterable<WatchEvent<T>> {
  private readonly controller = new AbortController();
  private readonly known = new Map<string, Known>();
  private lastVersion: string | undefined;

  constructor(
    private readonly source: ListWatch<T>,
    private readonly options: ResumableWatchOptions = {},
  ) {
    const outer = options.signal;
    if (outer !== undefined) {
      if (outer.aborted) this.controller.abort(outer.reason);
      else outer.addEventListener('abort', () => this.controller.abort(outer.reason), { once: true });
    }
    if (options.resourceVersion !== undefined && options.resourceVersion !== '') {
      this.lastVersion = options.resourceVersion;
    }
  }

  /** The last resourceVersion seen (from an event, a bookmark or a list). */
  get resourceVersion(): string | undefined {
    return this.lastVersion;
  }

  /** Stops the watch: the iteration ends. */
  stop(): void {
    this.controller.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    const inner = this.run();
    return {
      next: () => inner.next(),
      return: async () => {
        this.controller.abort();
        await inner.return(undefined);
        return { done: true, value: undefined };
      },
    };
  }

  private async *run(): AsyncGenerator<WatchEvent<T>, void, undefined> {
    const signal = this.controller.signal;
    const sleep = this.options.sleep ?? defaultSleep;
    const initial = this.options.backoff?.initialMs ?? 200;
    const max = this.options.backoff?.maxMs ?? 5_000;
    let failures = 0;
    let needList: 'initial' | 'relist' | undefined = this.lastVersion === undefined ? 'initial' : undefined;
    const pause = async (): Promise<boolean> => {
      const ms = Math.min(max, initial * 2 ** Math.min(failures, 20));
      failures++;
      try {
        await sleep(ms, signal);
        return !signal.aborted;
      } catch {
        return false;
      }
    };
    while (!signal.aborted) {
      if (needList !== undefined) {
        let events: WatchEvent<T>[];
        try {
          events = await this.relist(needList);
        } catch {
          if (signal.aborted || !(await pause())) return;
          continue;
        }
        needList = undefined;
        failures = 0;
        for (const ev of events) yield ev;
        continue;
      }
      let received = 0;
      try {
        const stream = this.source.watchOnce({
          ...this.watchOptions(),
          ...(this.lastVersion === undefined ? {} : { resourceVersion: this.lastVersion }),
          allowWatchBookmarks: true,
          signal,
        });
        for await (const ev of stream) {
          received++;
          failures = 0;
          const out = this.accept(ev);
          if (out !== undefined) yield out;
        }
      } catch (err) {
        if (signal.aborted) return;
        if (isGone(err)) {
          needList = 'relist';
          continue;
        }
        if (!(await pause())) return;
        continue;
      }
      // The stream ended: the server's timeout (watch again at once) or a drop (back off).
      if (received === 0 && !(await pause())) return;
    }
  }

  private watchOptions(): WatchOptions {
    const o: WatchOptions = {};
    if (this.options.labelSelector !== undefined) o.labelSelector = this.options.labelSelector;
    if (this.options.fieldSelector !== undefined) o.fieldSelector = this.options.fieldSelector;
    if (this.options.timeoutSeconds !== undefined) o.timeoutSeconds = this.options.timeoutSeconds;
    if (this.options.timeoutMs !== undefined) o.timeoutMs = this.options.timeoutMs;
    return o;
  }

  /** Records `ev` and returns it, or undefined when it was already delivered. */
  private accept(ev: WatchEvent<T>): WatchEvent<T> | undefined {
    if (ev.type === 'RELIST') return ev;
    const rv = ev.object.metadata.resourceVersion ?? '';
    if (ev.type === 'BOOKMARK') {
      if (rv === '' || (this.lastVersion !== undefined && compareVersions(rv, this.lastVersion) !== 1))
        return undefined;
      this.lastVersion = rv;
      return ev;
    }
    const key = keyOf(ev.object);
    if (this.lastVersion !== undefined && compareVersions(rv, this.lastVersion) !== undefined) {
      if ((compareVersions(rv, this.lastVersion) as number) <= 0) return undefined;
    }
    const before = this.known.get(key);
    if (ev.type === 'DELETED') {
      this.known.delete(key);
    } else {
      if (before?.resourceVersion === rv) return undefined;
      this.known.set(key, {
        name: ev.object.metadata.name ?? '',
        namespace: ev.object.metadata.namespace,
        resourceVersion: rv,
      });
    }
    if (rv !== '') this.lastVersion = rv;
    return ev;
  }

  /** Lists and returns the events that bring the consumer to the list (RELIST first unless initial). */
  private async relist(kind: 'initial' | 'relist'): Promise<WatchEvent<T>[]> {
    const list = await this.source.list({
      ...(this.options.labelSelector === undefined ? {} : { labelSelector: this.options.labelSelector }),
      ...(this.options.fieldSelector === undefined ? {} : { fieldSelector: this.options.fieldSelector }),
      signal: this.controller.signal,
    });
    const version = list.metadata.resourceVersion ?? '';
    const events: WatchEvent<T>[] = kind === 'relist' ? [{ type: 'RELIST', resourceVersion: version }] : [];
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      const rv = item.metadata.resourceVersion ?? '';
      const before = this.known.get(key);
      if (before === undefined) events.push({ type: 'ADDED', object: item });
      else if (before.resourceVersion !== rv) events.push({ type: 'MODIFIED', object: item });
      this.known.set(key, { name: item.metadata.name ?? '', namespace: item.metadata.namespace, resourceVersion: rv });
    }
    for (const [key, gone] of [...this.known]) {
      if (seen.has(key)) continue;
      this.known.delete(key);
      const metadata = {
        name: gone.name,
        resourceVersion: version,
        ...(gone.namespace === undefined ? {} : { namespace: gone.namespace }),
      };
      events.push({ type: 'DELETED', object: { metadata } as T });
    }
    if (version !== '') this.lastVersion = version;
    return events;
  }
}
