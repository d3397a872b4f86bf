/**
 * PodSpec and PodTemplateSpec defaults and validation, shared by Pods and by every kind with a
 * pod template (Kubernetes' SetDefaults_PodSpec and ValidatePodSpec / ValidatePodTemplateSpec).
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import { defaultContainer, maps, validateContainer } from './container.js';
import { validateAnnotations, validateLabels } from './meta.js';
import { dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from './names.js';

type JsonMap = Record<string, unknown>;

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
/** Volume sources whose `defaultMode` Kubernetes sets to 0644. */
const MODE_SOURCES = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;
const MAX_INT32 = 2147483647;

/** Fills a PodSpec's defaults in place (what Pods and pod templates share). */
export function defaultPodSpec(spec: JsonMap): void {
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['restartPolicy'] ??= 'Always';
  if (!isObject(spec['securityContext'])) spec['securityContext'] = {};
  spec['terminationGracePeriodSeconds'] ??= 30;
  spec['schedulerName'] ??= 'default-scheduler';
  spec['enableServiceLinks'] ??= true;
  for (const container of maps(spec['initContainers'])) defaultContainer(container);
  for (const container of maps(spec['containers'])) defaultContainer(container);
  for (const volume of maps(spec['volumes'])) defaultVolume(volume);
}

function defaultVolume(volume: JsonMap): void {
  if (volumeSources(volume).length === 0) volume['emptyDir'] = {};
  for (const source of MODE_SOURCES) {
    const value = volume[source];
    if (isObject(value)) value['defaultMode'] ??= 420;
  }
  const hostPath = volume['hostPath'];
  if (isObject(hostPath)) hostPath['type'] ??= '';
}

function volumeSources(volume: JsonMap): string[] {
  return Object.keys(volume).filter((k) => k !== 'name' && volume[k] !== undefined && volume[k] !== null);
}

/** The problems of a PodTemplateSpec at `path` (e.g. `spec.template`): its labels, annotations and spec. */
export function validatePodTemplateSpec(template: unknown, path: string): FieldError[] {
  if (!isObject(template)) return [fieldError.required(path)];
  const errors: FieldError[] = [];
  const meta = isObject(template['metadata']) ? template['metadata'] : {};
  errors.push(...validateLabels(meta['labels'], `${path}.metadata.labels`));
  errors.push(...validateAnnotations(meta['annotations'], `${path}.metadata.annotations`));
  errors.push(...validatePodSpec(template['spec'], `${path}.spec`));
  return errors;
}

/** The problems of a PodSpec at `path` (e.g. `spec`). */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  if (!isObject(spec)) return [fieldError.required(`${path}.containers`)];
  const errors: FieldError[] = [];
  const volumes = validateVolumes(spec['volumes'], `${path}.volumes`, errors);
  errors.push(...validateContainerLists(spec, path, volumes));
  const restartPolicy = spec['restartPolicy'];
  if (restartPolicy === undefined || restartPolicy === '') errors.push(fieldError.required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restartPolicy as never)) {
    errors.push(fieldError.notSupported(`${path}.restartPolicy`, restartPolicy, RESTART_POLICIES));
  }
  const dnsPolicy = spec['dnsPolicy'];
  if (dnsPolicy === undefined || dnsPolicy === '') errors.push(fieldError.required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dnsPolicy as never)) {
    errors.push(fieldError.notSupported(`${path}.dnsPolicy`, dnsPolicy, DNS_POLICIES));
  } else if (dnsPolicy === 'None' && !isObject(spec['dnsConfig'])) {
    errors.push(fieldError.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  errors.push(...validateLabels(spec['nodeSelector'], `${path}.nodeSelector`));
  errors.push(...validateTolerations(spec['tolerations'], `${path}.tolerations`));
  const deadline = spec['activeDeadlineSeconds'];
  if (
    deadline !== undefined &&
    deadline !== null &&
    !(Number.isInteger(deadline) && (deadline as number) >= 1 && (deadline as number) <= MAX_INT32)
  ) {
    errors.push(
      fieldError.invalid(`${path}.activeDeadlineSeconds`, deadline, `must be between 1 and ${MAX_INT32}, inclusive`),
    );
  }
  for (const field of ['hostname', 'subdomain'] as const) {
    const value = spec[field];
    if (typeof value === 'string' && value !== '') {
      for (const e of dns1123Label(value)) errors.push(fieldError.invalid(`${path}.${field}`, value, e));
    }
  }
  const account = spec['serviceAccountName'];
  if (typeof account === 'string' && account !== '') {
    for (const e of dns1123Subdomain(account))
      errors.push(fieldError.invalid(`${path}.serviceAccountName`, account, e));
  }
  return errors;
}

function validateVolumes(list: unknown, path: string, errors: FieldError[]): Set<string> {
  const names = new Set<string>();
  if (list === undefined || list === null) return names;
  if (!Array.isArray(list)) {
    errors.push(fieldError.typeInvalid(path, list, 'must be a list'));
    return names;
  }
  for (const [i, volume] of list.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(volume)) {
      errors.push(fieldError.typeInvalid(at, volume, 'must be an object'));
      continue;
    }
    const name = volume['name'];
    if (typeof name !== 'string' || name === '') errors.push(fieldError.required(`${at}.name`));
    else {
      for (const e of dns1123Label(name)) errors.push(fieldError.invalid(`${at}.name`, name, e));
      if (names.has(name)) errors.push(fieldError.duplicate(`${at}.name`, name));
      names.add(name);
    }
    const sources = volumeSources(volume);
    if (sources.length === 0) errors.push(fieldError.required(at, 'must specify a volume type'));
    for (const extra of sources.slice(1)) {
      errors.push(fieldError.forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type'));
    }
  }
  return names;
}

/** Containers (required) then init containers: names unique across both, host ports not shared. */
function validateContainerLists(spec: JsonMap, path: string, volumes: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) errors.push(fieldError.required(`${path}.containers`));
  const initContainers = spec['initContainers'];
  if (initContainers !== undefined && initContainers !== null && !Array.isArray(initContainers)) {
    errors.push(fieldError.typeInvalid(`${path}.initContainers`, initContainers, 'must be a list'));
  }
  for (const field of ['containers', 'initContainers'] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    for (const [i, container] of list.entries()) {
      const at = `${path}.${field}[${i}]`;
      errors.push(...validateContainer(container, at, volumes));
      const name = isObject(container) ? container['name'] : undefined;
      if (typeof name !== 'string' || name === '') continue;
      if (names.has(name)) errors.push(fieldError.duplicate(`${at}.name`, name));
      names.add(name);
    }
  }
  errors.push(...validateHostPorts(maps(containers), `${path}.containers`));
  return errors;
}

/** Two ports of a pod may not claim the same host port, protocol and host IP. */
function validateHostPorts(containers: JsonMap[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, container] of containers.entries()) {
    for (const [j, port] of maps(container['ports']).entries()) {
      const hostPort = port['hostPort'];
      if (typeof hostPort !== 'number' || hostPort === 0) continue;
      const key = `${String(port['protocol'] ?? 'TCP')}/${String(port['hostIP'] ?? '')}/${hostPort}`;
      if (seen.has(key)) errors.push(fieldError.duplicate(`${path}[${i}].ports[${j}].hostPort`, key));
      seen.add(key);
    }
  }
  return errors;
}

/** The problems of a toleration list at `path` (e.g. `spec.tolerations`). */
export function validateTolerations(list: unknown, path: string): FieldError[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return [fieldError.typeInvalid(path, list, 'must be a list')];
  const errors: FieldError[] = [];
  for (const [i, toleration] of list.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(toleration)) {
      errors.push(fieldError.typeInvalid(at, toleration, 'must be an object'));
      continue;
    }
    const key = typeof toleration['key'] === 'string' ? toleration['key'] : '';
    const operator = toleration['operator'] ?? 'Equal';
    const value = typeof toleration['value'] === 'string' ? toleration['value'] : '';
    const effect = toleration['effect'] ?? '';
    if (key !== '') for (const e of qualifiedName(key)) errors.push(fieldError.invalid(`${at}.key`, key, e));
    if (key === '' && operator !== 'Exists') {
      errors.push(
        fieldError.invalid(
          `${at}.operator`,
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (operator === '' || operator === 'Equal') {
      for (const e of labelValue(value)) errors.push(fieldError.invalid(`${at}.operator`, value, e));
    } else if (operator === 'Exists') {
      if (value !== '') {
        errors.push(fieldError.invalid(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
      }
    } else errors.push(fieldError.notSupported(`${at}.operator`, operator, TOLERATION_OPERATORS));
    const seconds = toleration['tolerationSeconds'];
    if (seconds !== undefined && seconds !== null && effect !== 'NoExecute') {
      errors.push(
        fieldError.invalid(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    }
    if (effect !== '' && !TAINT_EFFECTS.includes(effect as never)) {
      errors.push(fieldError.notSupported(`${at}.effect`, effect, TAINT_EFFECTS));
    }
  }
  return errors;
}
