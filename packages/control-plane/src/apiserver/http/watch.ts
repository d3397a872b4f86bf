/**
 * Watch streams: chunked JSON lines of `{type, object}` over HTTP (headers flushed at once so
 * that clients see the stream open before the first event), or one message per event over a
 * WebSocket. A watch starts from the request's resourceVersion; one the cache no longer has
 * gets a single ERROR event with a 410 Expired Status. Bookmarks go to clients that allow them;
 * the stream ends cleanly after timeoutSeconds (clients watch again from their last version).
 */
import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { ApiError } from '../api/errors.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { groupVersion } from '../registry/definition.js';
import type { WatchCache } from '../watchcache/cache.js';
import type { CacheWatchEvent, CacheWatcher, WatcherFilter } from '../watchcache/watcher.js';
import type { Rendering } from './accept.js';
import type { ListQuery } from './query.js';
import { jsonOf } from './respond.js';
import { tableContentType, toTable } from './table.js';

/** Where watch events go: an HTTP response or a WebSocket. */
export interface WatchSink {
  /** Writes one event; resolves when the sink can take more. */
  write(line: string): Promise<void>;
  end(): void;
  /** Calls `fn` once when the client goes away. */
  onClose(fn: () => void): void;
}

/** How a watch is served. */
export interface WatchServeOptions {
  readonly now: () => number;
  /** How often clients that allow bookmarks get one (ms). */
  readonly bookmarkIntervalMs: number;
  /** The stream length when the client gives no timeoutSeconds (ms). */
  readonly defaultTimeoutMs: number;
  /** Called when the watch opens and closes (metrics). */
  readonly onOpen?: () => void;
  readonly onClose?: () => void;
}

/** A sink over a chunked HTTP response, whose headers it flushes at once. */
export function httpSink(res: ServerResponse, rendering: Rendering): WatchSink {
  res.writeHead(200, {
    'Content-Type': rendering.type === 'table' ? tableContentType(rendering.version) : 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  return {
    write(line) {
      if (res.destroyed) return Promise.resolve();
      if (res.write(line)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
    end() {
      if (!res.destroyed) res.end();
    },
    onClose(fn) {
      // Node fires the request's 'close' once the body is read; the response's fires on disconnect.
      res.on('close', fn);
    },
  };
}

/** A sink over a WebSocket: one text message per event. */
export function webSocketSink(ws: WebSocket): WatchSink {
  return {
    write(line) {
      return new Promise((resolve) => ws.send(line.trimEnd(), () => resolve()));
    },
    end() {
      ws.close(1000);
    },
    onClose(fn) {
      ws.on('close', fn);
    },
  };
}

/** The first revision a watch wants and whether it starts with the current state as ADDED events. */
function startOf(query: ListQuery): number {
  if (query.resourceVersion === '' || query.resourceVersion === '0') return 0;
  if (query.sendInitialEvents === true) return 0;
  return Number(query.resourceVersion);
}

/** Serves one watch until the client leaves, the timeout passes or the cache ends it. */
export async function serveWatch(
  sink: () => WatchSink,
  def: ResourceDefinition,
  query: ListQuery,
  filter: WatcherFilter,
  cache: WatchCache,
  rendering: Rendering,
  options: WatchServeOptions,
): Promise<void> {
  let watcher: CacheWatcher;
  try {
    const start = startOf(query);
    if (start === 0 && query.resourceVersion === '' && query.sendInitialEvents === false) {
      await cache.start();
      watcher = await cache.watch(filter, Math.max(cache.revision, 1));
    } else {
      watcher = await cache.watch(filter, start);
    }
  } catch (err) {
    if (err instanceof ApiError && (err.reason === 'Expired' || err.reason === 'Gone')) {
      const out = sink();
      await out.write(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
      out.end();
      return;
    }
    throw err;
  }
  const out = sink();
  options.onOpen?.();
  const timeoutMs = query.timeoutSeconds > 0 ? query.timeoutSeconds * 1000 : options.defaultTimeoutMs;
  const timeout = setTimeout(() => watcher.end('stopped'), timeoutMs);
  const bookmarks = query.allowWatchBookmarks
    ? setInterval(() => cache.bookmark(watcher), options.bookmarkIntervalMs)
    : undefined;
  out.onClose(() => watcher.end('stopped'));
  const gv = groupVersion(def);
  let initialPending = query.sendInitialEvents === true && query.allowWatchBookmarks;
  try {
    for await (const event of watcher) {
      if (event.type === 'BOOKMARK' && !query.allowWatchBookmarks) continue;
      await out.write(`${render(def, gv, event, rendering, options.now())}\n`);
      if (initialPending && watcher.backlog === 0) {
        initialPending = false;
        const end = {
          kind: def.kind,
          apiVersion: gv,
          metadata: {
            resourceVersion: String(watcher.lastRevision),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        };
        await out.write(`${JSON.stringify({ type: 'BOOKMARK', object: end })}\n`);
      }
    }
  } finally {
    clearTimeout(timeout);
    if (bookmarks !== undefined) clearInterval(bookmarks);
    watcher.end('stopped');
    out.end();
    options.onClose?.();
  }
}

function render(
  def: ResourceDefinition,
  gv: string,
  event: CacheWatchEvent,
  rendering: Rendering,
  now: number,
): string {
  if (event.type === 'BOOKMARK') {
    return JSON.stringify({
      type: 'BOOKMARK',
      object: { kind: def.kind, apiVersion: gv, metadata: { resourceVersion: String(event.revision) } },
    });
  }
  if (rendering.type === 'table') {
    return JSON.stringify({
      type: event.type,
      object: toTable(def, [event.object], { version: rendering.version, include: 'Metadata', now }),
    });
  }
  return `{"type":"${event.type}","object":${jsonOf(event.object)}}`;
}
