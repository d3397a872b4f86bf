/**
 * What every client verb of `bosun kv` shares: the `--endpoints`, `--write-out`, `--token`,
 * `--command-timeout` and TLS (`--cacert`, `--cert`, `--key`) flags, a client opened and
 * closed around the verb, and the helpers that turn bytes, lease ids and numbers into text and back.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { connect, type ClientTls, type KvClient } from '@bosun/raft-kv';

/** Where clients connect when `--endpoints` is absent (etcd's default client port). */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:2379';

/** How a client verb prints its result: etcdctl's `simple` text or `json`. */
export type WriteOut = 'simple' | 'json';

/** The flags {@link addClientFlags} adds, as commander parses them. */
export interface ClientFlags {
  readonly endpoints: string;
  readonly writeOut: string;
  readonly commandTimeout: string;
  readonly token?: string;
  readonly cacert?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** Adds the shared client flags to a verb. */
export function addClientFlags(cmd: Command): Command {
  return cmd
    .option('--endpoints <urls>', 'comma-separated member client URLs', DEFAULT_ENDPOINT)
    .option('-w, --write-out <format>', 'output format: simple or json', 'simple')
    .option('--command-timeout <ms>', 'deadline of each request in milliseconds, retries included', '5000')
    .option('--token <token>', 'bearer token for members started with --client-token')
    .option('--cacert <file>', "verify the members' TLS certificates with this CA (PEM) on https:// endpoints")
    .option('--cert <file>', 'client certificate (PEM) for members started with --client-cert-auth')
    .option('--key <file>', 'the private key (PEM) of --cert');
}

/** The contents of the file a flag names, or a readable error naming the flag. */
export function readFlagFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new Error(`${flag}: cannot read ${file} (${reason})`, { cause: e });
  }
}

/** The client TLS of `--cacert`, `--cert` and `--key`, or undefined when none is given. */
export function clientTls(flags: Pick<ClientFlags, 'cacert' | 'cert' | 'key'>): ClientTls | undefined {
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new Error('--cert and --key go together');
  if (flags.cacert === undefined && flags.cert === undefined) return undefined;
  return {
    ...(flags.cacert !== undefined ? { ca: readFlagFile('--cacert', flags.cacert) } : {}),
    ...(flags.cert !== undefined ? { cert: readFlagFile('--cert', flags.cert) } : {}),
    ...(flags.key !== undefined ? { key: readFlagFile('--key', flags.key) } : {}),
  };
}

/** The endpoints of `--endpoints`, in order, without blanks. */
export function parseEndpoints(value: string): string[] {
  const endpoints = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (endpoints.length === 0) throw new Error('--endpoints: no endpoint given');
  return endpoints;
}

/** The checked `--write-out` format. */
export function writeOut(flags: Pick<ClientFlags, 'writeOut'>): WriteOut {
  if (flags.writeOut === 'simple' || flags.writeOut === 'json') return flags.writeOut;
  throw new Error(`unknown output format "${flags.writeOut}" (expected simple or json)`);
}

/** A non-negative integer argument, or a readable error naming it. */
export function parseCount(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new Error(`${name}: expected a non-negative integer, got "${value}"`);
  }
  return n;
}

/** A lease id as etcdctl writes it: hexadecimal. */
export function formatLeaseId(id: number): string {
  return id.toString(16);
}

/** A lease id as etcdctl reads it: hexadecimal, with or without `0x`. */
export function parseLeaseId(value: string): number {
  const hex = value.trim().replace(/^0x/i, '');
  const id = parseInt(hex, 16);
  if (!/^[0-9a-f]+$/i.test(hex) || !Number.isSafeInteger(id) || id <= 0) {
    throw new Error(`bad lease ID "${value}" (expected a positive hexadecimal number)`);
  }
  return id;
}

const decoder = new TextDecoder();

/** Bytes as text (UTF-8). */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** `value` with every byte array (keys, values) replaced by its UTF-8 text, for JSON output. */
export function bytesToText(value: unknown): unknown {
  if (value instanceof Uint8Array) return text(value);
  if (Array.isArray(value)) return value.map(bytesToText);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bytesToText(v)]));
  }
  return value;
}

/** A response as JSON (indented unless `compact`), keys and values as UTF-8 strings. */
export function toJson(value: unknown, compact = false): string {
  return `${JSON.stringify(bytesToText(value), undefined, compact ? undefined : 2)}\n`;
}

/** Connects a client to `flags.endpoints`, runs `fn` and closes the client whatever happens. */
export async function withClient<T>(flags: ClientFlags, fn: (kv: KvClient) => Promise<T>): Promise<T> {
  const kv = await connectFlags(flags, parseEndpoints(flags.endpoints));
  try {
    return await fn(kv);
  } finally {
    await kv.close();
  }
}

/** A client of `endpoints` with the deadline, token and TLS of `flags`. */
export function connectFlags(flags: ClientFlags, endpoints: readonly string[]): Promise<KvClient> {
  const timeoutMs = parseCount('--command-timeout', flags.commandTimeout);
  const tls = clientTls(flags);
  return connect({
    endpoints,
    timeoutMs,
    connectTimeoutMs: Math.min(timeoutMs, 2_000),
    ...(flags.token !== undefined ? { token: flags.token } : {}),
    ...(tls !== undefined ? { tls } : {}),
  });
}
