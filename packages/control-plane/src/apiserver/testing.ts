/** Test helpers: a real embedded store in a temp dir, and resource definitions without kind behaviour. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@bosun/raft-kv';
import type { Store } from '@bosun/raft-kv';
import type { ResourceDeclaration, ResourceDefinition } from './registry/definition.js';
import { defineResource } from './registry/definition.js';
import { NO_STRATEGY } from './rest/rest.js';

/** A store in a fresh temp dir; `close()` also removes the dir. */
export async function tempStore(): Promise<{ store: Store; close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-apiserver-test-'));
  const store = await openStore({ dataDir: dir, tickMs: 20 });
  return {
    store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A resource definition with no defaults, no validation and a Name-only printer. */
export function plainResource(
  decl: Partial<ResourceDeclaration> & { kind: string; plural: string },
): ResourceDefinition {
  return defineResource(
    { group: '', version: 'v1', namespaced: true, ...decl },
    {
      strategy: NO_STRATEGY,
      printer: {
        columns: [{ name: 'Name', type: 'string', format: 'name', description: 'name', priority: 0 }],
        cells: (o) => [o.metadata.name],
      },
      patchSchema: undefined,
    },
  );
}
