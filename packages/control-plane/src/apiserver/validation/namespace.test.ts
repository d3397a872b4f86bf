import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { namespaceStrategy } from './namespace.js';

function ns(name: string, body: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, ...body };
}

t.test('defaults: the kubernetes finalizer and the Active phase', async (t) => {
  const n = ns('team-a');
  namespaceStrategy.defaults(n);
  t.same(n.spec, { finalizers: ['kubernetes'] });
  t.same(n.status, { phase: 'Active' });
  const finalized = ns('team-a', { spec: { finalizers: [] }, status: { phase: 'Terminating' } });
  namespaceStrategy.defaults(finalized);
  t.same(finalized.spec, { finalizers: [] });
  t.same(finalized.status, { phase: 'Terminating' });
});

t.test('names are DNS-1123 labels and namespaces are cluster-scoped', async (t) => {
  const cases: [KubeObject, string[]][] = [
    [ns('team-a'), []],
    [ns('Team'), ['metadata.name']],
    [ns('a.b'), ['metadata.name']],
    [ns('x'.repeat(64)), ['metadata.name']],
    [{ ...ns('a'), metadata: { name: 'a', namespace: 'default' } }, ['metadata.namespace']],
    [ns('a', { status: { phase: 'Gone' } }), ['status.phase']],
    [ns('a', { spec: { finalizers: ['a/b/c'] } }), ['spec.finalizers[0]']],
  ];
  for (const [obj, fields] of cases) {
    namespaceStrategy.defaults(obj);
    t.same(
      namespaceStrategy.validate(obj).map((e) => e.field),
      fields,
      JSON.stringify(obj.metadata),
    );
  }
});

t.test('a namespace cannot be renamed', async (t) => {
  const errors = namespaceStrategy.validateUpdate(ns('b'), ns('a'));
  t.same(
    errors.map((e) => `${e.field}: ${e.message}`),
    ['metadata.name: Invalid value: "b": field is immutable'],
  );
});
