import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { configKey, configMapStrategy, MAX_CONFIG_SIZE, secretStrategy } from './config.js';

function configMap(body: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, ...body };
}

function secret(body: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'default', ...(annotations === undefined ? {} : { annotations }) },
    ...body,
  };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function problems(strategy: typeof configMapStrategy, obj: KubeObject): string[] {
  strategy.defaults(obj);
  return strategy.validate(obj).map((e) => `${e.field}: ${e.message}`);
}

t.test('config keys follow IsConfigMapKey', async (t) => {
  const cases: [string, number][] = [
    ['app.properties', 0],
    ['KEY_NAME', 0],
    ['.hidden', 0],
    ['.', 1],
    ['..', 1],
    ['..data', 1],
    ['a/b', 1],
    ['a b', 1],
    ['k'.repeat(254), 1],
  ];
  for (const [key, count] of cases) t.equal(configKey(key).length, count, key);
  t.same(configKey('..'), ["must not be '..'"]);
});

t.test('ConfigMap data, binaryData and size', async (t) => {
  t.same(problems(configMapStrategy, configMap({ data: { 'a.conf': 'x' }, binaryData: { bin: b64('\u0001') } })), []);
  t.same(problems(configMapStrategy, configMap({ data: { 'a/b': 'x' } })), [
    "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  t.same(problems(configMapStrategy, configMap({ data: { k: 'x' }, binaryData: { k: b64('y') } })), [
    'binaryData[k]: Invalid value: "k": duplicate of key present in data',
  ]);
  t.same(problems(configMapStrategy, configMap({ binaryData: { k: 'not base64!' } })), [
    'binaryData[k]: Invalid value: "<value omitted>": illegal base64 data',
  ]);
  t.same(problems(configMapStrategy, configMap({ data: { k: 'x'.repeat(MAX_CONFIG_SIZE) } })), []);
  t.same(problems(configMapStrategy, configMap({ data: { k: 'x'.repeat(MAX_CONFIG_SIZE), j: 'y' } })), [
    'data: Too long: may not be more than 1048576 bytes',
  ]);
});

t.test('immutable ConfigMaps keep their data and stay immutable', async (t) => {
  const old = configMap({ immutable: true, data: { a: '1' } });
  const messages = (obj: KubeObject): string[] =>
    configMapStrategy.validateUpdate(obj, old).map((e) => `${e.field}: ${e.message}`);
  t.same(messages(configMap({ immutable: true, data: { a: '1' } })), []);
  t.same(messages(configMap({ immutable: true, data: { a: '2' } })), [
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  t.same(messages(configMap({ immutable: false, data: { a: '1' } })), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
  ]);
  const mutable = configMap({ data: { a: '1' } });
  t.same(configMapStrategy.validateUpdate(configMap({ data: { a: '2' }, immutable: true }), mutable), []);
});

t.test('Secret defaults: Opaque type, stringData merged into data', async (t) => {
  const s = secret({ data: { a: b64('1') }, stringData: { b: 'two', a: 'one' } });
  secretStrategy.defaults(s);
  t.equal(s.type, 'Opaque');
  t.same(s.data, { a: b64('one'), b: b64('two') });
  t.equal(s.stringData, undefined);
});

t.test('Secret types require their keys', async (t) => {
  const cases: [KubeObject, string[]][] = [
    [secret({ data: { password: 'bm90IGJhc2U2NA==' } }), []],
    [
      secret({ data: { password: 'not base64' } }),
      ['data[password]: Invalid value: "<value omitted>": illegal base64 data'],
    ],
    [secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } }), ['data[tls.key]: Required value']],
    [secret({ type: 'kubernetes.io/ssh-auth', data: {} }), ['data[ssh-privatekey]: Required value']],
    [
      secret({ type: 'kubernetes.io/basic-auth', data: {} }),
      ['data[username]: Required value', 'data[password]: Required value'],
    ],
    [secret({ type: 'kubernetes.io/basic-auth', data: { username: b64('u') } }), []],
    [secret({ type: 'kubernetes.io/dockerconfigjson', data: {} }), ['data[.dockerconfigjson]: Required value']],
    [secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{"auths":{}}') } }), []],
    [
      secret({ type: 'kubernetes.io/service-account-token', data: {} }),
      ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    ],
    [secret({ type: 'kubernetes.io/service-account-token' }, { 'kubernetes.io/service-account.name': 'default' }), []],
  ];
  for (const [obj, expected] of cases) t.same(problems(secretStrategy, obj), expected, String(obj.type));
  const bad = problems(
    secretStrategy,
    secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{') } }),
  );
  t.equal(bad.length, 1);
  t.match(bad[0], /^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /);
});

t.test('a Secret type never changes; immutable Secrets keep their data', async (t) => {
  const old = secret({ type: 'Opaque', immutable: true, data: { a: b64('1') } });
  const next = secret({ type: 'kubernetes.io/basic-auth', immutable: true, data: { a: b64('2'), username: b64('u') } });
  t.same(
    secretStrategy.validateUpdate(next, old).map((e) => `${e.field}: ${e.message}`),
    [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'data: Forbidden: field is immutable when `immutable` is set',
    ],
  );
});

t.test('null data values read as empty', async (t) => {
  t.same(problems(configMapStrategy, configMap({ data: { a: null } })), []);
  t.same(problems(secretStrategy, secret({ data: { a: null } })), []);
});
