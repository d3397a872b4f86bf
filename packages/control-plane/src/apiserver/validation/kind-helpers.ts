/**
 * Small pieces the non-workload kinds' strategies share: building a strategy around the
 * metadata checks, reading untyped JSON fields, and the IP, CIDR and port rules of
 * Kubernetes' validation.
 */
import net from 'node:net';
import type { FieldError } from '../api/errors.js';
import { fieldError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import type { KubeObject } from '../api/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { portName } from './names.js';
import type { KindStrategy } from './types.js';

/** What a kind contributes to its strategy; metadata is checked around it. */
export interface KindRules {
  readonly namespaced: boolean;
  /** The kind's name rule (e.g. dns1123Subdomain). */
  readonly name: (value: string) => string[];
  readonly defaults?: (obj: KubeObject) => void;
  /** The problems of the kind's own fields (not metadata); `old` is given on update. */
  readonly validate?: (obj: KubeObject, old?: KubeObject) => FieldError[];
  /** The problems of changes to immutable fields (not the new object's own). */
  readonly validateChange?: (obj: KubeObject, old: KubeObject) => FieldError[];
}

/** A strategy: defaults, metadata plus the kind's checks on create; those plus immutability on update. */
export function kindStrategy(rules: KindRules): KindStrategy {
  const validate = (obj: KubeObject, old?: KubeObject): FieldError[] => [
    ...validateObjectMeta(obj.metadata, { namespaced: rules.namespaced, name: rules.name }),
    ...(rules.validate?.(obj, old) ?? []),
  ];
  return {
    defaults(obj) {
      rules.defaults?.(obj);
    },
    validate(obj) {
      return validate(obj);
    },
    validateUpdate(obj, old) {
      return [
        ...validate(obj, old),
        ...validateObjectMetaUpdate(obj.metadata, old.metadata),
        ...(rules.validateChange?.(obj, old) ?? []),
      ];
    },
  };
}

/** `value` as an object, or an empty one when it is not an object. */
export function record(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

/** `value` as an array, or an empty one when it is not an array. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` as a string, or '' when it is not a string. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `obj[key]` as an object, created empty when absent (for defaulting). */
export function ensureObject(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const current = obj[key];
  if (isObject(current)) return current;
  const created: Record<string, unknown> = {};
  obj[key] = created;
  return created;
}

/** Whether `value` is a dotted-quad IPv4 address. */
export function isIPv4(value: string): boolean {
  return net.isIPv4(value);
}

/** Whether `value` is an IPv6 address. */
export function isIPv6(value: string): boolean {
  return net.isIPv6(value);
}

/** Whether `value` is an IPv4 or IPv6 address. */
export function isIP(value: string): boolean {
  return net.isIP(value) !== 0;
}

/** Whether `value` is a CIDR (`10.244.0.0/24`, `fd00::/64`). */
export function isCIDR(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isIPv6(ip) && Number(bits) <= 128;
}

/** The problems of a port number: 1 to 65535. */
export function portNumber(value: unknown): string[] {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    return ['must be between 1 and 65535, inclusive'];
  }
  return [];
}

/** The problems of a port given by number or by name (a Service's targetPort, a probe's port). */
export function portNumOrName(path: string, value: unknown): FieldError[] {
  if (typeof value === 'number') return portNumber(value).map((e) => fieldError.invalid(path, value, e));
  if (typeof value === 'string') {
    if (value === '') return [fieldError.required(path)];
    return portName(value).map((e) => fieldError.invalid(path, value, e));
  }
  return [fieldError.invalid(path, value, 'must be an integer or a string')];
}

/** The problems of a protocol: TCP, UDP or SCTP. */
export function protocol(path: string, value: unknown): FieldError[] {
  const supported = ['SCTP', 'TCP', 'UDP'];
  if (value === undefined || value === '') return [fieldError.required(path)];
  return supported.includes(text(value)) ? [] : [fieldError.notSupported(path, value, supported)];
}
