/** `bosun kv compaction` and `bosun kv endpoint status|health`: etcdctl's maintenance verbs. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Command } from 'commander';
import type { ClientTls, StoreStatus } from '@bosun/raft-kv';
import type { Io } from '../../program.js';
import {
  addClientFlags,
  clientTls,
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

/** Asks `GET /health` of one endpoint within `timeoutMs` (over https with `tls`'s CA and client certificate). */
export async function checkHealth(endpoint: string, timeoutMs: number, tls: ClientTls = {}): Promise<EndpointHealth> {
  const started = performance.now();
  const took = () => `${Math.round(performance.now() - started)}ms`;
  try {
    const res = await getJson(healthUrl(endpoint), timeoutMs, tls);
    const body = res.body as { health?: string; reason?: string };
    if (res.status === 200 && body.health === 'true') return { endpoint, health: true, took: took() };
    return { endpoint, health: false, took: took(), error: body.reason ?? `HTTP ${res.status}` };
  } catch (e) {
    return { endpoint, health: false, took: took(), error: e instanceof Error ? e.message : String(e) };
  }
}

/** `GET url` within `timeoutMs`: the status and the body as JSON (`{}` if it is not JSON). */
function getJson(url: string, timeoutMs: number, tls: ClientTls): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const options = { timeout: timeoutMs, ...(url.startsWith('https:') ? tls : {}) };
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', reject);
      res.on('end', () => {
        let body: unknown = {};
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: judged by the status alone.
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new Error(oneLine(e), { cause: e })));
    req.end();
  });
}

/** An error's message on one line (OpenSSL's carry a one-line `reason`; their message spans lines). */
function oneLine(error: Error): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : (error.message.split('\n')[0] ?? '');
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
      const tls = clientTls(flags);
      const results = await Promise.all(parseEndpoints(flags.endpoints).map((url) => checkHealth(url, timeoutMs, tls)));
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
