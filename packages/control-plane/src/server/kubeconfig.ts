/** The admin kubeconfig a server writes for its users (kubectl's file format). */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** What goes into a kubeconfig. */
export interface KubeconfigInput {
  readonly server: string;
  readonly clusterName?: string;
  readonly userName?: string;
  readonly namespace?: string;
  /** PEM of the CA that signs the server's certificate (TLS servers). */
  readonly caData?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  readonly token?: string;
}

/** The kubeconfig document for `input`, as YAML. */
export function kubeconfigYaml(input: KubeconfigInput): string {
  const cluster = input.clusterName ?? 'bosun';
  const user = input.userName ?? 'bosun-admin';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: {
          server: input.server,
          ...(input.caData === undefined ? {} : { 'certificate-authority-data': b64(input.caData) }),
        },
      },
    ],
    users: [
      {
        name: user,
        user: {
          ...(input.clientCertificateData === undefined
            ? {}
            : { 'client-certificate-data': b64(input.clientCertificateData) }),
          ...(input.clientKeyData === undefined ? {} : { 'client-key-data': b64(input.clientKeyData) }),
          ...(input.token === undefined ? {} : { token: input.token }),
        },
      },
    ],
    contexts: [{ name: cluster, context: { cluster, user, namespace: input.namespace ?? 'default' } }],
    'current-context': cluster,
    preferences: {},
  });
}

/** Writes a kubeconfig atomically with mode 0600. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, kubeconfigYaml(input), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
