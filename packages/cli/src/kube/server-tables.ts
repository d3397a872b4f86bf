/** Table requests (list, one object, watch) made through the SDK's transport. */
import { ApiStatusError, collectionPath } from '@bosun/sdk';
import type { Client, ResourceDescriptor } from '@bosun/sdk';
import type { Table } from './table.js';

/** The Accept header kubectl sends for server-side printing. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** What a table request selects. */
export interface TableQuery {
  resource: ResourceDescriptor;
  /** Undefined: all namespaces (or cluster scope). */
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal?: AbortSignal;
}

function path(q: TableQuery): string {
  const base = collectionPath(q.resource, q.namespace);
  return q.name === undefined ? base : `${base}/${encodeURIComponent(q.name)}`;
}

/** GETs the Table of a list or of one object; error answers throw ApiStatusError. */
export async function fetchTable(client: Client, q: TableQuery): Promise<Table> {
  const res = await client.transport.request({
    method: 'GET',
    path: path(q),
    query: { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, includeObject: 'Metadata' },
    accept: TABLE_ACCEPT,
  });
  if (res.status >= 300) throw ApiStatusError.fromResponse(res.status, res.body);
  return JSON.parse(res.body.toString('utf8')) as Table;
}

/** One event of a Table watch: each event's object is a one-row Table. */
export interface TableWatchEvent {
  type: string;
  object: Table;
}

/** Watches a collection as Tables from `resourceVersion`, until the stream ends or `signal` aborts. */
export async function* watchTable(
  client: Client,
  q: TableQuery & { resourceVersion?: string },
): AsyncGenerator<TableWatchEvent> {
  const stream = await client.transport.stream({
    method: 'GET',
    path: collectionPath(q.resource, q.namespace),
    query: {
      watch: 1,
      resourceVersion: q.resourceVersion,
      labelSelector: q.labelSelector,
      fieldSelector: q.name === undefined ? q.fieldSelector : `metadata.name=${q.name}`,
      allowWatchBookmarks: false,
    },
    accept: TABLE_ACCEPT,
    ...(q.signal === undefined ? {} : { signal: q.signal }),
  });
  let buffer = '';
  try {
    for await (const chunk of stream) {
      buffer += (chunk as Buffer).toString('utf8');
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        if (line === '') continue;
        const event = JSON.parse(line) as { type: string; object: unknown };
        if (event.type === 'ERROR')
          throw new ApiStatusError(event.object as ConstructorParameters<typeof ApiStatusError>[0]);
        if (event.type === 'BOOKMARK') continue;
        yield event as TableWatchEvent;
      }
    }
  } catch (error) {
    if (q.signal?.aborted === true) return;
    throw error;
  } finally {
    stream.destroy();
  }
}
