/**
 * ServiceAccount admission (Kubernetes' plugin/pkg/admission/serviceaccount), a mutating step
 * for pod creation: a pod without `spec.serviceAccountName` runs as `default`; the account
 * must exist in the pod's namespace; unless the pod or the account turns automounting off,
 * every container and init container gets the projected `kube-api-access-<random>` volume
 * (a bound token, the cluster CA and the namespace) at
 * /var/run/secrets/kubernetes.io/serviceaccount; the account's imagePullSecrets are copied to
 * a pod that names none. Mirror pods are not changed, and may not reference an account or
 * Secrets.
 *
 * One deviation from Kubernetes: a pod with `automountServiceAccountToken: false` is admitted
 * even when its account does not exist yet (it needs nothing from it).
 */
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { admissionForbidden as forbidden } from './types.js';
import type { AdmissionRequest, AdmissionStep } from './types.js';

/** The ServiceAccount a pod runs as when it names none. */
export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';

/** Where the token volume is mounted in every container. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The prefix of the token volume's name; five random characters follow. */
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';

/** The lifetime the projected token asks for (Kubernetes' WarnOnlyBoundTokenExpirationSeconds). */
export const SERVICE_ACCOUNT_TOKEN_EXPIRATION_SECONDS = 3607;

/** The annotation that marks a mirror pod (a static pod's API twin, written by its node). */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The characters of generated name suffixes (k8s.io/apimachinery/pkg/util/rand). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** Reads a ServiceAccount; undefined when it does not exist. */
export type GetServiceAccount = (namespace: string, name: string) => Promise<KubeObject | undefined>;

/** What the ServiceAccount step reads. */
export interface ServiceAccountAdmissionOptions {
  readonly getServiceAccount: GetServiceAccount;
  /** A uniform number in [0, 1) (the server's injected randomness); names the token volume. */
  readonly random: () => number;
}

/** The `default` ServiceAccount of a namespace, to create when the namespace is created. */
export function defaultServiceAccount(namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: DEFAULT_SERVICE_ACCOUNT_NAME, namespace },
  };
}

/** The projected volume source that gives a container its account's token, the CA and the namespace. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: SERVICE_ACCOUNT_TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ],
  };
}

/** The ServiceAccount admission step (mutating; it runs before validation). */
export function serviceAccountAdmission(options: ServiceAccountAdmissionOptions): AdmissionStep {
  return {
    name: 'ServiceAccount',
    async admit(req) {
      if (req.def.group !== '' || req.def.kind !== 'Pod') return;
      if (req.operation !== 'CREATE' || req.subresource !== '') return;
      const pod = req.object;
      const spec = specOf(pod);
      if (MIRROR_POD_ANNOTATION in (pod.metadata.annotations ?? {})) {
        checkMirrorPod(req, spec);
        return;
      }
      if (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '') {
        spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT_NAME;
      }
      const name = spec.serviceAccountName as string;
      const namespace = pod.metadata.namespace ?? '';
      const account = await options.getServiceAccount(namespace, name);
      if (account === undefined) {
        if (spec.automountServiceAccountToken === false) return;
        throw forbidden(
          req,
          `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`,
        );
      }
      if (shouldAutomount(account, spec)) mountToken(spec, () => randomSuffix(options.random));
      copyImagePullSecrets(account, spec);
    },
  };
}

function specOf(pod: KubeObject): Record<string, unknown> {
  if (!isObject(pod.spec)) pod.spec = {};
  return pod.spec as Record<string, unknown>;
}

/** The pod's choice wins, then the account's; the default is to mount. */
function shouldAutomount(account: KubeObject, spec: Record<string, unknown>): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof account.automountServiceAccountToken === 'boolean') return account.automountServiceAccountToken;
  return true;
}

function randomSuffix(random: () => number): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += ALPHANUMS[Math.floor(random() * ALPHANUMS.length) % ALPHANUMS.length];
  return out;
}

function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** Mounts the token volume in every container that has nothing at the mount path (as Kubernetes). */
function mountToken(spec: Record<string, unknown>, suffix: () => string): void {
  const volumes = objects(spec.volumes);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const volumeName = typeof existing?.name === 'string' ? existing.name : SERVICE_ACCOUNT_VOLUME_PREFIX + suffix();
  let needsVolume = false;
  for (const field of ['initContainers', 'containers'] as const) {
    for (const container of objects(spec[field])) {
      const mounts = objects(container.volumeMounts);
      if (mounts.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
      container.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
      needsVolume = true;
    }
  }
  if (existing === undefined && needsVolume) {
    spec.volumes = [...volumes, { name: volumeName, projected: tokenVolumeSource() }];
  }
}

function copyImagePullSecrets(account: KubeObject, spec: Record<string, unknown>): void {
  if (objects(spec.imagePullSecrets).length > 0) return;
  const secrets = objects(account.imagePullSecrets);
  if (secrets.length > 0) spec.imagePullSecrets = secrets.map((s) => ({ name: s.name }));
}

/** Mirror pods come from a node's files and may not reach for API credentials. */
function checkMirrorPod(req: AdmissionRequest, spec: Record<string, unknown>): void {
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') {
    throw forbidden(req, 'a mirror pod may not reference service accounts');
  }
  for (const volume of objects(spec.volumes)) {
    if (isObject(volume.secret)) throw forbidden(req, 'a mirror pod may not reference secrets');
    if (isObject(volume.projected)) {
      throw forbidden(req, `a mirror pod may not use projected volume: ${String(volume.name)}`);
    }
  }
  for (const field of ['initContainers', 'containers'] as const) {
    for (const container of objects(spec[field])) {
      const usesSecret =
        objects(container.env).some((e) => isObject(e.valueFrom) && isObject(e.valueFrom.secretKeyRef)) ||
        objects(container.envFrom).some((e) => isObject(e.secretRef));
      if (usesSecret) throw forbidden(req, 'a mirror pod may not reference secrets');
    }
  }
}
