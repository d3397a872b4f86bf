/**
 * Reads a kubeconfig the way kubectl does: the files named by KUBECONFIG (colon-separated; for
 * each named entry and for current-context the first file that has it wins), else ~/.kube/config;
 * then the chosen context's cluster, user and namespace, with file paths resolved against the
 * directory of the kubeconfig that named them.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

/** How to find the kubeconfig. */
export interface LoadKubeconfigOptions {
  /** One kubeconfig file (like `--kubeconfig`); wins over KUBECONFIG. */
  path?: string;
  /** The context to use instead of current-context (like `--context`). */
  context?: string;
  /** The environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The home directory (default `os.homedir()`). */
  home?: string;
}

/** What a kubeconfig says about how to reach and authenticate to a cluster. */
export interface KubeconfigResult {
  /** The context chosen. */
  contextName: string;
  clusterName: string;
  userName: string;
  /** The cluster's server URL. */
  server: string;
  /** The context's namespace, "default" when it names none. */
  namespace: string;
  /** PEM of the certificate authority (from certificate-authority-data or the file). */
  ca?: string;
  insecureSkipTLSVerify: boolean;
  /** PEM of the client certificate and key. */
  cert?: string;
  key?: string;
  /** A bearer token (token, or the contents of tokenFile). */
  token?: string;
  /** The files read, in order. */
  files: string[];
}

/** A kubeconfig that could not be read or does not say what is needed. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

interface Named<T> {
  name: string;
  value: T;
  dir: string;
  file: string;
}

interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
}
interface RawUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
}
interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** The kubeconfig files to read, in precedence order. */
export function kubeconfigPaths(options: LoadKubeconfigOptions = {}): string[] {
  if (options.path !== undefined) return [resolve(options.path)];
  const env = options.env ?? process.env;
  const list = (env.KUBECONFIG ?? '')
    .split(delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (list.length > 0) return [...new Set(list.map((p) => resolve(p)))];
  return [join(options.home ?? homedir(), '.kube', 'config')];
}

/** Loads the kubeconfig and resolves the chosen context into server, credentials and namespace. */
export function loadKubeconfig(options: LoadKubeconfigOptions = {}): KubeconfigResult {
  const paths = kubeconfigPaths(options);
  const explicit = options.path !== undefined || (options.env ?? process.env).KUBECONFIG !== undefined;
  const clusters = new Map<string, Named<RawCluster>>();
  const users = new Map<string, Named<RawUser>>();
  const contexts = new Map<string, Named<RawContext>>();
  let current: string | undefined;
  const files: string[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // kubectl skips missing files in a KUBECONFIG list, but not an explicit --kubeconfig.
      if (code === 'ENOENT' && options.path === undefined && paths.length > 1) continue;
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
    files.push(file);
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (err) {
      throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object') throw new KubeconfigError(`kubeconfig ${file} is not a mapping`);
    const d = doc as Record<string, unknown>;
    const dir = dirname(file);
    collect(d.clusters, 'cluster', file, dir, clusters);
    collect(d.users, 'user', file, dir, users);
    collect(d.contexts, 'context', file, dir, contexts);
    const cc = d['current-context'];
    if (current === undefined && typeof cc === 'string' && cc !== '') current = cc;
  }
  const where =
    files.length === 1 ? (files[0] as string) : files.length === 0 ? paths.join(delimiter) : files.join(delimiter);
  if (files.length === 0) {
    throw new KubeconfigError(
      explicit ? `no kubeconfig found at ${where}` : `no kubeconfig found: set KUBECONFIG or create ${where}`,
    );
  }
  const contextName = options.context ?? current;
  if (contextName === undefined) throw new KubeconfigError(`kubeconfig ${where} has no current-context`);
  const context = contexts.get(contextName);
  if (context === undefined) throw new KubeconfigError(`no context "${contextName}" in kubeconfig ${where}`);
  const clusterName = context.value.cluster ?? '';
  const cluster = clusters.get(clusterName);
  if (cluster === undefined) {
    throw new KubeconfigError(
      `context "${contextName}" names cluster "${clusterName}", which is not in kubeconfig ${where}`,
    );
  }
  const server = cluster.value.server;
  if (typeof server !== 'string' || server === '') {
    throw new KubeconfigError(`cluster "${clusterName}" has no server in kubeconfig ${cluster.file}`);
  }
  const userName = context.value.user ?? '';
  const user = userName === '' ? undefined : users.get(userName);
  if (userName !== '' && user === undefined) {
    throw new KubeconfigError(`context "${contextName}" names user "${userName}", which is not in kubeconfig ${where}`);
  }
  const result: KubeconfigResult = {
    contextName,
    clusterName,
    userName,
    server: server.replace(/\/+$/, ''),
    namespace:
      context.value.namespace !== undefined && context.value.namespace !== '' ? context.value.namespace : 'default',
    insecureSkipTLSVerify: cluster.value['insecure-skip-tls-verify'] === true,
    files,
  };
  const ca = dataOrFile(cluster, 'certificate-authority-data', 'certificate-authority');
  if (ca !== undefined) result.ca = ca;
  if (user !== undefined) {
    const cert = dataOrFile(user, 'client-certificate-data', 'client-certificate');
    const key = dataOrFile(user, 'client-key-data', 'client-key');
    if (cert !== undefined) result.cert = cert;
    if (key !== undefined) result.key = key;
    if (typeof user.value.token === 'string' && user.value.token !== '') {
      result.token = user.value.token;
    } else if (typeof user.value.tokenFile === 'string' && user.value.tokenFile !== '') {
      result.token = readRelative(user, user.value.tokenFile).trim();
    }
  }
  return result;
}

function collect<T>(list: unknown, field: string, file: string, dir: string, into: Map<string, Named<T>>): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new KubeconfigError(`kubeconfig ${file}: ${field}s must be a list`);
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const name = e.name;
    if (typeof name !== 'string' || into.has(name)) continue; // the first file wins
    const value = (e[field] ?? {}) as T;
    into.set(name, { name, value, dir, file });
  }
}

function dataOrFile<T extends object>(entry: Named<T>, dataKey: keyof T, fileKey: keyof T): string | undefined {
  const data = entry.value[dataKey];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64').toString('utf8');
  const path = entry.value[fileKey];
  if (typeof path === 'string' && path !== '') return readRelative(entry, path);
  return undefined;
}

function readRelative(entry: Named<unknown>, path: string): string {
  const full = isAbsolute(path) ? path : join(entry.dir, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read ${full} (named in kubeconfig ${entry.file}): ${(err as Error).message}`);
  }
}
