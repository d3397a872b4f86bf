/**
 * What a pod refers to by name in its namespace: the Secrets, ConfigMaps, PersistentVolumeClaims
 * and ServiceAccount a node needs to run it (the edges of Kubernetes' node authorizer graph).
 */
import type { KubeObject } from '../apiserver/api/types.js';
import { isObject } from '../apiserver/api/types.js';

/** The kinds of object a pod can reference. */
export type PodReferenceKind = 'secret' | 'configmap' | 'persistentvolumeclaim' | 'serviceaccount';

/** The names a pod references, by kind. */
export type PodReferences = Record<PodReferenceKind, Set<string>>;

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function add(set: Set<string>, value: unknown): void {
  const name = str(value);
  if (name !== undefined) set.add(name);
}

function containerRefs(container: unknown, refs: PodReferences): void {
  if (!isObject(container)) return;
  for (const env of list(container.env)) {
    if (!isObject(env) || !isObject(env.valueFrom)) continue;
    if (isObject(env.valueFrom.secretKeyRef)) add(refs.secret, env.valueFrom.secretKeyRef.name);
    if (isObject(env.valueFrom.configMapKeyRef)) add(refs.configmap, env.valueFrom.configMapKeyRef.name);
  }
  for (const from of list(container.envFrom)) {
    if (!isObject(from)) continue;
    if (isObject(from.secretRef)) add(refs.secret, from.secretRef.name);
    if (isObject(from.configMapRef)) add(refs.configmap, from.configMapRef.name);
  }
}

function volumeRefs(podName: string, volume: unknown, refs: PodReferences): void {
  if (!isObject(volume)) return;
  if (isObject(volume.secret)) add(refs.secret, volume.secret.secretName);
  if (isObject(volume.configMap)) add(refs.configmap, volume.configMap.name);
  if (isObject(volume.persistentVolumeClaim)) add(refs.persistentvolumeclaim, volume.persistentVolumeClaim.claimName);
  if (isObject(volume.ephemeral) && str(volume.name) !== undefined) {
    refs.persistentvolumeclaim.add(`${podName}-${String(volume.name)}`);
  }
  if (isObject(volume.projected)) {
    for (const source of list(volume.projected.sources)) {
      if (!isObject(source)) continue;
      if (isObject(source.secret)) add(refs.secret, source.secret.name);
      if (isObject(source.configMap)) add(refs.configmap, source.configMap.name);
    }
  }
  for (const key of ['csi', 'cephfs', 'rbd', 'iscsi', 'flexVolume', 'azureFile', 'scaleIO', 'storageos']) {
    const source = volume[key];
    if (!isObject(source)) continue;
    if (isObject(source.secretRef)) add(refs.secret, source.secretRef.name);
    if (isObject(source.nodePublishSecretRef)) add(refs.secret, source.nodePublishSecretRef.name);
    add(refs.secret, source.secretName);
  }
}

/** The objects `pod` references in its own namespace. */
export function podReferences(pod: KubeObject): PodReferences {
  const refs: PodReferences = {
    secret: new Set(),
    configmap: new Set(),
    persistentvolumeclaim: new Set(),
    serviceaccount: new Set(),
  };
  const spec = isObject(pod.spec) ? pod.spec : {};
  refs.serviceaccount.add(str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? 'default');
  for (const secret of list(spec.imagePullSecrets)) if (isObject(secret)) add(refs.secret, secret.name);
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const container of list(spec[field])) containerRefs(container, refs);
  }
  for (const volume of list(spec.volumes)) volumeRefs(pod.metadata.name ?? '', volume, refs);
  return refs;
}
