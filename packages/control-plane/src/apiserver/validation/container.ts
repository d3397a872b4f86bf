/**
 * One container's defaults and validation (Kubernetes' SetDefaults_Container and
 * validateContainers' per-container checks): image pull policy, ports, env, volume mounts,
 * resources and probes.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import { dns1123Label, portName, qualifiedName } from './names.js';
import { QUANTITY_PATTERN, compareQuantities, parseQuantity, ZERO_QUANTITY } from './quantity.js';

type JsonMap = Record<string, unknown>;

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
const MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
const PROBE_KINDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLER_KINDS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

/** The image pull policy Kubernetes defaults for an image: Always for `:latest` or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const withoutDigest = image.split('@')[0] ?? '';
  const hasDigest = withoutDigest !== image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > lastSlash ? withoutDigest.slice(colon + 1) : hasDigest ? '' : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Fills one container's defaults in place. */
export function defaultContainer(container: JsonMap): void {
  if (typeof container['image'] === 'string' && container['imagePullPolicy'] === undefined) {
    container['imagePullPolicy'] = defaultPullPolicy(container['image']);
  }
  container['terminationMessagePath'] ??= '/dev/termination-log';
  container['terminationMessagePolicy'] ??= 'File';
  if (!isObject(container['resources'])) container['resources'] = {};
  for (const port of maps(container['ports'])) port['protocol'] ??= 'TCP';
  for (const env of maps(container['env'])) {
    const fieldRef = isObject(env['valueFrom']) ? env['valueFrom']['fieldRef'] : undefined;
    if (isObject(fieldRef)) fieldRef['apiVersion'] ??= 'v1';
  }
  for (const kind of PROBE_KINDS) {
    const probe = container[kind];
    if (!isObject(probe)) continue;
    probe['timeoutSeconds'] ??= 1;
    probe['periodSeconds'] ??= 10;
    probe['successThreshold'] ??= 1;
    probe['failureThreshold'] ??= 3;
    defaultHttpGet(probe['httpGet']);
  }
  if (isObject(container['lifecycle'])) {
    for (const hook of ['postStart', 'preStop'] as const) {
      const handler = container['lifecycle'][hook];
      if (isObject(handler)) defaultHttpGet(handler['httpGet']);
    }
  }
}

function defaultHttpGet(action: unknown): void {
  if (!isObject(action)) return;
  action['path'] ??= '/';
  action['scheme'] ??= 'HTTP';
}

/** The objects of a list that are objects (an absent or malformed list gives none). */
export function maps(value: unknown): JsonMap[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** The problems of one container at `path`, whose mounts must name one of `volumes`. */
export function validateContainer(container: unknown, path: string, volumes: ReadonlySet<string>): FieldError[] {
  if (!isObject(container)) return [fieldError.typeInvalid(path, container, 'must be an object')];
  const errors: FieldError[] = [];
  const name = container['name'];
  if (typeof name !== 'string' || name === '') errors.push(fieldError.required(`${path}.name`));
  else for (const e of dns1123Label(name)) errors.push(fieldError.invalid(`${path}.name`, name, e));
  const image = container['image'];
  if (typeof image !== 'string' || image === '') errors.push(fieldError.required(`${path}.image`));
  else if (image.trim() !== image) {
    errors.push(fieldError.invalid(`${path}.image`, image, 'must not have leading or trailing whitespace'));
  }
  errors.push(...oneOf(container['imagePullPolicy'], `${path}.imagePullPolicy`, PULL_POLICIES));
  errors.push(...oneOf(container['terminationMessagePolicy'], `${path}.terminationMessagePolicy`, MESSAGE_POLICIES));
  errors.push(...validatePorts(container['ports'], `${path}.ports`));
  errors.push(...validateEnv(container['env'], `${path}.env`));
  errors.push(...validateVolumeMounts(container['volumeMounts'], `${path}.volumeMounts`, volumes));
  errors.push(...validateResources(container['resources'], `${path}.resources`));
  for (const kind of PROBE_KINDS) errors.push(...validateProbe(container[kind], `${path}.${kind}`, kind));
  return errors;
}

function oneOf(value: unknown, path: string, supported: readonly string[]): FieldError[] {
  if (value === undefined) return [];
  if (value === '') return [fieldError.required(path)];
  return typeof value === 'string' && supported.includes(value)
    ? []
    : [fieldError.notSupported(path, value, supported)];
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive';

function isPortNumber(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

function validatePorts(ports: unknown, path: string): FieldError[] {
  if (ports === undefined || ports === null) return [];
  if (!Array.isArray(ports)) return [fieldError.typeInvalid(path, ports, 'must be a list')];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, port] of ports.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(port)) {
      errors.push(fieldError.typeInvalid(at, port, 'must be an object'));
      continue;
    }
    const name = port['name'];
    if (typeof name === 'string' && name !== '') {
      for (const e of portName(name)) errors.push(fieldError.invalid(`${at}.name`, name, e));
      if (names.has(name)) errors.push(fieldError.duplicate(`${at}.name`, name));
      names.add(name);
    }
    const containerPort = port['containerPort'];
    if (containerPort === undefined || containerPort === 0) errors.push(fieldError.required(`${at}.containerPort`));
    else if (!isPortNumber(containerPort)) {
      errors.push(fieldError.invalid(`${at}.containerPort`, containerPort, PORT_RANGE));
    }
    const hostPort = port['hostPort'];
    if (hostPort !== undefined && hostPort !== 0 && !isPortNumber(hostPort)) {
      errors.push(fieldError.invalid(`${at}.hostPort`, hostPort, PORT_RANGE));
    }
    const protocol = port['protocol'];
    if (protocol === undefined || protocol === '') errors.push(fieldError.required(`${at}.protocol`));
    else errors.push(...oneOf(protocol, `${at}.protocol`, PROTOCOLS));
  }
  return errors;
}

/** The problems of an environment variable name (Kubernetes' relaxed rule: printable ASCII but '='). */
export function envVarName(value: string): string[] {
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 32 || code > 126 || ch === '=') {
      return ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
    }
  }
  return [];
}

const ENV_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'] as const;

function validateEnv(env: unknown, path: string): FieldError[] {
  if (env === undefined || env === null) return [];
  if (!Array.isArray(env)) return [fieldError.typeInvalid(path, env, 'must be a list')];
  const errors: FieldError[] = [];
  for (const [i, variable] of env.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(variable)) {
      errors.push(fieldError.typeInvalid(at, variable, 'must be an object'));
      continue;
    }
    const name = variable['name'];
    if (typeof name !== 'string' || name === '') errors.push(fieldError.required(`${at}.name`));
    else for (const e of envVarName(name)) errors.push(fieldError.invalid(`${at}.name`, name, e));
    const from = variable['valueFrom'];
    if (from === undefined || from === null) continue;
    if (typeof variable['value'] === 'string' && variable['value'] !== '') {
      errors.push(fieldError.invalid(`${at}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    }
    const sources = isObject(from) ? ENV_SOURCES.filter((s) => from[s] !== undefined && from[s] !== null) : [];
    if (sources.length === 0) {
      errors.push(
        fieldError.invalid(
          `${at}.valueFrom`,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    } else if (sources.length > 1) {
      errors.push(fieldError.invalid(`${at}.valueFrom`, '', 'may not have more than one field specified at a time'));
    }
  }
  return errors;
}

function validateVolumeMounts(mounts: unknown, path: string, volumes: ReadonlySet<string>): FieldError[] {
  if (mounts === undefined || mounts === null) return [];
  if (!Array.isArray(mounts)) return [fieldError.typeInvalid(path, mounts, 'must be a list')];
  const errors: FieldError[] = [];
  const paths = new Set<string>();
  for (const [i, mount] of mounts.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(mount)) {
      errors.push(fieldError.typeInvalid(at, mount, 'must be an object'));
      continue;
    }
    const name = mount['name'];
    if (typeof name !== 'string' || name === '') errors.push(fieldError.required(`${at}.name`));
    else if (!volumes.has(name)) errors.push(fieldError.notFound(`${at}.name`, name));
    const mountPath = mount['mountPath'];
    if (typeof mountPath !== 'string' || mountPath === '') errors.push(fieldError.required(`${at}.mountPath`));
    else {
      if (paths.has(mountPath)) errors.push(fieldError.invalid(`${at}.mountPath`, mountPath, 'must be unique'));
      paths.add(mountPath);
    }
  }
  return errors;
}

function validateResources(resources: unknown, path: string): FieldError[] {
  if (resources === undefined || resources === null) return [];
  if (!isObject(resources)) return [fieldError.typeInvalid(path, resources, 'must be an object')];
  const errors: FieldError[] = [];
  for (const part of ['limits', 'requests'] as const) {
    const list = resources[part];
    if (list === undefined || list === null) continue;
    if (!isObject(list)) {
      errors.push(fieldError.typeInvalid(`${path}.${part}`, list, 'must be a map of quantities'));
      continue;
    }
    for (const [name, value] of Object.entries(list)) {
      const at = `${path}.${part}[${name}]`;
      for (const e of qualifiedName(name)) errors.push(fieldError.invalid(at, name, e));
      const quantity = parseQuantity(value);
      if (quantity === undefined) {
        errors.push(
          fieldError.invalid(at, value, `quantities must match the regular expression '${QUANTITY_PATTERN}'`),
        );
      } else if (compareQuantities(quantity, ZERO_QUANTITY) < 0) {
        errors.push(fieldError.invalid(at, String(value), 'must be greater than or equal to 0'));
      }
    }
  }
  const limits = isObject(resources['limits']) ? resources['limits'] : {};
  const requests = isObject(resources['requests']) ? resources['requests'] : {};
  for (const [name, value] of Object.entries(requests)) {
    const request = parseQuantity(value);
    const limit = parseQuantity(limits[name]);
    if (request === undefined || limit === undefined) continue;
    if (compareQuantities(request, limit) > 0) {
      errors.push(
        fieldError.invalid(
          `${path}.requests`,
          String(value),
          `must be less than or equal to ${name} limit of ${String(limits[name])}`,
        ),
      );
    }
  }
  return errors;
}

const NON_NEGATIVE = 'must be greater than or equal to 0';

function validateProbe(probe: unknown, path: string, kind: (typeof PROBE_KINDS)[number]): FieldError[] {
  if (probe === undefined || probe === null) return [];
  if (!isObject(probe)) return [fieldError.typeInvalid(path, probe, 'must be an object')];
  const errors: FieldError[] = [];
  const handlers = HANDLER_KINDS.filter((h) => probe[h] !== undefined && probe[h] !== null);
  if (handlers.length === 0) errors.push(fieldError.required(path, 'must specify a handler type'));
  for (const extra of handlers.slice(1)) {
    errors.push(fieldError.forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  }
  for (const field of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ]) {
    const value = probe[field];
    if (value !== undefined && (typeof value !== 'number' || value < 0)) {
      errors.push(fieldError.invalid(`${path}.${field}`, value, NON_NEGATIVE));
    }
  }
  if (kind !== 'readinessProbe' && probe['successThreshold'] !== undefined && probe['successThreshold'] !== 1) {
    errors.push(fieldError.invalid(`${path}.successThreshold`, probe['successThreshold'], 'must be 1'));
  }
  const httpGet = probe['httpGet'];
  if (isObject(httpGet)) {
    const port = httpGet['port'];
    if (typeof port === 'number' && !isPortNumber(port)) {
      errors.push(fieldError.invalid(`${path}.httpGet.port`, port, PORT_RANGE));
    } else if (typeof port === 'string') {
      for (const e of portName(port)) errors.push(fieldError.invalid(`${path}.httpGet.port`, port, e));
    } else if (port === undefined) errors.push(fieldError.required(`${path}.httpGet.port`));
    errors.push(...oneOf(httpGet['scheme'], `${path}.httpGet.scheme`, ['HTTP', 'HTTPS']));
  }
  return errors;
}
