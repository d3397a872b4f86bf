import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse, parseDocument } from 'yaml';
import { kubeconfigPaths } from '@bosun/sdk';
import type { Io } from '../program.js';
import { runAction } from '../kube/context.js';
import { UsageError } from '../kube/errors.js';
import { toJson, toYaml } from '../kube/output.js';

type Entry = { name: string; [key: string]: unknown };
interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  preferences?: unknown;
  clusters?: Entry[];
  contexts?: Entry[];
  users?: Entry[];
  'current-context'?: string;
}

/** Merges kubeconfig documents like kubectl: for each named entry and current-context, the first file wins. */
export function mergeKubeconfigs(docs: readonly KubeconfigDoc[]): KubeconfigDoc {
  const merged: KubeconfigDoc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [],
    contexts: [],
    users: [],
    'current-context': '',
  };
  for (const doc of docs) {
    for (const key of ['clusters', 'contexts', 'users'] as const) {
      for (const entry of doc[key] ?? []) {
        if (!merged[key]?.some((e) => e.name === entry.name)) merged[key]?.push(entry);
      }
    }
    if (merged['current-context'] === '' && doc['current-context'] !== undefined)
      merged['current-context'] = doc['current-context'];
  }
  return merged;
}

const SECRET_FIELDS: Record<string, string> = {
  'certificate-authority-data': 'DATA+OMITTED',
  'client-certificate-data': 'DATA+OMITTED',
  'client-key-data': 'DATA+OMITTED',
  token: 'REDACTED',
  password: 'REDACTED',
};

/** A copy of a kubeconfig with credentials replaced by kubectl's placeholders. */
export function redact(doc: KubeconfigDoc): KubeconfigDoc {
  const copy = structuredClone(doc);
  for (const entry of [...(copy.clusters ?? []), ...(copy.users ?? [])]) {
    for (const inner of ['cluster', 'user']) {
      const fields = entry[inner] as Record<string, unknown> | undefined;
      if (fields === undefined) continue;
      for (const [field, placeholder] of Object.entries(SECRET_FIELDS))
        if (field in fields) fields[field] = placeholder;
    }
  }
  return copy;
}

/** Only the current context and what it names (`--minify`). */
export function minify(doc: KubeconfigDoc): KubeconfigDoc {
  const name = doc['current-context'] ?? '';
  const context = doc.contexts?.find((c) => c.name === name);
  if (context === undefined) throw new UsageError(`current-context must exist in order to minify`);
  const inner = (context.context ?? {}) as { cluster?: string; user?: string };
  return {
    ...doc,
    contexts: [context],
    clusters: (doc.clusters ?? []).filter((c) => c.name === inner.cluster),
    users: (doc.users ?? []).filter((u) => u.name === inner.user),
  };
}

function paths(kubeconfig: string | undefined): string[] {
  return kubeconfig !== undefined ? [kubeconfig] : kubeconfigPaths();
}

function readDocs(files: readonly string[]): KubeconfigDoc[] {
  const docs: KubeconfigDoc[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    docs.push((parse(text) ?? {}) as KubeconfigDoc);
  }
  return docs;
}

/** Adds `bosun config view [--minify] [--raw] [-o json]`, `config use-context NAME`, `config current-context`, `config get-contexts`. */
export function registerConfig(program: Command, io: Io): void {
  const config = program
    .command('config')
    .description('view and change kubeconfig files')
    .option('--kubeconfig <path>', 'the kubeconfig file to use');
  const kubeconfigOf = (cmd: Command): string | undefined =>
    (cmd.optsWithGlobals() as { kubeconfig?: string }).kubeconfig;
  config
    .command('view')
    .description('print the merged kubeconfig (credentials redacted unless --raw)')
    .option('--minify', 'only what the current context uses')
    .option('--raw', 'show credentials')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action(
      runAction(io, async (opts: { minify?: boolean; raw?: boolean; output: string }, cmd: Command) => {
        let doc = mergeKubeconfigs(readDocs(paths(kubeconfigOf(cmd))));
        if (opts.minify === true) doc = minify(doc);
        if (opts.raw !== true) doc = redact(doc);
        if (opts.output !== 'yaml' && opts.output !== 'json')
          throw new UsageError(`unknown output format "${opts.output}"`);
        io.out(opts.output === 'json' ? toJson(doc) : toYaml(doc));
      }),
    );
  config
    .command('use-context')
    .description('set current-context in the kubeconfig')
    .argument('<name>')
    .action(
      runAction(io, async (name: string, _opts: unknown, cmd: Command) => {
        const files = paths(kubeconfigOf(cmd));
        const merged = mergeKubeconfigs(readDocs(files));
        if (!(merged.contexts ?? []).some((c) => c.name === name))
          throw new UsageError(`no context exists with the name: "${name}"`);
        const docs = readDocs(files);
        const index = Math.max(
          0,
          docs.findIndex((d) => (d['current-context'] ?? '') !== ''),
        );
        const file = files[index];
        if (file === undefined) throw new UsageError('no kubeconfig file to write');
        const doc = parseDocument(readFileSync(file, 'utf8'));
        doc.set('current-context', name);
        writeFileSync(file, doc.toString());
        io.out(`Switched to context "${name}".\n`);
      }),
    );
  config
    .command('current-context')
    .description('print current-context')
    .action(
      runAction(io, async (_opts: unknown, cmd: Command) => {
        const current = mergeKubeconfigs(readDocs(paths(kubeconfigOf(cmd))))['current-context'] ?? '';
        if (current === '') throw new UsageError('current-context is not set');
        io.out(`${current}\n`);
      }),
    );
}
