import t from 'tap';
import type { FieldError } from '../api/errors.js';
import { defaultContainer, defaultPullPolicy, envVarName, validateContainer } from './container.js';
import { portName } from './names.js';

const brief = (errors: FieldError[]): string[] => errors.map((e) => `${e.type} ${e.field}`);
const path = 'spec.containers[0]';
const none = new Set<string>();

t.test('imagePullPolicy defaults to Always for :latest or no tag, else IfNotPresent', async (t) => {
  t.equal(defaultPullPolicy('nginx'), 'Always');
  t.equal(defaultPullPolicy('nginx:latest'), 'Always');
  t.equal(defaultPullPolicy('registry:5000/team/nginx'), 'Always');
  t.equal(defaultPullPolicy('nginx:1.27'), 'IfNotPresent');
  t.equal(defaultPullPolicy('registry:5000/nginx:1.27'), 'IfNotPresent');
  t.equal(defaultPullPolicy('nginx@sha256:0123abcd'), 'IfNotPresent');
});

t.test('container defaults: messages, resources, port protocol, probes, fieldRef', async (t) => {
  const container: Record<string, unknown> = {
    name: 'web',
    image: 'nginx:1.27',
    ports: [{ containerPort: 80 }],
    env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    livenessProbe: { httpGet: { port: 80 } },
    readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
  };
  defaultContainer(container);
  t.same(container, {
    name: 'web',
    image: 'nginx:1.27',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }],
    livenessProbe: {
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    },
    readinessProbe: {
      tcpSocket: { port: 80 },
      periodSeconds: 5,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
  });
});

t.test('name and image are required', async (t) => {
  t.same(brief(validateContainer({}, path, none)), [
    `FieldValueRequired ${path}.name`,
    `FieldValueRequired ${path}.image`,
  ]);
  t.same(brief(validateContainer({ name: 'Web_1', image: 'x' }, path, none)), [`FieldValueInvalid ${path}.name`]);
});

t.test('container ports: range, required, names, protocol', async (t) => {
  const errors = validateContainer(
    {
      name: 'c',
      image: 'x',
      ports: [
        { containerPort: 0, protocol: 'TCP' },
        { containerPort: 70000, protocol: 'TCP', hostPort: 70000 },
        { containerPort: 80, protocol: 'HTTP', name: 'web' },
        { containerPort: 81, protocol: 'TCP', name: 'web' },
        { containerPort: 82, protocol: 'TCP', name: 'Metrics_Port_Long' },
      ],
    },
    path,
    none,
  );
  t.same(brief(errors), [
    `FieldValueRequired ${path}.ports[0].containerPort`,
    `FieldValueInvalid ${path}.ports[1].containerPort`,
    `FieldValueInvalid ${path}.ports[1].hostPort`,
    `FieldValueNotSupported ${path}.ports[2].protocol`,
    `FieldValueDuplicate ${path}.ports[3].name`,
    `FieldValueInvalid ${path}.ports[4].name`,
    `FieldValueInvalid ${path}.ports[4].name`,
  ]);
  t.equal(errors[1]?.message, 'Invalid value: 70000: must be between 1 and 65535, inclusive');
  t.equal(errors[3]?.message, 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"');
});

t.test('port names follow IANA_SVC_NAME', async (t) => {
  t.same(portName('http'), []);
  t.same(portName('h2c-8080'), []);
  t.same(portName('8080'), ['must contain at least one letter (a-z)']);
  t.same(portName('a--b'), ['must not contain consecutive hyphens']);
  t.same(portName('-ab'), ['must not begin or end with a hyphen']);
  t.same(portName('abcdefghijklmnop'), ['must be no more than 15 characters']);
  t.same(portName('HTTP'), [
    'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'must contain at least one letter (a-z)',
  ]);
});

t.test('env var names follow the relaxed rule: printable ASCII but =', async (t) => {
  t.same(envVarName('MY_VAR'), []);
  t.same(envVarName('1-dotted.name'), []);
  t.equal(envVarName('A=B').length, 1);
  t.equal(envVarName('caf\u00e9').length, 1);
  const errors = validateContainer({ name: 'c', image: 'x', env: [{ value: 'v' }, { name: 'A=B' }] }, path, none);
  t.same(brief(errors), [`FieldValueRequired ${path}.env[0].name`, `FieldValueInvalid ${path}.env[1].name`]);
});

t.test('volumeMounts must name a volume and have unique mount paths', async (t) => {
  const errors = validateContainer(
    {
      name: 'c',
      image: 'x',
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'missing', mountPath: '/data' }, { name: 'data' }],
    },
    path,
    new Set(['data']),
  );
  t.same(brief(errors), [
    `FieldValueNotFound ${path}.volumeMounts[1].name`,
    `FieldValueInvalid ${path}.volumeMounts[1].mountPath`,
    `FieldValueRequired ${path}.volumeMounts[2].mountPath`,
  ]);
  t.equal(errors[0]?.message, 'Not found: "missing"');
});

t.test('resource quantities must parse and requests must not exceed limits', async (t) => {
  const errors = validateContainer(
    {
      name: 'c',
      image: 'x',
      resources: {
        limits: { cpu: '1', memory: '1Gi' },
        requests: { cpu: '2', memory: 'lots', 'ephemeral-storage': '-1' },
      },
    },
    path,
    none,
  );
  t.same(brief(errors), [
    `FieldValueInvalid ${path}.resources.requests[memory]`,
    `FieldValueInvalid ${path}.resources.requests[ephemeral-storage]`,
    `FieldValueInvalid ${path}.resources.requests`,
  ]);
  t.match(errors[0]?.message, /quantities must match the regular expression/);
  t.equal(errors[1]?.message, 'Invalid value: "-1": must be greater than or equal to 0');
  t.equal(errors[2]?.message, 'Invalid value: "2": must be less than or equal to cpu limit of 1');
  const ok = validateContainer(
    {
      name: 'c',
      image: 'x',
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1024Mi' } },
    },
    path,
    none,
  );
  t.same(ok, []);
});

t.test('probes need exactly one handler; liveness successThreshold must be 1', async (t) => {
  const errors = validateContainer(
    {
      name: 'c',
      image: 'x',
      livenessProbe: { httpGet: { port: 80 }, successThreshold: 2 },
      readinessProbe: { periodSeconds: 10 },
      startupProbe: { exec: { command: ['true'] }, tcpSocket: { port: 1 } },
    },
    path,
    none,
  );
  t.same(brief(errors), [
    `FieldValueInvalid ${path}.livenessProbe.successThreshold`,
    `FieldValueRequired ${path}.readinessProbe`,
    `FieldValueForbidden ${path}.startupProbe.tcpSocket`,
  ]);
});
