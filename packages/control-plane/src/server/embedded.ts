/**
 * One process, one machine: an embedded single-member store and the API server on it, with the
 * admin kubeconfig written to `<dataDir>/kubeconfig.yaml` (`bosun server`).
 */
import { join } from 'node:path';
import { openStore } from '@bosun/raft-kv';
import type { Store } from '@bosun/raft-kv';
import { ApiServer } from '../apiserver/server.js';
import type { ApiServerOptions } from '../apiserver/server.js';
import { writeKubeconfig } from './kubeconfig.js';

/** How to start an embedded server. */
export interface EmbeddedServerOptions extends Omit<ApiServerOptions, 'kv'> {
  /** Where the store's WAL and snapshots and the kubeconfig live. */
  readonly dataDir: string;
}

/** A running embedded server. */
export interface EmbeddedServer {
  readonly api: ApiServer;
  readonly store: Store;
  /** The API server's base URL. */
  readonly url: string;
  /** The admin kubeconfig's path. */
  readonly kubeconfig: string;
  /** Stops the API server, then the store. */
  stop(): Promise<void>;
}

/** Opens the store in `dataDir`, starts the API server on it and writes the admin kubeconfig. */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const store = await openStore({ dataDir: join(options.dataDir, 'store') });
  let api: ApiServer;
  try {
    api = await ApiServer.start({ ...options, kv: store });
  } catch (err) {
    await store.close();
    throw err;
  }
  const kubeconfig = join(options.dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(kubeconfig, { server: api.url });
  return {
    api,
    store,
    url: api.url,
    kubeconfig,
    async stop() {
      await api.stop();
      await store.close();
    },
  };
}
