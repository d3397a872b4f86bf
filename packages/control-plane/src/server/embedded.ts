/**
 * One process, one machine: an embedded single-member store and the API server on it, with the
 * admin kubeconfig written to `<dataDir>/kubeconfig.yaml` (`bosun server`).
 */
import { isIP } from 'node:net';
import { join } from 'node:path';
import { loadTokenAuthFile } from '../auth/static-tokens.js';
import { ensureClusterPki } from '../pki/index.js';
import { loadEncryptionConfig } from '../apiserver/storage/encryption.js';
import type { SecurityOptions } from '../apiserver/security.js';
import { openStore } from '@bosun/raft-kv';
import type { Store } from '@bosun/raft-kv';
import { ApiServer } from '../apiserver/server.js';
import type { ApiServerOptions } from '../apiserver/server.js';
import { writeKubeconfig } from './kubeconfig.js';

/** How to start an embedded server. */
export interface EmbeddedServerOptions extends Omit<ApiServerOptions, 'kv' | 'security'> {
  /** Where the store's WAL and snapshots, the PKI and the kubeconfig live. */
  readonly dataDir: string;
  /** Plain HTTP with no authentication or authorization (development only). */
  readonly insecureHttp?: boolean;
  /** Extra names and addresses for the serving certificate (`--tls-san`). */
  readonly tlsSans?: readonly string[];
  /** A Kubernetes static token file (`--token-auth-file`). */
  readonly tokenAuthFile?: string;
  /** Secret encryption keys (`--encryption-provider-config`): `{ keys: [{ name, secret }] }`. */
  readonly encryptionConfigFile?: string;
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

/** The names and addresses the serving certificate covers beyond localhost and the host name. */
function pkiNames(options: EmbeddedServerOptions): { hostnames: string[]; ips: string[] } {
  const all = [options.host, options.advertiseAddress, ...(options.tlsSans ?? [])].filter(
    (x): x is string => x !== undefined && x !== '',
  );
  const isIp = (x: string) => isIP(x) !== 0;
  return { hostnames: all.filter((x) => !isIp(x)), ips: all.filter(isIp) };
}

/** Opens the store in `dataDir`, starts the API server on it and writes the admin kubeconfig. */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const secure = options.insecureHttp !== true;
  // Certificates first: a bad PKI dir fails before anything listens.
  const pki = secure ? await ensureClusterPki(join(options.dataDir, 'pki'), pkiNames(options)) : undefined;
  const staticTokens = options.tokenAuthFile === undefined ? undefined : await loadTokenAuthFile(options.tokenAuthFile);
  const encryption =
    options.encryptionConfigFile === undefined ? undefined : await loadEncryptionConfig(options.encryptionConfigFile);
  const store = await openStore({ dataDir: join(options.dataDir, 'store') });
  let api: ApiServer;
  try {
    const security: SecurityOptions | undefined =
      pki === undefined
        ? undefined
        : {
            tls: { cert: pki.apiserver.certPem, key: pki.apiserver.keyPem, clientCa: pki.ca.certPem },
            serviceAccountPublicKeys: [pki.serviceAccountKey.publicKeyPem],
            serviceAccountSigningKey: pki.serviceAccountKey.privateKeyPem,
            ...(staticTokens === undefined ? {} : { staticTokens }),
          };
    api = await ApiServer.start({
      ...options,
      kv: store,
      ...(security === undefined ? {} : { security }),
      ...(encryption === undefined ? {} : { encryption }),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const kubeconfig = join(options.dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(
    kubeconfig,
    pki === undefined
      ? { server: api.url }
      : {
          server: api.url,
          caData: pki.ca.certPem,
          clientCertificateData: pki.admin.certPem,
          clientKeyData: pki.admin.keyPem,
        },
  );
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
