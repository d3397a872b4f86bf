/** `bosun kv compaction` and `bosun kv endpoint status|health`: etcdctl's maintenance verbs. */
import type { Command } from 'commander';
import type { StoreStatus } from '@bosun/raft-kv';
import type { Io } from '../../program.js';
import {
  addClientFlags,
  connectFlags,
  parseCount,
  parseEndpoints,
  toJson,
  withClient,
  writeOut,
  type ClientFlags,
} from './client-flags.js';

/** The `GET /health` URL of a client endpoint given as `http(s)://host:port`, `ws(s)://host:port/kv` or `host:port`. */
export function healthUrl(endpoint: string): string {
  const url = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  url.pathname = '/health';
  url.search = '';
  return url.toString();
}

/** What `endpoint health` found at one endpoint. */
export interface EndpointHealth {
  readonly endpoint: string;
  readonly health: boolean;
  readonly took: string;
  readonly error?: string;
}

/** Asks `GET /health` of one endpoint within `timeoutMs`. */
export async function checkHealth(endpoint: string, timeoutMs: number): Promise<EndpointHealth> {
  const started = performance.now();
  const took = () => `${Math.round(performance.now() - started)}ms`;
  try {
    const res = await fetch(healthUrl(endpoint), { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as { health?: string; reason?: string };
    if (res.ok && body.health === 'true') return { endpoint, health: true, took: took() };
    return { endpoint, health: false, took: took(), error: body.reason ?? `HTTP ${res.status}` };
  } catch (e) {
    const error = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    return { endpoint, health: false, took: took(), error };
  }
}

/** One line of `endpoint status`, as etcdctl's simple format has it. */
export function printStatus(endpoint: string, s: StoreStatus): string {
  return (
    `${endpoint}, ${s.memberId}, isLeader=${s.memberId === s.leader}, leader=${s.leader || '(none)'}, ` +
    `revision=${s.revision}, raftTerm=${s.raftTerm}, raftIndex=${s.raftIndex}, ` +
    `raftAppliedIndex=${s.raftAppliedIndex}, dbSize=${s.dbSize}` +
    (s.alarms.length > 0 ? `, alarms=${s.alarms.join(',')}` : '') +
    '\n'
  );
}

/** Adds `compaction` and the `endpoint` verb group to `kv`. */
export function registerMaintenance(kv: Command, io: Io): void {
  addClientFlags(
    kv.command('compaction').description('discard the history before revision REV').argument('<rev>'),
  ).action(async (rev: string, flags: ClientFlags) => {
    const format = writeOut(flags);
    const revision = parseCount('REV', rev);
    const resp = await withClient(flags, (client) => client.compact(revision));
    io.out(format === 'json' ? toJson(resp) : `compacted revision ${revision}\n`);
  });

  const endpoint = kv.command('endpoint').description('the status and health of each endpoint');

  addClientFlags(endpoint.command('status').description('print the status of each endpoint')).action(
    async (flags: ClientFlags) => {
      const format = writeOut(flags);
      const statuses: { endpoint: string; status: StoreStatus }[] = [];
      for (const url of parseEndpoints(flags.endpoints)) {
        try {
          const client = await connectFlags(flags, [url]);
          try {
            statuses.push({ endpoint: url, status: await client.status() });
          } finally {
            await client.close();
          }
        } catch (e) {
          throw new Error(`${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      if (format === 'json') io.out(toJson(statuses));
      else for (const { endpoint: url, status } of statuses) io.out(printStatus(url, status));
    },
  );

  addClientFlags(endpoint.command('health').description('check GET /health of each endpoint')).action(
    async (flags: ClientFlags) => {
      const format = writeOut(flags);
      const timeoutMs = parseCount('--command-timeout', flags.commandTimeout);
      const results = await Promise.all(parseEndpoints(flags.endpoints).map((url) => checkHealth(url, timeoutMs)));
      if (format === 'json') io.out(toJson(results));
      else {
        for (const r of results) {
          io.out(
            r.health ? `${r.endpoint} is healthy: took = ${r.took}\n` : `${r.endpoint} is unhealthy: ${r.error}\n`,
          );
        }
      }
      if (results.some((r) => !r.health)) throw new Error('unhealthy cluster');
    },
  );
}
