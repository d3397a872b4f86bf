import t from 'tap';
import { Indexer, NAMESPACE_INDEX, objectKey } from './indexer.js';
import type { KubeObject } from './types.js';

interface Pod extends KubeObject {
  spec: { nodeName?: string; tags?: string[] };
}

function pod(ns: string, name: string, nodeName?: string, tags: string[] = []): Pod {
  return { metadata: { namespace: ns, name }, spec: { ...(nodeName !== undefined ? { nodeName } : {}), tags } };
}

t.test('keys are namespace/name, or name for cluster scope', async (t) => {
  t.equal(objectKey(pod('default', 'a')), 'default/a');
  t.equal(objectKey({ metadata: { name: 'node-1' } }), 'node-1');
  t.throws(() => objectKey({ metadata: {} }));
});

t.test('the namespace index and custom indices follow adds, updates and deletes', async (t) => {
  const store = new Indexer<Pod>({ byNode: (p) => (p.spec.nodeName !== undefined ? [p.spec.nodeName] : []) });
  store.upsert(pod('a', 'p1', 'n1'));
  store.upsert(pod('a', 'p2', 'n2'));
  store.upsert(pod('b', 'p1', 'n1'));
  t.equal(store.size, 3);
  t.same(store.indexKeys(NAMESPACE_INDEX, 'a').sort(), ['a/p1', 'a/p2']);
  t.same(store.byIndex('byNode', 'n1').map(objectKey).sort(), ['a/p1', 'b/p1']);
  store.upsert(pod('a', 'p1', 'n2'));
  t.same(store.indexKeys('byNode', 'n1'), ['b/p1'], 'update moves the object between values');
  t.same(store.indexKeys('byNode', 'n2').sort(), ['a/p1', 'a/p2']);
  t.equal(store.deleteKey('b/p1')?.metadata.name, 'p1');
  t.equal(store.deleteKey('b/p1'), undefined);
  t.same(store.listIndexValues('byNode'), ['n2'], 'empty values are dropped');
  t.same(store.listIndexValues(NAMESPACE_INDEX), ['a']);
  t.equal(store.get('a/p2')?.spec.nodeName, 'n2');
  t.same(store.listKeys().sort(), ['a/p1', 'a/p2']);
  t.throws(() => store.byIndex('nope', 'x'));
});

t.test('addIndexers indexes existing objects; multi-valued indices; replace', async (t) => {
  const store = new Indexer<Pod>();
  store.upsert(pod('a', 'p1', undefined, ['x', 'y']));
  store.upsert(pod('a', 'p2', undefined, ['y']));
  store.addIndexers({ byTag: (p) => p.spec.tags ?? [] });
  t.same(store.indexKeys('byTag', 'y').sort(), ['a/p1', 'a/p2']);
  t.same(store.indexKeys('byTag', 'x'), ['a/p1']);
  t.throws(() => store.addIndexers({ byTag: () => [] }), /already exists/);
  store.replace([pod('c', 'q', undefined, ['z'])]);
  t.same(store.list().map(objectKey), ['c/q']);
  t.same(store.listIndexValues('byTag'), ['z']);
  t.same(store.indexKeys(NAMESPACE_INDEX, 'a'), []);
});
