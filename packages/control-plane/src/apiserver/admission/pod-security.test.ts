import t from 'tap';
import type { KubeObject, ObjectMeta } from '../api/types.js';
import { plainResource } from '../testing.js';
import { checkPod, formatViolations, namespacePolicy, podSecurity } from './pod-security.js';
import type { PodSecurityLevel } from './pod-security.js';
import type { AdmissionRequest } from './types.js';

const pods = plainResource({ kind: 'Pod', plural: 'pods' });
const deployments = plainResource({ group: 'apps', kind: 'Deployment', plural: 'deployments' });
const cronJobs = plainResource({ group: 'batch', kind: 'CronJob', plural: 'cronjobs' });
const configMaps = plainResource({ kind: 'ConfigMap', plural: 'configmaps' });

/** A container that passes restricted. */
const GOOD_SC = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

function c(name: string, securityContext: Record<string, unknown> = GOOD_SC, extra: Record<string, unknown> = {}) {
  return { name, image: 'nginx', securityContext, ...extra };
}

interface RuleCase {
  readonly name: string;
  readonly level: PodSecurityLevel;
  readonly spec: Record<string, unknown>;
  readonly meta?: ObjectMeta;
  /** The expected `reason (detail), ...`; '' when the pod passes. */
  readonly expected: string;
}

const rules: RuleCase[] = [
  {
    name: 'privileged admits anything',
    level: 'privileged',
    spec: { hostNetwork: true, containers: [c('c', { privileged: true })] },
    expected: '',
  },
  { name: 'restricted pod passes restricted', level: 'restricted', spec: { containers: [c('c')] }, expected: '' },
  {
    name: 'bare pod passes baseline',
    level: 'baseline',
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    expected: '',
  },
  // baseline
  {
    name: 'host namespaces',
    level: 'baseline',
    spec: { hostNetwork: true, hostPID: true, hostIPC: true, containers: [c('c')] },
    expected: 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)',
  },
  {
    name: 'privileged container',
    level: 'baseline',
    spec: { containers: [c('a', { privileged: true }), c('b', { privileged: true })] },
    expected: 'privileged (containers "a", "b" must not set securityContext.privileged=true)',
  },
  {
    name: 'non-default capabilities',
    level: 'baseline',
    spec: { containers: [c('c', { capabilities: { add: ['SYS_TIME', 'NET_ADMIN', 'CHOWN'] } })] },
    expected:
      'non-default capabilities (container "c" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)',
  },
  {
    name: 'hostPath volumes',
    level: 'baseline',
    spec: { volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [{ name: 'c' }] },
    expected: 'hostPath volumes (volume "root")',
  },
  {
    name: 'host ports',
    level: 'baseline',
    spec: {
      containers: [
        {
          name: 'c',
          ports: [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81, hostPort: 10000 },
          ],
        },
      ],
    },
    expected: 'hostPort (container "c" uses hostPort 10000, 8080)',
  },
  {
    name: 'host ports in two containers',
    level: 'baseline',
    spec: {
      containers: [
        { name: 'a', ports: [{ hostPort: 80 }] },
        { name: 'b', ports: [{ hostPort: 81 }, { containerPort: 9 }] },
      ],
    },
    expected: 'hostPort (containers "a", "b" use hostPorts 80, 81)',
  },
  {
    name: 'seccomp Unconfined',
    level: 'baseline',
    spec: {
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [c('c', { seccompProfile: { type: 'Unconfined' } })],
    },
    expected: 'seccompProfile (pod and container "c" must not set securityContext.seccompProfile.type to "Unconfined")',
  },
  {
    name: 'unsafe sysctls',
    level: 'baseline',
    spec: {
      securityContext: {
        sysctls: [
          { name: 'kernel.msgmax', value: '1' },
          { name: 'net.ipv4.tcp_syncookies', value: '1' },
          { name: 'vm.swappiness', value: '1' },
        ],
      },
      containers: [{ name: 'c' }],
    },
    expected: 'forbidden sysctls (kernel.msgmax, vm.swappiness)',
  },
  {
    name: 'procMount Unmasked',
    level: 'baseline',
    spec: { containers: [c('c', { procMount: 'Unmasked' }), c('d', { procMount: 'Default' })] },
    expected: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")',
  },
  {
    name: 'seLinuxOptions',
    level: 'baseline',
    spec: {
      securityContext: { seLinuxOptions: { type: 'spc_t' } },
      containers: [c('c', { seLinuxOptions: { user: 'root', role: 'r' } })],
    },
    expected:
      'seLinuxOptions (pod and container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)',
  },
  {
    name: 'allowed seLinux type',
    level: 'baseline',
    spec: { containers: [c('c', { seLinuxOptions: { type: 'container_init_t', level: 's0:c1' } })] },
    expected: '',
  },
  {
    name: 'AppArmor annotation',
    level: 'baseline',
    meta: {
      annotations: {
        'container.apparmor.security.beta.kubernetes.io/c': 'unconfined',
        'container.apparmor.security.beta.kubernetes.io/d': 'localhost/x',
      },
    },
    spec: { containers: [{ name: 'c' }, { name: 'd' }] },
    expected: 'forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/c="unconfined")',
  },
  {
    name: 'AppArmor field',
    level: 'baseline',
    spec: { containers: [c('c', { appArmorProfile: { type: 'Unconfined' } })] },
    expected:
      'forbidden AppArmor profile (container "c" must not set securityContext.appArmorProfile.type to "Unconfined")',
  },
  {
    name: 'windows hostProcess',
    level: 'baseline',
    spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'c' }] },
    expected: 'hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)',
  },
  // restricted
  {
    name: 'a bare pod under restricted (Kubernetes order and wording)',
    level: 'restricted',
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    expected:
      'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
      'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
      'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  },
  {
    name: 'restricted also applies baseline (sorted by check id)',
    level: 'restricted',
    spec: { hostNetwork: true, containers: [c('c', { ...GOOD_SC, privileged: true })] },
    expected:
      'host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)',
  },
  {
    name: 'pod-level settings cover containers',
    level: 'restricted',
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
      initContainers: [c('init', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } })],
      containers: [
        c('c', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }),
      ],
    },
    expected: '',
  },
  {
    name: 'runAsNonRoot explicitly false',
    level: 'restricted',
    spec: { securityContext: { runAsNonRoot: false }, containers: [c('c', { ...GOOD_SC, runAsNonRoot: false })] },
    expected: 'runAsNonRoot != true (pod and container "c" must not set securityContext.runAsNonRoot=false)',
  },
  {
    name: 'runAsUser 0',
    level: 'restricted',
    spec: { securityContext: { runAsUser: 0 }, containers: [c('c', { ...GOOD_SC, runAsUser: 0 })] },
    expected: 'runAsUser=0 (pod and container "c" must not set runAsUser=0)',
  },
  {
    name: 'capabilities beyond NET_BIND_SERVICE',
    level: 'restricted',
    spec: { containers: [c('c', { ...GOOD_SC, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CHOWN'] } })] },
    expected: 'unrestricted capabilities (container "c" must not include "CHOWN" in securityContext.capabilities.add)',
  },
  {
    name: 'capabilities: drop missing and add forbidden',
    level: 'restricted',
    spec: {
      containers: [
        c('a', { ...GOOD_SC, capabilities: {} }),
        c('b', { ...GOOD_SC, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }),
      ],
    },
    expected:
      'non-default capabilities (container "b" must not include "SYS_ADMIN" in securityContext.capabilities.add), ' +
      'unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
  },
  {
    name: 'allowPrivilegeEscalation true in init container',
    level: 'restricted',
    spec: { initContainers: [c('init', { ...GOOD_SC, allowPrivilegeEscalation: true })], containers: [c('c')] },
    expected:
      'allowPrivilegeEscalation != false (container "init" must set securityContext.allowPrivilegeEscalation=false)',
  },
  {
    name: 'restricted volume types replace the hostPath check',
    level: 'restricted',
    spec: {
      volumes: [
        { name: 'a', hostPath: { path: '/' } },
        { name: 'b', nfs: {} },
        { name: 'ok', emptyDir: {} },
        { name: 'p', projected: {} },
      ],
      containers: [c('c')],
    },
    expected: 'restricted volume types (volumes "a", "b" use restricted volume types "hostPath", "nfs")',
  },
  {
    name: 'seccomp Unconfined replaced by the restricted check',
    level: 'restricted',
    spec: {
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [c('c', { ...GOOD_SC, seccompProfile: undefined })],
    },
    expected: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
  },
];

t.test('table: each Pod Security rule, with Kubernetes wording', async (t) => {
  for (const r of rules) {
    const spec = JSON.parse(JSON.stringify(r.spec)) as Record<string, unknown>;
    t.equal(formatViolations(checkPod(r.level, r.meta ?? {}, spec)), r.expected, r.name);
  }
});

t.test('namespacePolicy reads the labels', async (t) => {
  t.same(namespacePolicy({}), {
    enforce: { level: 'privileged', version: 'latest' },
    warn: { level: 'privileged', version: 'latest' },
  });
  t.same(
    namespacePolicy({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.30',
    }),
    {
      enforce: { level: 'baseline', version: 'v1.30' },
      warn: { level: 'baseline', version: 'v1.30' },
    },
  );
  t.same(
    namespacePolicy({ 'pod-security.kubernetes.io/enforce': 'bogus', 'pod-security.kubernetes.io/warn': 'restricted' }),
    {
      enforce: { level: 'restricted', version: 'latest' },
      warn: { level: 'restricted', version: 'latest' },
    },
  );
});

const namespaces: Record<string, KubeObject> = {
  strict: { metadata: { name: 'strict', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  base: {
    metadata: {
      name: 'base',
      labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' },
    },
  },
  open: { metadata: { name: 'open' } },
};

function setup() {
  const warnings: string[] = [];
  const step = podSecurity({
    getNamespace: (name) => Promise.resolve(namespaces[name]),
    warn: (_req, message) => warnings.push(message),
  });
  return { step, warnings };
}

function request(
  def: AdmissionRequest['def'],
  object: KubeObject,
  extra: Partial<AdmissionRequest> = {},
): AdmissionRequest {
  return { operation: 'CREATE', def, subresource: '', object, dryRun: false, ...extra };
}

function pod(namespace: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace }, spec };
}

t.test('the step rejects pods against the enforce level', async (t) => {
  const { step, warnings } = setup();
  await t.rejects(
    step.admit(request(pods, pod('strict', { containers: [c('c', { ...GOOD_SC, allowPrivilegeEscalation: true })] }))),
    {
      name: 'ApiError',
      reason: 'Forbidden',
      code: 403,
      message:
        'pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)',
    },
  );
  await t.resolves(step.admit(request(pods, pod('strict', { containers: [c('c')] }))));
  await t.resolves(step.admit(request(pods, pod('open', { hostPID: true, containers: [c('c')] }))));
  await t.resolves(step.admit(request(pods, pod('missing', { hostPID: true, containers: [c('c')] }))));
  t.same(warnings, []);
});

t.test('a baseline pod in a baseline namespace warns at the restricted warn level', async (t) => {
  const { step, warnings } = setup();
  await t.resolves(step.admit(request(pods, pod('base', { containers: [{ name: 'c', image: 'nginx' }] }))));
  t.equal(warnings.length, 1);
  t.match(warnings[0], /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  await t.rejects(step.admit(request(pods, pod('base', { hostIPC: true, containers: [c('c')] }))), {
    message: 'pods "x" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostIPC=true)',
  });
});

t.test('workload templates only warn', async (t) => {
  const { step, warnings } = setup();
  const template = { metadata: { labels: { app: 'a' } }, spec: { hostNetwork: true, containers: [c('c')] } };
  const deployment: KubeObject = { metadata: { name: 'd', namespace: 'strict' }, spec: { template } };
  await t.resolves(step.admit(request(deployments, deployment)));
  const cron: KubeObject = {
    metadata: { name: 'j', namespace: 'strict' },
    spec: { jobTemplate: { spec: { template } } },
  };
  await t.resolves(step.admit(request(cronJobs, cron)));
  t.same(warnings, [
    'would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true)',
    'would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true)',
  ]);
});

t.test('what the step ignores', async (t) => {
  const { step, warnings } = setup();
  const bad = pod('strict', { hostPID: true, containers: [{ name: 'c', image: 'nginx' }] });
  await t.resolves(step.admit(request(pods, bad, { operation: 'DELETE', old: bad })), 'delete');
  await t.resolves(step.admit(request(pods, bad, { operation: 'UPDATE', subresource: 'status', old: bad })), 'status');
  const relabelled = { ...bad, metadata: { ...bad.metadata, labels: { a: 'b' } } };
  await t.resolves(step.admit(request(pods, relabelled, { operation: 'UPDATE', old: bad })), 'metadata-only update');
  await t.resolves(step.admit(request(configMaps, { metadata: { name: 'c', namespace: 'strict' } })), 'other kinds');
  const newImage = pod('strict', { hostPID: true, containers: [{ name: 'c', image: 'nginx:2' }] });
  await t.rejects(
    step.admit(request(pods, newImage, { operation: 'UPDATE', old: bad })),
    { code: 403 },
    'image change is checked',
  );
  t.same(warnings, []);
});
