import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { plainResource } from '../testing.js';
import {
  defaultServiceAccount,
  MIRROR_POD_ANNOTATION,
  SERVICE_ACCOUNT_MOUNT_PATH,
  serviceAccountAdmission,
  tokenVolumeSource,
} from './service-account.js';
import type { AdmissionRequest } from './types.js';

const pods = plainResource({ kind: 'Pod', plural: 'pods' });
const secrets = plainResource({ kind: 'Secret', plural: 'secrets' });

function pod(spec: Record<string, unknown>, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns1', ...meta }, spec };
}

function request(object: KubeObject, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { operation: 'CREATE', def: pods, subresource: '', object, dryRun: false, ...extra };
}

const accounts: Record<string, KubeObject> = {
  'ns1/default': defaultServiceAccount('ns1'),
  'ns1/builder': {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'builder', namespace: 'ns1' },
    imagePullSecrets: [{ name: 'registry' }],
  },
  'ns1/quiet': {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'quiet', namespace: 'ns1' },
    automountServiceAccountToken: false,
  },
};

/** A step whose random source always picks index 0, then 1, ... of the alphabet. */
function step() {
  let i = 0;
  return serviceAccountAdmission({
    getServiceAccount: (ns, name) => Promise.resolve(accounts[`${ns}/${name}`]),
    random: () => (i++ % 27) / 27,
  });
}

const MOUNT = { name: 'kube-api-access-bcdfg', readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH };

t.test('defaultServiceAccount is a bare ServiceAccount named default', async (t) => {
  t.same(defaultServiceAccount('team-a'), {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: 'team-a' },
  });
});

t.test('a pod without an account gets default and the token volume in every container', async (t) => {
  const p = pod({ initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'c', image: 'nginx' }] });
  await step().admit(request(p));
  const spec = p.spec as Record<string, unknown>;
  t.equal(spec.serviceAccountName, 'default');
  t.same(spec.volumes, [{ name: 'kube-api-access-bcdfg', projected: tokenVolumeSource() }]);
  t.same(spec.initContainers, [{ name: 'init', image: 'busybox', volumeMounts: [MOUNT] }]);
  t.same(spec.containers, [{ name: 'c', image: 'nginx', volumeMounts: [MOUNT] }]);
  t.same(tokenVolumeSource(), {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ],
  });
});

t.test('table: mounting and lookup rules', async (t) => {
  const cases: {
    name: string;
    spec: Record<string, unknown>;
    meta?: Partial<KubeObject['metadata']>;
    error?: string;
    volumes?: unknown;
    mounts?: unknown;
    pullSecrets?: unknown;
  }[] = [
    {
      name: 'missing named account is Forbidden',
      spec: { serviceAccountName: 'ghost', containers: [{ name: 'c' }] },
      error: 'pods "web" is forbidden: error looking up service account ns1/ghost: serviceaccount "ghost" not found',
    },
    {
      name: 'generateName is used in the message when there is no name',
      spec: { serviceAccountName: 'ghost', containers: [{ name: 'c' }] },
      meta: { name: undefined, generateName: 'web-' },
      error: 'pods "web-" is forbidden: error looking up service account ns1/ghost: serviceaccount "ghost" not found',
    },
    {
      name: 'missing account with automount off is admitted, unchanged',
      spec: { serviceAccountName: 'ghost', automountServiceAccountToken: false, containers: [{ name: 'c' }] },
      volumes: undefined,
      mounts: undefined,
    },
    {
      name: 'pod automount false wins over the account',
      spec: { automountServiceAccountToken: false, containers: [{ name: 'c' }] },
      volumes: undefined,
      mounts: undefined,
    },
    {
      name: 'account automount false mounts nothing',
      spec: { serviceAccountName: 'quiet', containers: [{ name: 'c' }] },
      volumes: undefined,
      mounts: undefined,
    },
    {
      name: 'pod automount true wins over the account',
      spec: { serviceAccountName: 'quiet', automountServiceAccountToken: true, containers: [{ name: 'c' }] },
      volumes: [{ name: 'kube-api-access-bcdfg', projected: tokenVolumeSource() }],
      mounts: [MOUNT],
    },
    {
      name: 'a container with something at the mount path is left alone (and no volume is added)',
      spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'own', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }] }] },
      volumes: undefined,
      mounts: [{ name: 'own', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }],
    },
    {
      name: 'an existing kube-api-access volume is reused',
      spec: { volumes: [{ name: 'kube-api-access-zzzzz', emptyDir: {} }], containers: [{ name: 'c' }] },
      volumes: [{ name: 'kube-api-access-zzzzz', emptyDir: {} }],
      mounts: [{ name: 'kube-api-access-zzzzz', readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }],
    },
    {
      name: "the account's imagePullSecrets are copied",
      spec: { serviceAccountName: 'builder', containers: [{ name: 'c' }] },
      volumes: [{ name: 'kube-api-access-bcdfg', projected: tokenVolumeSource() }],
      mounts: [MOUNT],
      pullSecrets: [{ name: 'registry' }],
    },
    {
      name: "the pod's own imagePullSecrets are kept",
      spec: { serviceAccountName: 'builder', imagePullSecrets: [{ name: 'mine' }], containers: [{ name: 'c' }] },
      volumes: [{ name: 'kube-api-access-bcdfg', projected: tokenVolumeSource() }],
      mounts: [MOUNT],
      pullSecrets: [{ name: 'mine' }],
    },
    {
      name: 'mirror pods are not defaulted',
      spec: { containers: [{ name: 'c' }] },
      meta: { annotations: { [MIRROR_POD_ANNOTATION]: 'x' } },
      volumes: undefined,
      mounts: undefined,
    },
    {
      name: 'mirror pods may not name an account',
      spec: { serviceAccountName: 'default', containers: [{ name: 'c' }] },
      meta: { annotations: { [MIRROR_POD_ANNOTATION]: 'x' } },
      error: 'pods "web" is forbidden: a mirror pod may not reference service accounts',
    },
    {
      name: 'mirror pods may not use secret volumes',
      spec: { volumes: [{ name: 's', secret: { secretName: 'x' } }], containers: [{ name: 'c' }] },
      meta: { annotations: { [MIRROR_POD_ANNOTATION]: 'x' } },
      error: 'pods "web" is forbidden: a mirror pod may not reference secrets',
    },
    {
      name: 'mirror pods may not use secrets in env',
      spec: { containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'x' } }] }] },
      meta: { annotations: { [MIRROR_POD_ANNOTATION]: 'x' } },
      error: 'pods "web" is forbidden: a mirror pod may not reference secrets',
    },
  ];
  for (const c of cases) {
    const p = pod(structuredClone(c.spec), c.meta);
    const result = step().admit(request(p));
    if (c.error !== undefined) {
      await t.rejects(result, { name: 'ApiError', reason: 'Forbidden', code: 403, message: c.error }, c.name);
      continue;
    }
    await result;
    const spec = p.spec as { volumes?: unknown; containers: { volumeMounts?: unknown }[]; imagePullSecrets?: unknown };
    t.same(spec.volumes, c.volumes, `${c.name}: volumes`);
    t.same(spec.containers[0]?.volumeMounts, c.mounts, `${c.name}: mounts`);
    t.same(spec.imagePullSecrets, c.pullSecrets, `${c.name}: imagePullSecrets`);
  }
});

t.test('only pod creation is touched', async (t) => {
  const s = step();
  const p = pod({ containers: [{ name: 'c' }] });
  await s.admit(request(p, { operation: 'UPDATE', old: p }));
  await s.admit(request(p, { subresource: 'status' }));
  await s.admit(request(p, { def: secrets }));
  t.same(p.spec, { containers: [{ name: 'c' }] });
});
