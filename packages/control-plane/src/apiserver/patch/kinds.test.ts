import t from 'tap';
import { patchSchemaFor } from './kinds.js';

t.test('merge keys follow the upstream struct tags', async (t) => {
  const pod = patchSchemaFor('Pod');
  const spec = pod.fields?.['spec'];
  const containers = spec?.fields?.['containers'];
  t.equal(containers?.mergeKey, 'name');
  t.equal(containers?.items?.fields?.['ports']?.mergeKey, 'containerPort');
  t.equal(containers?.items?.fields?.['volumeMounts']?.mergeKey, 'mountPath');
  t.equal(spec?.fields?.['volumes']?.strategy, 'merge,retainKeys');
  t.equal(spec?.fields?.['tolerations'], undefined, 'tolerations have no strategy: replaced');
  t.equal(spec?.fields?.['hostAliases']?.mergeKey, 'ip');
  t.equal(spec?.fields?.['topologySpreadConstraints']?.mergeKey, 'topologyKey');
  t.equal(pod.fields?.['status']?.fields?.['conditions']?.mergeKey, 'type');
  t.equal(patchSchemaFor('Service').fields?.['spec']?.fields?.['ports']?.mergeKey, 'port');
  t.equal(pod.fields?.['metadata']?.fields?.['ownerReferences']?.mergeKey, 'uid');
  t.equal(pod.fields?.['metadata']?.fields?.['finalizers']?.strategy, 'merge');
});

t.test('pod templates reuse the PodSpec schema', async (t) => {
  const podSpec = patchSchemaFor('Pod').fields?.['spec'];
  for (const kind of ['Deployment.apps', 'ReplicaSet.apps']) {
    t.equal(patchSchemaFor(kind).fields?.['spec']?.fields?.['template']?.fields?.['spec'], podSpec, kind);
  }
  t.equal(patchSchemaFor('Deployment.apps').fields?.['spec']?.fields?.['strategy']?.strategy, 'retainKeys');
});

t.test('unknown kinds get only the metadata strategies', async (t) => {
  const schema = patchSchemaFor('Widget.example.com');
  t.same(Object.keys(schema.fields ?? {}), ['metadata']);
  t.same(Object.keys(patchSchemaFor('').fields ?? {}), ['metadata']);
});
