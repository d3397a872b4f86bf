import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ApiError } from '../api/errors.js';
import { KUBE_PROTOBUF_MAGIC, decodeKubeProtobuf, formatTime } from './decode.js';
import { WireWriter } from './wire.js';

// Tests also run compiled from dist/, where tsc does not copy the fixtures: read them from src/.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures').replace(/\/dist\/(?!.*\/dist\/)/, '/src/');

/** A Kubernetes protobuf body: magic + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const unknown = new WireWriter()
    .message(1, (typeMeta) => typeMeta.string(1, apiVersion).string(2, kind))
    .bytes(2, raw)
    .finish();
  return Uint8Array.from([...KUBE_PROTOBUF_MAGIC, ...unknown]);
}

t.test('kubectl 1.32 protobuf bodies decode to the JSON kubectl 1.31 sends for the same command', async (t) => {
  // Fixtures recorded by fixtures/capture.ts from the real binaries.
  const names = readdirSync(fixtures)
    .filter((f) => f.endsWith('.pb'))
    .map((f) => f.slice(0, -3));
  t.ok(names.length >= 18, `${names.length} fixtures`);
  for (const name of names) {
    const body = readFileSync(join(fixtures, `${name}.pb`));
    t.same([...body.subarray(0, 4)], KUBE_PROTOBUF_MAGIC, `${name}.pb is a protobuf body`);
    const json: unknown = JSON.parse(readFileSync(join(fixtures, `${name}.jsonbody`), 'utf8'));
    t.strictSame(decodeKubeProtobuf(body), json, name);
  }
});

t.test('a captured Deployment decodes to its known fields', async (t) => {
  const deployment = decodeKubeProtobuf(readFileSync(join(fixtures, 'deployment.pb')));
  t.strictSame(deployment, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  });
});

t.test('zero values: pointers keep them, plain scalars drop them', async (t) => {
  const podSpec = new WireWriter()
    .message(2, (c) => c.string(1, 'app').string(2, 'busybox').string(5, ''))
    .varint(4, 0) // terminationGracePeriodSeconds *int64 = 0
    .bool(11, false) // hostNetwork bool
    .string(8, '') // serviceAccountName string
    .bool(30, false) // enableServiceLinks *bool = false
    .finish();
  const spec = new WireWriter()
    .varint(1, 0) // replicas *int32 = 0
    .message(3, (tpl) => tpl.message(1, () => undefined).bytes(2, podSpec))
    .varint(5, 0) // minReadySeconds int32
    .bool(7, false) // paused bool
    .varint(6, 0) // revisionHistoryLimit *int32 = 0
    .finish();
  const raw = new WireWriter()
    .message(1, (m) => m.string(1, 'd').string(2, '').varint(7, 0))
    .bytes(2, spec)
    .finish();
  const obj = decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw));
  t.strictSame(obj.metadata, { name: 'd' });
  t.strictSame(obj['spec'], {
    replicas: 0,
    revisionHistoryLimit: 0,
    template: {
      metadata: {},
      spec: {
        containers: [{ name: 'app', image: 'busybox' }],
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
      },
    },
  });
});

t.test('special types: Time, IntOrString, Quantity, FieldsV1, inline structs, bytes', async (t) => {
  const probe = new WireWriter()
    .message(1, (h) =>
      h.message(2, (get) => get.string(1, '/healthz').message(2, (p) => p.varint(1, 1).string(3, 'http'))),
    )
    .varint(4, 10)
    .finish();
  const container = new WireWriter()
    .string(1, 'app')
    .message(8, (r) =>
      r
        .message(1, (e) => e.string(1, 'cpu').message(2, (q) => q.string(1, '500m')))
        .message(2, (e) => e.string(1, 'memory').message(2, (q) => q.string(1, '64Mi'))),
    )
    .bytes(10, probe)
    .message(7, (env) =>
      env
        .string(1, 'KEY')
        .message(3, (src) => src.message(4, (sel) => sel.message(1, (l) => l.string(1, 's')).string(2, 'k'))),
    )
    .finish();
  const volume = new WireWriter()
    .string(1, 'config')
    .message(2, (src) => src.message(19, (cm) => cm.message(1, (l) => l.string(1, 'settings')).varint(3, 0o644)))
    .finish();
  const managed = new WireWriter()
    .string(1, 'kubectl')
    .string(2, 'Update')
    .string(3, 'v1')
    .message(4, (time) => time.varint(1, 1704164645))
    .string(6, 'FieldsV1')
    .message(7, (f) => f.string(1, '{"f:spec":{}}'))
    .finish();
  const raw = new WireWriter()
    .message(1, (m) =>
      m
        .string(1, 'p')
        .message(8, (time) => time.varint(1, 1704164645).varint(2, 123456789))
        .bytes(17, managed)
        .message(13, (o) =>
          o.string(5, 'apps/v1').string(1, 'ReplicaSet').string(3, 'rs').string(4, 'u1').bool(6, true),
        ),
    )
    .message(2, (spec) => spec.bytes(2, container).bytes(1, volume))
    .message(3, (status) =>
      status
        .string(1, 'Running')
        .message(8, (cs) => cs.string(1, 'app').bool(4, false).varint(5, 0).string(6, 'busybox').string(7, '')),
    )
    .finish();
  const pod = decodeKubeProtobuf(envelope('v1', 'Pod', raw));
  t.strictSame(pod.metadata, {
    name: 'p',
    creationTimestamp: '2024-01-02T03:04:05Z',
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': {} },
      },
    ],
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
  });
  t.strictSame(pod['spec'], {
    containers: [
      {
        name: 'app',
        resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
        env: [{ name: 'KEY', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      },
    ],
    volumes: [{ name: 'config', configMap: { name: 'settings', defaultMode: 420 } }],
  });
  // ContainerStatus.ready, restartCount, image and imageID have no omitempty in Go.
  t.strictSame(pod['status'], {
    phase: 'Running',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'busybox', imageID: '' }],
  });
});

t.test('RollingUpdate IntOrString: a string percentage and an int zero', async (t) => {
  const spec = new WireWriter()
    .message(4, (s) =>
      s
        .string(1, 'RollingUpdate')
        .message(2, (ru) =>
          ru.message(1, (i) => i.varint(1, 0).varint(2, 0)).message(2, (i) => i.varint(1, 1).string(3, '25%')),
        ),
    )
    .finish();
  const raw = new WireWriter()
    .message(1, (m) => m.string(1, 'd'))
    .bytes(2, spec)
    .finish();
  const obj = decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw));
  t.strictSame(obj['spec'], {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
  });
});

t.test('unknown field numbers are skipped, whatever their wire type', async (t) => {
  const raw = new WireWriter()
    .message(1, (m) => m.string(1, 'n').varint(99, 5))
    .string(98, 'ignored')
    .message(2, (spec) => spec.message(77, (x) => x.string(1, 'y')).string(1, 'kubernetes'))
    .finish();
  const withFixed = Uint8Array.from([...raw, 0x9d, 0x06, 1, 2, 3, 4]); // field 99, fixed32
  const ns = decodeKubeProtobuf(envelope('v1', 'Namespace', withFixed));
  t.strictSame(ns, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'n' },
    spec: { finalizers: ['kubernetes'] },
  });
});

t.test('Secret data bytes become base64; stringData and type stay strings', async (t) => {
  const raw = new WireWriter()
    .message(1, (m) => m.string(1, 's'))
    .message(2, (e) => e.string(1, 'bin').bytes(2, Uint8Array.from([0, 255])))
    .message(4, (e) => e.string(1, 'plain').string(2, 'text'))
    .string(3, 'Opaque')
    .bool(5, false)
    .finish();
  t.strictSame(decodeKubeProtobuf(envelope('v1', 'Secret', raw)), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { bin: 'AP8=' },
    stringData: { plain: 'text' },
    type: 'Opaque',
    immutable: false,
  });
});

t.test('formatTime writes RFC 3339 in UTC', async (t) => {
  t.equal(formatTime(1704164645, 0, false), '2024-01-02T03:04:05Z');
  t.equal(formatTime(1704164645, 123456789, false), '2024-01-02T03:04:05Z');
  t.equal(formatTime(1704164645, 123456789, true), '2024-01-02T03:04:05.123456Z');
  t.equal(formatTime(0, 0, false), '1970-01-01T00:00:00Z');
});

t.test('errors', async (t) => {
  const check = (body: Uint8Array, reason: string, code: number, what: string) => {
    try {
      decodeKubeProtobuf(body);
      t.fail(`${what}: no error`);
    } catch (error) {
      t.ok(error instanceof ApiError, what);
      t.match(error, { reason, code }, what);
    }
  };
  check(Buffer.from('{"kind":"Namespace"}'), 'BadRequest', 400, 'a JSON body');
  check(Uint8Array.from([0x6b, 0x38]), 'BadRequest', 400, 'shorter than the magic');
  const good = readFileSync(join(fixtures, 'deployment.pb'));
  check(good.subarray(0, good.length - 10), 'BadRequest', 400, 'truncated');
  check(envelope('batch/v1', 'Job', new Uint8Array(0)), 'UnsupportedMediaType', 415, 'a kind without a schema');
  check(
    envelope('v1', 'Namespace', Uint8Array.from([0x0a, 0x02, 0x08])),
    'BadRequest',
    400,
    'truncated nested message',
  );
  const wrongWireType = new WireWriter().varint(1, 3).finish(); // metadata as a varint
  check(envelope('v1', 'Namespace', wrongWireType), 'BadRequest', 400, 'wrong wire type');
});
