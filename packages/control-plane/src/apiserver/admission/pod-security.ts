/**
 * Pod Security admission (k8s.io/pod-security-admission), a validating step: a namespace's
 * `pod-security.kubernetes.io/enforce` label (privileged, baseline or restricted) rejects pods
 * that break that level of the Pod Security Standards, with Kubernetes' messages
 * (`violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (...)`); the
 * `warn` label (defaulting to the enforce level) reports violations of pods and of the pod
 * templates of workload resources (Deployments, ReplicaSets, ...) as warnings only. The checks
 * are always those of the latest version; a `-version` label only names it in messages.
 */
import type { KubeObject, ObjectMeta } from '../api/types.js';
import { isObject } from '../api/types.js';
import { admissionForbidden as forbidden } from './types.js';
import type { AdmissionRequest, AdmissionStep } from './types.js';

/** A Pod Security Standards level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** The namespace label prefix of Pod Security admission. */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/** One failed check: its reason and the detail that names the offending fields. */
export interface PodSecurityViolation {
  /** The check's id (`allowPrivilegeEscalation`, `hostNamespaces`, ...). */
  readonly check: string;
  readonly reason: string;
  readonly detail: string;
}

/** A namespace's policy: the level and version for one mode, printed as `restricted:latest`. */
export interface LevelVersion {
  readonly level: PodSecurityLevel;
  readonly version: string;
}

/** The policies a namespace's labels set (audit is not supported). */
export interface NamespacePolicy {
  readonly enforce: LevelVersion;
  readonly warn: LevelVersion;
}

/** What the Pod Security step reads and reports to. */
export interface PodSecurityOptions {
  /** Reads a namespace (undefined when missing: nothing is enforced). */
  readonly getNamespace: (name: string) => Promise<KubeObject | undefined>;
  /** Receives a warning for the request's response (`would violate PodSecurity ...`). */
  readonly warn?: (request: AdmissionRequest, message: string) => void;
}

type Obj = Record<string, unknown>;
type Check = (meta: ObjectMeta, spec: Obj) => Omit<PodSecurityViolation, 'check'> | undefined;

function obj(value: unknown): Obj | undefined {
  return isObject(value) ? value : undefined;
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

function joinQuote(items: readonly string[]): string {
  return items.map((s) => JSON.stringify(s)).join(', ');
}

function sorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** `container "a"` or `containers "a", "b"`. */
function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Init, regular and ephemeral containers, in that order (Kubernetes' visitContainers). */
function containers(spec: Obj): Obj[] {
  return [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)];
}

function nameOf(container: Obj): string {
  return typeof container.name === 'string' ? container.name : '';
}

function securityContext(container: Obj): Obj | undefined {
  return obj(container.securityContext);
}

function podSecurityContext(spec: Obj): Obj | undefined {
  return obj(spec.securityContext);
}

/** Containers whose securityContext fails `bad`. */
function badContainers(spec: Obj, bad: (sc: Obj | undefined) => boolean): string[] {
  return containers(spec)
    .filter((c) => bad(securityContext(c)))
    .map(nameOf);
}

const ALLOWED_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const ALLOWED_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

const ALLOWED_SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const KNOWN_VOLUME_TYPES = new Set([
  ...RESTRICTED_VOLUME_TYPES,
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'image',
]);

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function validSeccomp(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** `pod`, `containers "a"` or `pod and containers "a"`: who set a bad value. */
function setters(pod: boolean, names: readonly string[]): string[] {
  return [...(pod ? ['pod'] : []), ...(names.length > 0 ? [containersPhrase(names)] : [])];
}

const hostNamespaces: Check = (_meta, spec) => {
  const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => spec[f] === true).map((f) => `${f}=true`);
  return set.length > 0 ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
};

const privileged: Check = (_meta, spec) => {
  const bad = badContainers(spec, (sc) => sc?.privileged === true);
  if (bad.length === 0) return undefined;
  return { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` };
};

const capabilitiesBaseline: Check = (_meta, spec) => {
  const forbidden: string[] = [];
  const bad = badContainers(spec, (sc) => {
    const extra = strings(obj(sc?.capabilities)?.add).filter((c) => !ALLOWED_CAPABILITIES.has(c));
    forbidden.push(...extra);
    return extra.length > 0;
  });
  if (bad.length === 0) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(bad)} must not include ${joinQuote(sorted(forbidden))} in securityContext.capabilities.add`,
  };
};

const hostPathVolumes: Check = (_meta, spec) => {
  const bad = list(spec.volumes)
    .filter((v) => isObject(v.hostPath))
    .map((v) => String(v.name ?? ''));
  if (bad.length === 0) return undefined;
  return { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}` };
};

const hostPorts: Check = (_meta, spec) => {
  const ports: string[] = [];
  const bad = containers(spec)
    .filter((c) => {
      const used = list(c.ports)
        .map((p) => p.hostPort)
        .filter((p) => typeof p === 'number' && p !== 0);
      ports.push(...used.map(String));
      return used.length > 0;
    })
    .map(nameOf);
  if (bad.length === 0) return undefined;
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(bad)} ${pluralize('uses hostPort', 'use hostPorts', bad.length)} ${sorted(ports).join(', ')}`,
  };
};

const appArmorProfile: Check = (meta, spec) => {
  const badType = (sc: Obj | undefined): boolean => {
    const profile = obj(sc?.appArmorProfile);
    return profile !== undefined && profile.type !== 'RuntimeDefault' && profile.type !== 'Localhost';
  };
  const values: string[] = [];
  const podBad = badType(podSecurityContext(spec));
  if (podBad) values.push(String(obj(podSecurityContext(spec)?.appArmorProfile)?.type));
  const bad = badContainers(spec, (sc) => {
    if (!badType(sc)) return false;
    values.push(String(obj(sc?.appArmorProfile)?.type));
    return true;
  });
  const details: string[] = [];
  const who = setters(podBad, bad);
  if (who.length > 0) {
    details.push(
      `${who.join(' and ')} must not set securityContext.appArmorProfile.type to ${joinQuote(sorted(values))}`,
    );
  }
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && v !== '' && v !== 'runtime/default')
    .filter(([, v]) => !v.startsWith('localhost/'))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  details.push(...annotations);
  if (details.length === 0) return undefined;
  const count = values.length + annotations.length;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', count),
    detail: details.join(', '),
  };
};

const seLinuxOptions: Check = (_meta, spec) => {
  const types: string[] = [];
  let user = false;
  let role = false;
  const bad = (sc: Obj | undefined): boolean => {
    const opts = obj(sc?.seLinuxOptions);
    if (opts === undefined) return false;
    let valid = true;
    const type = typeof opts.type === 'string' ? opts.type : '';
    if (!ALLOWED_SELINUX_TYPES.has(type)) {
      valid = false;
      types.push(type);
    }
    if (typeof opts.user === 'string' && opts.user !== '') [valid, user] = [false, true];
    if (typeof opts.role === 'string' && opts.role !== '') [valid, role] = [false, true];
    return !valid;
  };
  const who = setters(bad(podSecurityContext(spec)), badContainers(spec, bad));
  if (who.length === 0) return undefined;
  const data: string[] = [];
  if (types.length > 0) data.push(`${pluralize('type', 'types', sorted(types).length)} ${joinQuote(sorted(types))}`);
  if (user) data.push('user may not be set');
  if (role) data.push('role may not be set');
  return {
    reason: 'seLinuxOptions',
    detail: `${who.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
  };
};

const procMount: Check = (_meta, spec) => {
  const values: string[] = [];
  const bad = badContainers(spec, (sc) => {
    if (typeof sc?.procMount !== 'string' || sc.procMount === 'Default') return false;
    values.push(sc.procMount);
    return true;
  });
  if (bad.length === 0) return undefined;
  return {
    reason: 'procMount',
    detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sorted(values))}`,
  };
};

const seccompProfileBaseline: Check = (_meta, spec) => {
  const values: string[] = [];
  const bad = (sc: Obj | undefined): boolean => {
    const profile = obj(sc?.seccompProfile);
    if (profile === undefined || validSeccomp(profile.type)) return false;
    values.push(String(profile.type ?? ''));
    return true;
  };
  const who = setters(bad(podSecurityContext(spec)), badContainers(spec, bad));
  if (who.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}`,
  };
};

const sysctls: Check = (_meta, spec) => {
  const bad = list(podSecurityContext(spec)?.sysctls)
    .map((s) => String(s.name ?? ''))
    .filter((name) => !ALLOWED_SYSCTLS.has(name));
  return bad.length > 0 ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
};

const windowsHostProcess: Check = (_meta, spec) => {
  const bad = (sc: Obj | undefined): boolean => obj(sc?.windowsOptions)?.hostProcess === true;
  const who = setters(bad(podSecurityContext(spec)), badContainers(spec, bad));
  if (who.length === 0) return undefined;
  return {
    reason: 'hostProcess',
    detail: `${who.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
  };
};

const allowPrivilegeEscalation: Check = (_meta, spec) => {
  const bad = badContainers(spec, (sc) => sc?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
};

const capabilitiesRestricted: Check = (_meta, spec) => {
  const missingDrop = badContainers(spec, (sc) => !strings(obj(sc?.capabilities)?.drop).includes('ALL'));
  const forbidden: string[] = [];
  const adding = badContainers(spec, (sc) => {
    const extra = strings(obj(sc?.capabilities)?.add).filter((c) => c !== 'NET_BIND_SERVICE');
    forbidden.push(...extra);
    return extra.length > 0;
  });
  const details: string[] = [];
  if (missingDrop.length > 0) {
    details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (adding.length > 0) {
    details.push(
      `${containersPhrase(adding)} must not include ${joinQuote(sorted(forbidden))} in securityContext.capabilities.add`,
    );
  }
  return details.length > 0 ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
};

const restrictedVolumes: Check = (_meta, spec) => {
  const names: string[] = [];
  const types: string[] = [];
  for (const volume of list(spec.volumes)) {
    const keys = Object.keys(volume).filter((k) => k !== 'name');
    if (keys.some((k) => RESTRICTED_VOLUME_TYPES.has(k))) continue;
    names.push(String(volume.name ?? ''));
    types.push(keys.find((k) => KNOWN_VOLUME_TYPES.has(k)) ?? 'unknown');
  }
  if (names.length === 0) return undefined;
  const kinds = sorted(types);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', kinds.length)} ${joinQuote(kinds)}`,
  };
};

/** The shape of runAsNonRoot and restricted seccomp: explicit bad values, then unset ones. */
function mustSet(
  spec: Obj,
  field: (sc: Obj | undefined) => 'good' | 'bad' | 'unset',
): { explicit: string[]; podBad: boolean; implicit: string[] } {
  const podState = field(podSecurityContext(spec));
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const state = field(securityContext(c));
    if (state === 'bad') explicit.push(nameOf(c));
    if (state === 'unset' && podState !== 'good') implicit.push(nameOf(c));
  }
  return { explicit, podBad: podState === 'bad', implicit };
}

const runAsNonRoot: Check = (_meta, spec) => {
  const { explicit, podBad, implicit } = mustSet(spec, (sc) =>
    typeof sc?.runAsNonRoot !== 'boolean' ? 'unset' : sc.runAsNonRoot ? 'good' : 'bad',
  );
  const who = setters(podBad, explicit);
  if (who.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${who.join(' and ')} must not set securityContext.runAsNonRoot=false`,
    };
  }
  if (implicit.length === 0) return undefined;
  return {
    reason: 'runAsNonRoot != true',
    detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
  };
};

const runAsUser: Check = (_meta, spec) => {
  const bad = (sc: Obj | undefined): boolean => sc?.runAsUser === 0;
  const who = setters(bad(podSecurityContext(spec)), badContainers(spec, bad));
  return who.length > 0
    ? { reason: 'runAsUser=0', detail: `${who.join(' and ')} must not set runAsUser=0` }
    : undefined;
};

const seccompProfileRestricted: Check = (_meta, spec) => {
  const values: string[] = [];
  const { explicit, podBad, implicit } = mustSet(spec, (sc) => {
    const profile = obj(sc?.seccompProfile);
    if (profile === undefined) return 'unset';
    if (validSeccomp(profile.type)) return 'good';
    values.push(String(profile.type ?? ''));
    return 'bad';
  });
  const who = setters(podBad, explicit);
  if (who.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sorted(values))}`,
    };
  }
  if (implicit.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  };
};

/** The baseline checks by id; Kubernetes evaluates them in id order. */
const BASELINE: Readonly<Record<string, Check>> = {
  appArmorProfile,
  capabilities_baseline: capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  privileged,
  procMount,
  seLinuxOptions,
  seccompProfile_baseline: seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
};

/** The restricted checks; `restrictedVolumes` and `seccompProfile_restricted` replace their baseline twins. */
const RESTRICTED: Readonly<Record<string, Check>> = {
  allowPrivilegeEscalation,
  capabilities_restricted: capabilitiesRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfile_restricted: seccompProfileRestricted,
};

const OVERRIDDEN_BY_RESTRICTED = new Set(['hostPathVolumes', 'seccompProfile_baseline']);

/** The violations of a pod (its metadata and spec) against `level`, in Kubernetes' order. */
export function checkPod(level: PodSecurityLevel, meta: ObjectMeta, spec: Obj): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const checks: [string, Check][] =
    level === 'baseline'
      ? Object.entries(BASELINE)
      : [
          ...Object.entries(BASELINE).filter(([id]) => !OVERRIDDEN_BY_RESTRICTED.has(id)),
          ...Object.entries(RESTRICTED),
        ];
  checks.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: PodSecurityViolation[] = [];
  for (const [check, run] of checks) {
    const result = run(meta, spec);
    if (result !== undefined) out.push({ check, ...result });
  }
  return out;
}

/** `reason (detail), reason (detail)`: Kubernetes' aggregate of failed checks. */
export function formatViolations(violations: readonly PodSecurityViolation[]): string {
  return violations.map((v) => (v.detail === '' ? v.reason : `${v.reason} (${v.detail})`)).join(', ');
}

function parseLevel(value: string | undefined): PodSecurityLevel | 'invalid' | undefined {
  if (value === undefined) return undefined;
  return (LEVELS as readonly string[]).includes(value) ? (value as PodSecurityLevel) : 'invalid';
}

function parseVersion(value: string | undefined): string {
  return value !== undefined && /^(latest|v1\.(0|[1-9][0-9]*))$/.test(value) ? value : 'latest';
}

/**
 * The policy a namespace's labels set. A missing enforce label is `privileged`; an invalid one
 * is `restricted` (as Kubernetes); a missing warn label follows enforce.
 */
export function namespacePolicy(labels: Readonly<Record<string, string>>): NamespacePolicy {
  const mode = (name: 'enforce' | 'warn'): LevelVersion | undefined => {
    const level = parseLevel(labels[`${POD_SECURITY_LABEL_PREFIX}${name}`]);
    if (level === undefined) return undefined;
    return {
      level: level === 'invalid' ? 'restricted' : level,
      version: level === 'invalid' ? 'latest' : parseVersion(labels[`${POD_SECURITY_LABEL_PREFIX}${name}-version`]),
    };
  };
  const enforce = mode('enforce') ?? { level: 'privileged', version: 'latest' };
  return { enforce, warn: mode('warn') ?? enforce };
}

/** Where a workload kind keeps its pod template (group/kind → path). */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  '/ReplicationController': ['spec', 'template'],
  '/PodTemplate': ['template'],
  'apps/Deployment': ['spec', 'template'],
  'apps/ReplicaSet': ['spec', 'template'],
  'apps/StatefulSet': ['spec', 'template'],
  'apps/DaemonSet': ['spec', 'template'],
  'batch/Job': ['spec', 'template'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
};

function at(value: unknown, path: readonly string[]): Obj | undefined {
  let cur: unknown = value;
  for (const key of path) cur = obj(cur)?.[key];
  return obj(cur);
}

/** Whether a pod update changes what the checks see (Kubernetes: container count or images). */
function significantPodUpdate(next: KubeObject, old: KubeObject): boolean {
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const a = list(obj(next.spec)?.[field]);
    const b = list(obj(old.spec)?.[field]);
    if (a.length !== b.length || a.some((c, i) => c.image !== b[i]?.image)) return true;
  }
  return false;
}

function label(p: LevelVersion): string {
  return `${p.level}:${p.version}`;
}

/** The Pod Security admission step (validating; it runs after validation). */
export function podSecurity(options: PodSecurityOptions): AdmissionStep {
  return {
    name: 'PodSecurity',
    async admit(req) {
      if (req.operation === 'DELETE' || req.subresource !== '') return;
      const key = `${req.def.group}/${req.def.kind}`;
      const isPod = key === '/Pod';
      const templatePath = TEMPLATE_PATHS[key];
      if (!isPod && templatePath === undefined) return;
      if (isPod && req.operation === 'UPDATE' && req.old !== undefined && !significantPodUpdate(req.object, req.old)) {
        return;
      }
      const ns = await options.getNamespace(req.object.metadata.namespace ?? '');
      if (ns === undefined) return;
      const policy = namespacePolicy(ns.metadata.labels ?? {});
      const template = isPod ? req.object : at(req.object, templatePath ?? []);
      if (template === undefined) return;
      const meta = (obj(template.metadata) ?? {}) as ObjectMeta;
      const spec = obj(template.spec) ?? {};
      if (isPod) {
        const violations = checkPod(policy.enforce.level, meta, spec);
        if (violations.length > 0) {
          throw forbidden(req, `violates PodSecurity "${label(policy.enforce)}": ${formatViolations(violations)}`);
        }
      }
      if (options.warn === undefined) return;
      const warnings = checkPod(policy.warn.level, meta, spec);
      if (warnings.length > 0) {
        options.warn(req, `would violate PodSecurity "${label(policy.warn)}": ${formatViolations(warnings)}`);
      }
    },
  };
}
