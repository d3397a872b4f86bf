import t from 'tap';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { replicaSetStrategy } from './replicaset.js';

const brief = (errors: FieldError[]): string[] => errors.map((e) => `${e.type} ${e.field}`);

function replicaSet(spec: Record<string, unknown> = {}): KubeObject {
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-5d4f', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      ...spec,
    },
  };
  replicaSetStrategy.defaults(rs);
  return rs;
}

t.test('defaults: replicas 1 and pod template defaults', async (t) => {
  const spec = replicaSet()['spec'] as Record<string, unknown>;
  t.equal(spec['replicas'], 1);
  const template = spec['template'] as { spec: Record<string, unknown> };
  t.equal(template.spec['restartPolicy'], 'Always');
  t.equal(template.spec['schedulerName'], 'default-scheduler');
  t.equal(template.spec['tolerations'], undefined, 'admission defaults are for pods, not templates');
  t.equal(template.spec['priority'], undefined);
});

t.test('a defaulted replica set is valid', async (t) => {
  t.same(replicaSetStrategy.validate(replicaSet()), []);
});

t.test('selector is required (and then selects nothing, so labels mismatch)', async (t) => {
  const errors = replicaSetStrategy.validate(replicaSet({ selector: undefined }));
  t.same(brief(errors), ['FieldValueRequired spec.selector', 'FieldValueInvalid spec.template.metadata.labels']);
});

t.test('an empty selector is invalid', async (t) => {
  const errors = replicaSetStrategy.validate(replicaSet({ selector: {} }));
  t.same(brief(errors), ['FieldValueInvalid spec.selector']);
  t.equal(errors[0]?.message, 'Invalid value: {}: empty selector is invalid for deployment');
});

t.test('template labels must match the selector', async (t) => {
  const errors = replicaSetStrategy.validate(replicaSet({ selector: { matchLabels: { app: 'db' } } }));
  t.same(brief(errors), ['FieldValueInvalid spec.template.metadata.labels']);
  t.equal(errors[0]?.message, 'Invalid value: {"app":"web"}: `selector` does not match template `labels`');
});

t.test('replicas may not be negative', async (t) => {
  const errors = replicaSetStrategy.validate(replicaSet({ replicas: -1 }));
  t.same(brief(errors), ['FieldValueInvalid spec.replicas']);
  t.equal(errors[0]?.message, 'Invalid value: -1: must be greater than or equal to 0');
});

t.test('template restartPolicy must be Always and activeDeadlineSeconds is forbidden', async (t) => {
  const rs = replicaSet();
  const template = (rs['spec'] as Record<string, unknown>)['template'] as { spec: Record<string, unknown> };
  template.spec['restartPolicy'] = 'Never';
  template.spec['activeDeadlineSeconds'] = 10;
  const errors = replicaSetStrategy.validate(rs);
  t.same(brief(errors), [
    'FieldValueNotSupported spec.template.spec.restartPolicy',
    'FieldValueForbidden spec.template.spec.activeDeadlineSeconds',
  ]);
  t.equal(errors[0]?.message, 'Unsupported value: "Never": supported values: "Always"');
});

t.test('update: the selector is immutable, other spec fields may change', async (t) => {
  const old = replicaSet();
  const scaled = structuredClone(old);
  (scaled['spec'] as Record<string, unknown>)['replicas'] = 5;
  t.same(replicaSetStrategy.validateUpdate(scaled, old), []);
  const moved = replicaSet({
    selector: { matchLabels: { app: 'web', tier: 'front' } },
    template: {
      metadata: { labels: { app: 'web', tier: 'front' } },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
    },
  });
  const errors = replicaSetStrategy.validateUpdate(moved, old);
  t.same(brief(errors), ['FieldValueInvalid spec.selector']);
  t.match(errors[0]?.message, /: field is immutable$/);
});
