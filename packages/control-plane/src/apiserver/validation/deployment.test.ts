import t from 'tap';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { deploymentStrategy } from './deployment.js';

const brief = (errors: FieldError[]): string[] => errors.map((e) => `${e.type} ${e.field}`);

/** The body `kubectl create deployment web --image=nginx` posts. */
function createDeploymentBody(): KubeObject {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
      },
      strategy: {},
    },
    status: {},
  };
}

function deployment(spec: Record<string, unknown> = {}): KubeObject {
  const d = createDeploymentBody();
  d.metadata.namespace = 'default';
  Object.assign(d['spec'] as object, spec);
  deploymentStrategy.defaults(d);
  return d;
}

t.test("kubectl create deployment's body gets Kubernetes' apps/v1 defaults", async (t) => {
  const d = createDeploymentBody();
  deploymentStrategy.defaults(d);
  t.strictSame(d['spec'], {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx',
            resources: {},
            imagePullPolicy: 'Always',
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
        schedulerName: 'default-scheduler',
        enableServiceLinks: true,
      },
    },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  });
});

t.test('defaults: replicas 1 when absent; Recreate gets no rollingUpdate', async (t) => {
  const d = deployment({ replicas: undefined, strategy: { type: 'Recreate' } });
  const spec = d['spec'] as Record<string, unknown>;
  t.equal(spec['replicas'], 1);
  t.strictSame(spec['strategy'], { type: 'Recreate' });
});

t.test('a defaulted deployment is valid', async (t) => {
  t.same(deploymentStrategy.validate(deployment()), []);
});

t.test('selector is required', async (t) => {
  const errors = deploymentStrategy.validate(deployment({ selector: undefined }));
  t.same(brief(errors), ['FieldValueRequired spec.selector', 'FieldValueInvalid spec.template.metadata.labels']);
});

t.test('an empty selector is invalid', async (t) => {
  t.same(brief(deploymentStrategy.validate(deployment({ selector: { matchLabels: {} } }))), [
    'FieldValueInvalid spec.selector',
  ]);
});

t.test('an invalid selector is reported at its field', async (t) => {
  const errors = deploymentStrategy.validate(
    deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }),
  );
  t.same(brief(errors), [
    'FieldValueRequired spec.selector.matchExpressions[0].values',
    'FieldValueInvalid spec.selector',
  ]);
  t.match(errors[1]?.message, /: invalid label selector$/);
});

t.test('template labels must match the selector', async (t) => {
  const errors = deploymentStrategy.validate(deployment({ selector: { matchLabels: { app: 'api' } } }));
  t.same(brief(errors), ['FieldValueInvalid spec.template.metadata.labels']);
  t.equal(errors[0]?.message, 'Invalid value: {"app":"web"}: `selector` does not match template `labels`');
});

t.test('replicas may not be negative', async (t) => {
  t.same(brief(deploymentStrategy.validate(deployment({ replicas: -2 }))), ['FieldValueInvalid spec.replicas']);
});

t.test('strategy type must be RollingUpdate or Recreate; Recreate forbids rollingUpdate', async (t) => {
  const unknown = deploymentStrategy.validate(deployment({ strategy: { type: 'BlueGreen' } }));
  t.same(brief(unknown), ['FieldValueNotSupported spec.strategy.type']);
  t.equal(unknown[0]?.message, 'Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"');
  const recreate = deploymentStrategy.validate(
    deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }),
  );
  t.same(brief(recreate), ['FieldValueForbidden spec.strategy.rollingUpdate']);
  t.equal(recreate[0]?.message, "Forbidden: may not be specified when strategy `type` is 'Recreate'");
});

t.test('maxSurge and maxUnavailable are ints or percents, not both 0, at most 100%', async (t) => {
  const rolling = (rollingUpdate: Record<string, unknown>): string[] =>
    brief(deploymentStrategy.validate(deployment({ strategy: { type: 'RollingUpdate', rollingUpdate } })));
  t.same(rolling({ maxSurge: 1, maxUnavailable: '50%' }), []);
  t.same(rolling({ maxSurge: '1.5%', maxUnavailable: -1 }), [
    'FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable',
    'FieldValueInvalid spec.strategy.rollingUpdate.maxSurge',
  ]);
  t.same(rolling({ maxSurge: 0, maxUnavailable: '0%' }), [
    'FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable',
  ]);
  t.same(rolling({ maxSurge: 1, maxUnavailable: '150%' }), [
    'FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable',
  ]);
  const zero = deploymentStrategy.validate(
    deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }),
  );
  t.equal(zero[0]?.message, 'Invalid value: 0: may not be 0 when `maxSurge` is 0');
});

t.test('template restartPolicy must be Always', async (t) => {
  const d = deployment();
  const template = (d['spec'] as Record<string, unknown>)['template'] as { spec: Record<string, unknown> };
  template.spec['restartPolicy'] = 'OnFailure';
  t.same(brief(deploymentStrategy.validate(d)), ['FieldValueNotSupported spec.template.spec.restartPolicy']);
});

t.test('progressDeadlineSeconds must exceed minReadySeconds; counts are non-negative', async (t) => {
  const errors = deploymentStrategy.validate(
    deployment({ minReadySeconds: 30, progressDeadlineSeconds: 30, revisionHistoryLimit: -1 }),
  );
  t.same(brief(errors), [
    'FieldValueInvalid spec.revisionHistoryLimit',
    'FieldValueInvalid spec.progressDeadlineSeconds',
  ]);
  t.equal(errors[1]?.message, 'Invalid value: 30: must be greater than minReadySeconds');
});

t.test('update: spec.selector is immutable', async (t) => {
  const old = deployment();
  const changedImage = structuredClone(old);
  const template = (changedImage['spec'] as Record<string, unknown>)['template'] as {
    spec: { containers: Record<string, unknown>[] };
  };
  template.spec.containers[0]!['image'] = 'nginx:1.27';
  t.same(deploymentStrategy.validateUpdate(changedImage, old), []);
  const changedSelector = structuredClone(old);
  const spec = changedSelector['spec'] as Record<string, unknown>;
  spec['selector'] = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] };
  const errors = deploymentStrategy.validateUpdate(changedSelector, old);
  t.same(brief(errors), ['FieldValueInvalid spec.selector']);
  t.equal(
    errors[0]?.message,
    'Invalid value: {"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]}: field is immutable',
  );
});
