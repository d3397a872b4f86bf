import t from 'tap';
import type { FieldError } from '../api/errors.js';
import { defaultPodSpec, validatePodSpec, validatePodTemplateSpec, validateTolerations } from './pod-spec.js';

const brief = (errors: FieldError[]): string[] => errors.map((e) => `${e.type} ${e.field}`);

function spec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const value: Record<string, unknown> = { containers: [{ name: 'app', image: 'nginx' }], ...extra };
  defaultPodSpec(value);
  return value;
}

t.test('PodSpec defaults', async (t) => {
  const value: Record<string, unknown> = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
  defaultPodSpec(value);
  t.strictSame(value, {
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
  });
});

t.test('volume defaults: emptyDir when no source, defaultMode 420, hostPath type', async (t) => {
  const value = spec({
    volumes: [{ name: 'a' }, { name: 'b', configMap: { name: 'cm' } }, { name: 'c', hostPath: { path: '/x' } }],
  });
  t.strictSame(value['volumes'], [
    { name: 'a', emptyDir: {} },
    { name: 'b', configMap: { name: 'cm', defaultMode: 420 } },
    { name: 'c', hostPath: { path: '/x', type: '' } },
  ]);
});

t.test('a defaulted spec with one container is valid', async (t) => {
  t.same(validatePodSpec(spec(), 'spec'), []);
});

t.test('at least one container is required', async (t) => {
  t.same(brief(validatePodSpec(spec({ containers: [] }), 'spec')), ['FieldValueRequired spec.containers']);
  t.same(brief(validatePodSpec(undefined, 'spec')), ['FieldValueRequired spec.containers']);
});

t.test('each container is checked at its path: image required', async (t) => {
  const errors = validatePodSpec(spec({ containers: [{ name: 'app', image: 'nginx' }, { name: 'side' }] }), 'spec');
  t.same(brief(errors), ['FieldValueRequired spec.containers[1].image']);
});

t.test('container names are unique, across init containers too', async (t) => {
  const errors = validatePodSpec(
    spec({
      containers: [
        { name: 'app', image: 'nginx' },
        { name: 'app', image: 'nginx' },
      ],
      initContainers: [{ name: 'app', image: 'busybox' }],
    }),
    'spec',
  );
  t.same(brief(errors), [
    'FieldValueDuplicate spec.containers[1].name',
    'FieldValueDuplicate spec.initContainers[0].name',
  ]);
  t.equal(errors[0]?.message, 'Duplicate value: "app"');
});

t.test('two containers may not claim the same host port and protocol', async (t) => {
  const errors = validatePodSpec(
    spec({
      containers: [
        { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] },
        {
          name: 'b',
          image: 'x',
          ports: [
            { containerPort: 81, hostPort: 8080 },
            { containerPort: 82, hostPort: 8080, protocol: 'UDP' },
          ],
        },
      ],
    }),
    'spec',
  );
  t.same(brief(errors), ['FieldValueDuplicate spec.containers[1].ports[0].hostPort']);
});

t.test('restartPolicy and dnsPolicy take Kubernetes values', async (t) => {
  const errors = validatePodSpec(spec({ restartPolicy: 'Sometimes', dnsPolicy: 'Google' }), 'spec');
  t.same(brief(errors), ['FieldValueNotSupported spec.restartPolicy', 'FieldValueNotSupported spec.dnsPolicy']);
  t.equal(errors[0]?.message, 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
  t.same(brief(validatePodSpec(spec({ dnsPolicy: 'None' }), 'spec')), ['FieldValueRequired spec.dnsConfig']);
  t.same(validatePodSpec(spec({ restartPolicy: 'OnFailure', dnsPolicy: 'Default' }), 'spec'), []);
});

t.test('volumes: unique names, one source, mounts refer to them', async (t) => {
  const errors = validatePodSpec(
    spec({
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'data', emptyDir: {} },
        { name: 'both', emptyDir: {}, hostPath: { path: '/x' } },
      ],
      containers: [{ name: 'app', image: 'x', volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }],
    }),
    'spec',
  );
  t.same(brief(errors), [
    'FieldValueDuplicate spec.volumes[1].name',
    'FieldValueForbidden spec.volumes[2].hostPath',
    'FieldValueNotFound spec.containers[0].volumeMounts[0].name',
  ]);
});

t.test('nodeSelector must be valid labels', async (t) => {
  const errors = validatePodSpec(spec({ nodeSelector: { 'disk type': 'ssd' } }), 'spec');
  t.same(brief(errors), ['FieldValueInvalid spec.nodeSelector']);
});

t.test('tolerations: operators, effects, keys and values', async (t) => {
  t.same(
    validateTolerations(
      [
        { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' },
        { operator: 'Exists' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      'spec.tolerations',
    ),
    [],
  );
  const errors = validateTolerations(
    [
      { key: 'k', operator: 'Matches', value: 'v' },
      { key: 'k', operator: 'Exists', value: 'v' },
      { operator: 'Equal', value: 'v' },
      { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 },
      { key: 'k', operator: 'Exists', effect: 'Evict' },
    ],
    'spec.tolerations',
  );
  t.same(brief(errors), [
    'FieldValueNotSupported spec.tolerations[0].operator',
    'FieldValueInvalid spec.tolerations[1].operator',
    'FieldValueInvalid spec.tolerations[2].operator',
    'FieldValueInvalid spec.tolerations[3].effect',
    'FieldValueNotSupported spec.tolerations[4].effect',
  ]);
  t.equal(errors[0]?.message, 'Unsupported value: "Matches": supported values: "Equal", "Exists"');
});

t.test('activeDeadlineSeconds must be positive', async (t) => {
  const errors = validatePodSpec(spec({ activeDeadlineSeconds: 0 }), 'spec');
  t.same(brief(errors), ['FieldValueInvalid spec.activeDeadlineSeconds']);
});

t.test('a template is checked at its own paths', async (t) => {
  const errors = validatePodTemplateSpec(
    { metadata: { labels: { app: 'bad value!' } }, spec: spec({ containers: [{ name: 'c' }] }) },
    'spec.template',
  );
  t.same(brief(errors), [
    'FieldValueInvalid spec.template.metadata.labels',
    'FieldValueRequired spec.template.spec.containers[0].image',
  ]);
});
