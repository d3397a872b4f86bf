import t from 'tap';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { podQOSClass, podStrategy, POD_UPDATE_FORBIDDEN } from './pod.js';

const brief = (errors: FieldError[]): string[] => errors.map((e) => `${e.type} ${e.field}`);

/** The body `kubectl run nginx --image=nginx` posts. */
function kubectlRunBody(): KubeObject {
  return JSON.parse(
    '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"nginx","creationTimestamp":null,"labels":{"run":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst"},"status":{}}',
  ) as KubeObject;
}

function defaulted(pod: KubeObject): KubeObject {
  podStrategy.defaults(pod);
  return pod;
}

function createdPod(spec: Record<string, unknown> = {}): KubeObject {
  const pod = kubectlRunBody();
  pod.metadata.namespace = 'default';
  Object.assign(pod['spec'] as object, spec);
  return defaulted(pod);
}

t.test("kubectl run's body gets exactly Kubernetes' defaults", async (t) => {
  const pod = defaulted(kubectlRunBody());
  t.strictSame(pod['spec'], {
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
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    priority: 0,
    preemptionPolicy: 'PreemptLowerPriority',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
  });
  t.strictSame(pod['status'], { phase: 'Pending', qosClass: 'BestEffort' });
});

t.test('defaulting twice changes nothing (defaults also run on update)', async (t) => {
  const once = defaulted(kubectlRunBody());
  const twice = defaulted(structuredClone(once));
  t.strictSame(twice, once);
});

t.test('default tolerations are not added when the pod already tolerates the taint', async (t) => {
  const pod = createdPod({
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
    ],
  });
  t.strictSame((pod['spec'] as Record<string, unknown>)['tolerations'], [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  const all = createdPod({ tolerations: [{ operator: 'Exists' }] });
  t.strictSame((all['spec'] as Record<string, unknown>)['tolerations'], [{ operator: 'Exists' }]);
});

t.test('a priority class leaves priority to be resolved from the class', async (t) => {
  const pod = createdPod({ priorityClassName: 'system-node-critical' });
  t.equal((pod['spec'] as Record<string, unknown>)['priority'], undefined);
});

t.test('requests default to limits and set the QoS class', async (t) => {
  const pod = createdPod({
    containers: [{ name: 'nginx', image: 'nginx', resources: { limits: { cpu: '500m', memory: '128Mi' } } }],
  });
  const container = ((pod['spec'] as Record<string, unknown>)['containers'] as Record<string, unknown>[])[0];
  t.strictSame(container?.['resources'], {
    limits: { cpu: '500m', memory: '128Mi' },
    requests: { cpu: '500m', memory: '128Mi' },
  });
  t.equal((pod['status'] as Record<string, unknown>)['qosClass'], 'Guaranteed');
});

t.test('QoS classes', async (t) => {
  const withResources = (...resources: Record<string, unknown>[]): Record<string, unknown> => ({
    containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r })),
  });
  t.equal(podQOSClass(withResources({})), 'BestEffort');
  t.equal(podQOSClass(withResources({ requests: { 'nvidia.com/gpu': '1' } })), 'BestEffort');
  t.equal(podQOSClass(withResources({ requests: { cpu: '100m' } })), 'Burstable');
  t.equal(
    podQOSClass(withResources({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })),
    'Guaranteed',
  );
  t.equal(
    podQOSClass(withResources({ requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: '1', memory: '1024Mi' } })),
    'Guaranteed',
  );
  t.equal(
    podQOSClass(withResources({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } })),
    'Burstable',
  );
  t.equal(
    podQOSClass(withResources({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, {})),
    'Burstable',
  );
});

t.test('host network pods expose container ports on the host', async (t) => {
  const pod = createdPod({
    hostNetwork: true,
    containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }],
  });
  const container = ((pod['spec'] as Record<string, unknown>)['containers'] as Record<string, unknown>[])[0];
  t.strictSame(container?.['ports'], [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }]);
});

t.test('a defaulted kubectl run pod is valid', async (t) => {
  t.same(podStrategy.validate(createdPod()), []);
});

t.test('pod metadata: name is a DNS-1123 subdomain and a namespace is required', async (t) => {
  const pod = createdPod();
  pod.metadata.name = 'Nginx_1';
  delete pod.metadata.namespace;
  t.same(brief(podStrategy.validate(pod)), [
    'FieldValueInvalid metadata.name',
    'FieldValueRequired metadata.namespace',
  ]);
});

t.test('spec errors carry full paths', async (t) => {
  const pod = createdPod({ containers: [{ name: 'nginx' }] });
  t.same(brief(podStrategy.validate(pod)), ['FieldValueRequired spec.containers[0].image']);
});

t.test('pod update: images, a lower activeDeadlineSeconds and new tolerations may change', async (t) => {
  const old = createdPod({ activeDeadlineSeconds: 100 });
  const pod = structuredClone(old);
  const spec = pod['spec'] as Record<string, unknown>;
  (spec['containers'] as Record<string, unknown>[])[0]!['image'] = 'nginx:1.27';
  spec['activeDeadlineSeconds'] = 50;
  (spec['tolerations'] as unknown[]).push({ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' });
  pod.metadata.labels = { run: 'nginx', tier: 'web' };
  t.same(podStrategy.validateUpdate(pod, old), []);
});

t.test('pod update: any other spec change is one Forbidden error on spec', async (t) => {
  const old = createdPod();
  const pod = structuredClone(old);
  const spec = pod['spec'] as Record<string, unknown>;
  spec['restartPolicy'] = 'Never';
  (spec['containers'] as Record<string, unknown>[])[0]!['ports'] = [{ containerPort: 80, protocol: 'TCP' }];
  const errors = podStrategy.validateUpdate(pod, old);
  t.same(brief(errors), ['FieldValueForbidden spec']);
  t.ok(errors[0]?.message.startsWith(`Forbidden: ${POD_UPDATE_FORBIDDEN}`));
  t.match(errors[0]?.message, /spec\.containers, spec\.restartPolicy/);
  t.ok(POD_UPDATE_FORBIDDEN.startsWith('pod updates may not change fields other than `spec.containers[*].image`'));
});

t.test('pod update: activeDeadlineSeconds may only go down and not be removed', async (t) => {
  const old = createdPod({ activeDeadlineSeconds: 100 });
  const higher = structuredClone(old);
  (higher['spec'] as Record<string, unknown>)['activeDeadlineSeconds'] = 200;
  t.same(brief(podStrategy.validateUpdate(higher, old)), ['FieldValueInvalid spec.activeDeadlineSeconds']);
  const removed = structuredClone(old);
  delete (removed['spec'] as Record<string, unknown>)['activeDeadlineSeconds'];
  t.same(brief(podStrategy.validateUpdate(removed, old)), ['FieldValueInvalid spec.activeDeadlineSeconds']);
  const added = createdPod({ activeDeadlineSeconds: 30 });
  t.same(podStrategy.validateUpdate(added, createdPod()), []);
});

t.test('pod update: existing tolerations may not be removed or changed, except their seconds', async (t) => {
  const old = createdPod();
  const removed = structuredClone(old);
  (removed['spec'] as Record<string, unknown>)['tolerations'] = [];
  const errors = podStrategy.validateUpdate(removed, old);
  t.same(brief(errors), ['FieldValueForbidden spec.tolerations']);
  t.equal(errors[0]?.message, 'Forbidden: existing toleration can not be modified except its tolerationSeconds');
  const shorter = structuredClone(old);
  ((shorter['spec'] as Record<string, unknown>)['tolerations'] as Record<string, unknown>[])[0]!['tolerationSeconds'] =
    10;
  t.same(podStrategy.validateUpdate(shorter, old), []);
});

t.test('pod update: terminationGracePeriodSeconds may only go from negative to 1', async (t) => {
  const old = createdPod({ terminationGracePeriodSeconds: -1 });
  const fixed = structuredClone(old);
  (fixed['spec'] as Record<string, unknown>)['terminationGracePeriodSeconds'] = 1;
  t.same(podStrategy.validateUpdate(fixed, old), []);
  const other = createdPod({ terminationGracePeriodSeconds: 60 });
  t.same(brief(podStrategy.validateUpdate(other, createdPod())), ['FieldValueForbidden spec']);
});

t.test('pod update: metadata immutability comes from ObjectMeta', async (t) => {
  const old = createdPod();
  old.metadata.uid = 'u1';
  const pod = structuredClone(old);
  pod.metadata.uid = 'u2';
  t.same(brief(podStrategy.validateUpdate(pod, old)), ['FieldValueInvalid metadata.uid']);
});
