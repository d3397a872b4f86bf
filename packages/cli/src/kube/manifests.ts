/** Loading manifests for `-f`: a file, a directory of .yaml/.yml/.json files, or `-` (stdin). */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { AnyObject } from './output.js';

/** A manifest that cannot be read or parsed. */
export class ManifestError extends Error {
  /** Creates the error; `source` names the file (or `-`). */
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`error parsing ${source}: ${message}`);
    this.name = 'ManifestError';
  }
}

/** The objects of a YAML (or JSON) text with several documents; `kind: List` items are expanded. */
export function parseManifests(text: string, source = '-'): AnyObject[] {
  const objects: AnyObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ManifestError(source, doc.errors[0]?.message ?? 'invalid YAML');
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ManifestError(source, 'a document is not an object');
    }
    const obj = value as AnyObject;
    if (obj.kind !== undefined && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      objects.push(...(obj.items as AnyObject[]));
      continue;
    }
    if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') {
      throw new ManifestError(source, "Object 'Kind' is missing in the document");
    }
    objects.push(obj);
  }
  return objects;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Options for {@link loadManifests}. */
export interface LoadOptions {
  /** Reads stdin for `-` (injectable for tests). */
  readStdin?: () => Promise<string>;
  /** `-R`: descend into sub-directories. */
  recursive?: boolean;
}

/** Reads all of process.stdin as text. */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The objects of each `-f` argument in order; directories in file-name order. */
export async function loadManifests(paths: readonly string[], options: LoadOptions = {}): Promise<AnyObject[]> {
  const objects: AnyObject[] = [];
  for (const path of paths) {
    if (path === '-') {
      objects.push(...parseManifests(await (options.readStdin ?? readProcessStdin)(), '-'));
      continue;
    }
    objects.push(...(await loadPath(path, options, true)));
  }
  return objects;
}

async function loadPath(path: string, options: LoadOptions, top: boolean): Promise<AnyObject[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ManifestError(path, `the path "${path}" does not exist`);
  }
  if (!info.isDirectory()) return parseManifests(await readFile(path, 'utf8'), path);
  if (!top && options.recursive !== true) return [];
  const objects: AnyObject[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) objects.push(...(await loadPath(child, options, false)));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name))) objects.push(...(await loadPath(child, options, false)));
  }
  return objects;
}
