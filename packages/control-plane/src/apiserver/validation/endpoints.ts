/**
 * The Endpoints strategy (ValidateEndpoints): each subset's addresses are valid IPs outside the
 * special ranges, its ports valid and named when there are several.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isIP, kindStrategy, list, portNumber, protocol, record, text } from './kind-helpers.js';
import { dns1123Label, dns1123Subdomain } from './names.js';
import type { KindStrategy } from './types.js';

/** The problems of an endpoint IP: valid, and not unspecified, loopback or link-local. */
export function endpointIP(ip: string): string[] {
  if (!isIP(ip)) return ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
  if (ip === '0.0.0.0' || ip === '::') return ['may not be unspecified (0.0.0.0)'];
  if (ip.startsWith('127.') || ip === '::1') return ['may not be in the loopback range (127.0.0.0/8, ::1/128)'];
  if (ip.startsWith('169.254.') || /^fe[89ab]/i.test(ip)) {
    return ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'];
  }
  if (ip.startsWith('224.0.0.') || /^ff02:/i.test(ip))
    return ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'];
  return [];
}

function validateAddress(raw: unknown, path: string): FieldError[] {
  const address = record(raw);
  const errors: FieldError[] = [];
  const ip = text(address.ip);
  for (const e of endpointIP(ip)) errors.push(fieldError.invalid(`${path}.ip`, ip, e));
  const hostname = text(address.hostname);
  if (hostname !== '')
    for (const e of dns1123Label(hostname)) errors.push(fieldError.invalid(`${path}.hostname`, hostname, e));
  const nodeName = text(address.nodeName);
  if (nodeName !== '')
    for (const e of dns1123Subdomain(nodeName)) errors.push(fieldError.invalid(`${path}.nodeName`, nodeName, e));
  return errors;
}

function validatePorts(ports: unknown[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [i, raw] of ports.entries()) {
    const port = record(raw);
    const portPath = `${path}[${i}]`;
    const name = text(port.name);
    if (name === '') {
      if (ports.length > 1) errors.push(fieldError.required(`${portPath}.name`));
    } else {
      for (const e of dns1123Label(name)) errors.push(fieldError.invalid(`${portPath}.name`, name, e));
    }
    for (const e of portNumber(port.port)) errors.push(fieldError.invalid(`${portPath}.port`, port.port ?? 0, e));
    errors.push(...protocol(`${portPath}.protocol`, port.protocol));
  }
  return errors;
}

function defaults(obj: KubeObject): void {
  for (const subset of list(obj.subsets)) {
    for (const port of list(record(subset).ports)) {
      const p = record(port);
      if (port === p && text(p.protocol) === '') p.protocol = 'TCP';
    }
  }
}

function validate(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  for (const [i, raw] of list(obj.subsets).entries()) {
    const subset = record(raw);
    const path = `subsets[${i}]`;
    const addresses = list(subset.addresses);
    const notReady = list(subset.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) {
      errors.push(fieldError.required(`${path}`, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const [j, a] of addresses.entries()) errors.push(...validateAddress(a, `${path}.addresses[${j}]`));
    for (const [j, a] of notReady.entries()) errors.push(...validateAddress(a, `${path}.notReadyAddresses[${j}]`));
    errors.push(...validatePorts(list(subset.ports), `${path}.ports`));
  }
  return errors;
}

/** The Endpoints strategy: namespaced, names are DNS-1123 subdomains, port protocols default to TCP. */
export const endpointsStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  defaults,
  validate,
});
