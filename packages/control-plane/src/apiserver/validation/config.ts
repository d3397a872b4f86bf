/**
 * The ConfigMap and Secret strategies (ValidateConfigMap, ValidateSecret and their updates):
 * config keys, base64 values, the 1 MiB size limit, the keys each Secret type requires, and
 * `immutable` objects whose data may no longer change.
 */
import { Buffer } from 'node:buffer';
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { sameJson } from './json-equal.js';
import { kindStrategy, record, text } from './kind-helpers.js';
import { dns1123Subdomain } from './names.js';
import type { KindStrategy } from './types.js';

/** The most bytes a ConfigMap's or Secret's data may hold (core.MaxSecretSize). */
export const MAX_CONFIG_SIZE = 1024 * 1024;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The problems of a ConfigMap or Secret key (IsConfigMapKey). */
export function configKey(key: string): string[] {
  const errors: string[] = [];
  if (key.length > 253) errors.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(key)) {
    errors.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
  }
  if (key === '.') errors.push("must not be '.'");
  else if (key === '..') errors.push("must not be '..'");
  else if (key.startsWith('..')) errors.push("must not start with '..'");
  return errors;
}

/** The decoded size of a base64 value, or undefined when it is not base64. */
function base64Size(value: unknown): number | undefined {
  if (typeof value !== 'string' || !BASE64.test(value)) return undefined;
  return Buffer.from(value, 'base64').length;
}

/** The problems of one data map: its keys, and (for base64 maps) its values; adds to `size`. */
function validateMap(map: unknown, path: string, encoding: 'text' | 'base64', size: { bytes: number }): FieldError[] {
  if (map === undefined || map === null) return [];
  if (!isObject(map)) return [fieldError.typeInvalid(path, map, 'must be a map of strings')];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(map)) {
    for (const e of configKey(key)) errors.push(fieldError.invalid(`${path}[${key}]`, key, e));
    // A null value decodes as empty, as Go's JSON decoder leaves it.
    if (value === null) continue;
    if (encoding === 'base64') {
      const bytes = base64Size(value);
      if (bytes === undefined)
        errors.push(fieldError.invalid(`${path}[${key}]`, '<value omitted>', 'illegal base64 data'));
      else size.bytes += bytes;
    } else if (typeof value !== 'string') {
      errors.push(fieldError.typeInvalid(`${path}[${key}]`, value, 'must be a string'));
    } else {
      size.bytes += Buffer.byteLength(value);
    }
  }
  return errors;
}

function validateConfigMap(obj: KubeObject): FieldError[] {
  const size = { bytes: 0 };
  const errors = [
    ...validateMap(obj.data, 'data', 'text', size),
    ...validateMap(obj.binaryData, 'binaryData', 'base64', size),
  ];
  const data = record(obj.data);
  for (const key of Object.keys(record(obj.binaryData))) {
    if (key in data) errors.push(fieldError.invalid(`binaryData[${key}]`, key, 'duplicate of key present in data'));
  }
  if (size.bytes > MAX_CONFIG_SIZE) errors.push(fieldError.tooLong('data', MAX_CONFIG_SIZE));
  return errors;
}

/** `immutable: true` freezes the listed fields and itself. */
function validateImmutable(obj: KubeObject, old: KubeObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errors: FieldError[] = [];
  if (obj.immutable !== true) {
    errors.push(fieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
  }
  for (const field of fields) {
    if (!sameJson(obj[field] ?? {}, old[field] ?? {})) {
      errors.push(fieldError.forbidden(field, 'field is immutable when `immutable` is set'));
    }
  }
  return errors;
}

/** The ConfigMap strategy: namespaced, names are DNS-1123 subdomains. */
export const configMapStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  validate: validateConfigMap,
  validateChange: (obj, old) => validateImmutable(obj, old, ['data', 'binaryData']),
});

/** The keys each well-known Secret type requires in its data. */
const REQUIRED_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

/** Secret defaults: type Opaque, and stringData merged into data as base64 (as the v1 conversion does). */
function secretDefaults(obj: KubeObject): void {
  if (text(obj.type) === '') obj.type = 'Opaque';
  if (isObject(obj.stringData)) {
    const data = isObject(obj.data) ? obj.data : {};
    for (const [key, value] of Object.entries(obj.stringData)) {
      if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
    obj.data = data;
    delete obj.stringData;
  }
}

function validateSecretType(obj: KubeObject): FieldError[] {
  const type = text(obj.type);
  const data = record(obj.data);
  const errors: FieldError[] = [];
  for (const key of REQUIRED_KEYS[type] ?? []) {
    if (!(key in data)) errors.push(fieldError.required(`data[${key}]`));
  }
  if (type === 'kubernetes.io/basic-auth' && !('username' in data) && !('password' in data)) {
    errors.push(fieldError.required('data[username]'), fieldError.required('data[password]'));
  }
  if (type === 'kubernetes.io/service-account-token') {
    const annotations = obj.metadata.annotations ?? {};
    if (text(annotations['kubernetes.io/service-account.name']) === '') {
      errors.push(fieldError.required('metadata.annotations[kubernetes.io/service-account.name]'));
    }
  }
  const jsonKey =
    type === 'kubernetes.io/dockercfg'
      ? '.dockercfg'
      : type === 'kubernetes.io/dockerconfigjson'
        ? '.dockerconfigjson'
        : undefined;
  const encoded = jsonKey === undefined ? undefined : data[jsonKey];
  if (jsonKey !== undefined && base64Size(encoded) !== undefined) {
    try {
      JSON.parse(Buffer.from(text(encoded), 'base64').toString('utf8'));
    } catch (err) {
      errors.push(fieldError.invalid(`data[${jsonKey}]`, '<secret contents redacted>', (err as Error).message));
    }
  }
  return errors;
}

function validateSecret(obj: KubeObject): FieldError[] {
  const size = { bytes: 0 };
  const errors = [...validateMap(obj.data, 'data', 'base64', size), ...validateSecretType(obj)];
  if (size.bytes > MAX_CONFIG_SIZE) errors.push(fieldError.tooLong('data', MAX_CONFIG_SIZE));
  return errors;
}

function validateSecretChange(obj: KubeObject, old: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  if (text(obj.type) !== text(old.type)) errors.push(fieldError.invalid('type', obj.type ?? '', 'field is immutable'));
  errors.push(...validateImmutable(obj, old, ['data']));
  return errors;
}

/** The Secret strategy: namespaced, names are DNS-1123 subdomains, type defaults to Opaque. */
export const secretStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  defaults: secretDefaults,
  validate: validateSecret,
  validateChange: validateSecretChange,
});
