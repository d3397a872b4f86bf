import t from 'tap';
import { FieldSet, formatPath } from './fieldset.js';

const FIELDS_V1 = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
    'f:replicas': {},
  },
};

t.test('fieldsV1 round-trips, with "." for members that have children', async (t) => {
  const set = FieldSet.fromFieldsV1(FIELDS_V1);
  t.same(set.toFieldsV1(), FIELDS_V1);
  t.ok(set.has(['f:spec', 'f:replicas']));
  t.ok(set.has(['f:metadata', 'f:labels']));
  t.ok(set.has(['f:spec', 'f:containers', 'k:{"name":"nginx"}']));
  t.notOk(set.has(['f:spec']), 'a parent without "." is not a member');
  t.ok(set.touches(['f:spec']));
});

t.test('union, difference and removeUnder', async (t) => {
  const a = new FieldSet();
  a.insert(['f:spec', 'f:replicas']);
  a.insert(['f:spec', 'f:paused']);
  const b = new FieldSet();
  b.insert(['f:spec', 'f:paused']);
  b.insert(['f:metadata', 'f:labels', 'f:x']);
  t.same(a.union(b).toFieldsV1(), {
    'f:metadata': { 'f:labels': { 'f:x': {} } },
    'f:spec': { 'f:paused': {}, 'f:replicas': {} },
  });
  t.same(a.difference(b).toFieldsV1(), { 'f:spec': { 'f:replicas': {} } });
  const c = a.union(b);
  c.removeUnder(['f:spec']);
  t.same(c.toFieldsV1(), { 'f:metadata': { 'f:labels': { 'f:x': {} } } });
  c.removeUnder(['f:metadata', 'f:labels', 'f:x']);
  t.ok(c.isEmpty());
});

t.test('formatPath reads like Kubernetes conflict messages', async (t) => {
  t.equal(formatPath(['f:spec', 'f:replicas']), '.spec.replicas');
  t.equal(
    formatPath(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']),
    '.spec.template.spec.containers[name="nginx"].image',
  );
  t.equal(formatPath(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
});
