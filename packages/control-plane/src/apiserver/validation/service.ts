/**
 * The Service strategy (core/v1 SetDefaults_Service, ValidateService, ValidateServiceUpdate):
 * type, ports, cluster IP, external name, traffic policies and session affinity.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import {
  ensureObject,
  isIP,
  isIPv4,
  kindStrategy,
  list,
  portNumOrName,
  portNumber,
  protocol,
  record,
  text,
} from './kind-helpers.js';
import { validateLabels } from './meta.js';
import { dns1035Label, dns1123Label, dns1123Subdomain } from './names.js';
import type { KindStrategy } from './types.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

function withNodePorts(type: string): boolean {
  return type === 'NodePort' || type === 'LoadBalancer';
}

function defaults(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  if (text(spec.type) === '') spec.type = 'ClusterIP';
  if (text(spec.sessionAffinity) === '') spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = ensureObject(ensureObject(spec, 'sessionAffinityConfig'), 'clientIP');
    if (clientIP.timeoutSeconds === undefined) clientIP.timeoutSeconds = DEFAULT_CLIENT_IP_TIMEOUT;
  }
  for (const port of list(spec.ports)) {
    if (!isObject(port)) continue;
    if (text(port.protocol) === '') port.protocol = 'TCP';
    const unset = port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '';
    if (unset && typeof port.port === 'number') port.targetPort = port.port;
  }
  const type = text(spec.type);
  if (withNodePorts(type) && text(spec.externalTrafficPolicy) === '') spec.externalTrafficPolicy = 'Cluster';
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  if (type !== 'ExternalName') {
    if (text(spec.internalTrafficPolicy) === '') spec.internalTrafficPolicy = 'Cluster';
    if (text(spec.ipFamilyPolicy) === '') spec.ipFamilyPolicy = 'SingleStack';
    if (list(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
  }
}

function validatePorts(spec: Record<string, unknown>, type: string): FieldError[] {
  const errors: FieldError[] = [];
  const ports = list(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName') errors.push(fieldError.required('spec.ports'));
  const names = new Set<string>();
  const portKeys = new Set<string>();
  const nodePorts = new Set<string>();
  for (const [i, raw] of ports.entries()) {
    const path = `spec.ports[${i}]`;
    const port = record(raw);
    const name = text(port.name);
    if (name === '') {
      if (ports.length > 1) errors.push(fieldError.required(`${path}.name`));
    } else {
      for (const e of dns1123Label(name)) errors.push(fieldError.invalid(`${path}.name`, name, e));
      if (names.has(name)) errors.push(fieldError.duplicate(`${path}.name`, name));
      names.add(name);
    }
    errors.push(...protocol(`${path}.protocol`, port.protocol));
    for (const e of portNumber(port.port)) errors.push(fieldError.invalid(`${path}.port`, port.port ?? 0, e));
    errors.push(...portNumOrName(`${path}.targetPort`, port.targetPort));
    const nodePort = port.nodePort;
    if (nodePort !== undefined && nodePort !== 0) {
      if (!withNodePorts(type)) {
        errors.push(fieldError.forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${type}'`));
      } else if (typeof nodePort !== 'number' || !Number.isInteger(nodePort) || nodePort < 1 || nodePort > 65535) {
        errors.push(fieldError.invalid(`${path}.nodePort`, nodePort, 'must be between 1 and 65535, inclusive'));
      } else {
        const key = `${text(port.protocol)}/${nodePort}`;
        if (nodePorts.has(key)) errors.push(fieldError.duplicate(`${path}.nodePort`, nodePort));
        nodePorts.add(key);
      }
    }
    const key = `${text(port.protocol)}/${String(port.port)}`;
    if (portKeys.has(key)) errors.push(fieldError.duplicate(path, { port: port.port, protocol: port.protocol }));
    portKeys.add(key);
  }
  return errors;
}

function validateClusterIP(spec: Record<string, unknown>, type: string): FieldError[] {
  const clusterIP = text(spec.clusterIP);
  if (type === 'ExternalName') {
    return clusterIP === '' ? [] : [fieldError.forbidden('spec.clusterIP', 'may not be set for ExternalName services')];
  }
  if (clusterIP === '') return [];
  if (clusterIP === 'None') {
    return withNodePorts(type)
      ? [fieldError.invalid('spec.clusterIP', clusterIP, `may not be set to 'None' for ${type} services`)]
      : [];
  }
  const errors: FieldError[] = [];
  if (!isIP(clusterIP)) {
    errors.push(
      fieldError.invalid('spec.clusterIP', clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
    );
  } else if (!isIPv4(clusterIP)) {
    errors.push(
      fieldError.invalid('spec.clusterIP', clusterIP, 'expected an IPv4 value as indicated by `ipFamilies[0]`'),
    );
  }
  const first = list(spec.clusterIPs)[0];
  if (first !== undefined && first !== clusterIP) {
    errors.push(fieldError.invalid('spec.clusterIPs[0]', first, 'must match `clusterIP` when both are specified'));
  }
  return errors;
}

/**
 * Fields of the NodePort and LoadBalancer types are forbidden on the others, except when an
 * update changes the type and leaves the old value in place (Kubernetes drops it then).
 */
function leftOver(field: string, value: unknown, before: Record<string, unknown> | undefined): boolean {
  return before !== undefined && before.type !== undefined && before[field] === value;
}

function validatePolicies(
  spec: Record<string, unknown>,
  type: string,
  before: Record<string, unknown> | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  const affinity = spec.sessionAffinity;
  if (affinity !== 'None' && affinity !== 'ClientIP') {
    errors.push(fieldError.notSupported('spec.sessionAffinity', affinity ?? '', ['ClientIP', 'None']));
  } else if (affinity === 'ClientIP') {
    const timeout = record(record(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > 86400) {
      errors.push(
        fieldError.invalid(
          'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
          timeout ?? 0,
          'must be greater than 0 and less than 86400',
        ),
      );
    }
  } else if (spec.sessionAffinityConfig !== undefined && spec.sessionAffinityConfig !== null) {
    errors.push(fieldError.forbidden('spec.sessionAffinityConfig', "must not be set when `sessionAffinity` is 'None'"));
  }
  const external = spec.externalTrafficPolicy;
  if (external !== undefined && external !== '') {
    if (!withNodePorts(type)) {
      if (!leftOver('externalTrafficPolicy', external, before))
        errors.push(
          fieldError.forbidden(
            'spec.externalTrafficPolicy',
            "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
          ),
        );
    } else if (external !== 'Cluster' && external !== 'Local') {
      errors.push(fieldError.notSupported('spec.externalTrafficPolicy', external, ['Cluster', 'Local']));
    }
  }
  const internal = spec.internalTrafficPolicy;
  if (internal !== undefined && internal !== 'Cluster' && internal !== 'Local') {
    errors.push(fieldError.notSupported('spec.internalTrafficPolicy', internal, ['Cluster', 'Local']));
  }
  const familyPolicy = spec.ipFamilyPolicy;
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (familyPolicy !== undefined && !policies.includes(text(familyPolicy))) {
    errors.push(fieldError.notSupported('spec.ipFamilyPolicy', familyPolicy, policies));
  }
  for (const [i, family] of list(spec.ipFamilies).entries()) {
    if (family !== 'IPv4' && family !== 'IPv6') {
      errors.push(fieldError.notSupported(`spec.ipFamilies[${i}]`, family, ['IPv4', 'IPv6']));
    }
  }
  const allocate = spec.allocateLoadBalancerNodePorts;
  if (
    allocate !== undefined &&
    type !== 'LoadBalancer' &&
    !leftOver('allocateLoadBalancerNodePorts', allocate, before)
  ) {
    errors.push(
      fieldError.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"),
    );
  }
  return errors;
}

function validate(obj: KubeObject, old?: KubeObject): FieldError[] {
  const spec = record(obj.spec);
  const type = text(spec.type);
  const errors: FieldError[] = [];
  if (!SERVICE_TYPES.includes(type)) {
    errors.push(fieldError.notSupported('spec.type', spec.type ?? '', SERVICE_TYPES));
    return errors;
  }
  errors.push(...validatePorts(spec, type));
  errors.push(...validateClusterIP(spec, type));
  errors.push(...validatePolicies(spec, type, old === undefined ? undefined : record(old.spec)));
  errors.push(...validateLabels(spec.selector, 'spec.selector'));
  if (type === 'ExternalName') {
    const externalName = text(spec.externalName);
    if (externalName === '') errors.push(fieldError.required('spec.externalName'));
    else {
      const cleaned = externalName.endsWith('.') ? externalName.slice(0, -1) : externalName;
      for (const e of dns1123Subdomain(cleaned)) errors.push(fieldError.invalid('spec.externalName', externalName, e));
    }
  }
  return errors;
}

/** Changing a set cluster IP is refused, unless the type changes to or from ExternalName; an empty one keeps the old. */
function validateChange(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = record(obj.spec);
  const before = record(old.spec);
  if (spec.type === 'ExternalName' || before.type === 'ExternalName') return [];
  const now = text(spec.clusterIP);
  const was = text(before.clusterIP);
  if (was !== '' && now !== '' && now !== was) return [fieldError.invalid('spec.clusterIP', now, 'field is immutable')];
  return [];
}

/** The Service strategy: names are DNS-1035 labels. */
export const serviceStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1035Label,
  defaults,
  validate,
  validateChange,
});
