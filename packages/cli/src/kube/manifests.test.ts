import t from 'tap';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests, ManifestError, parseManifests } from './manifests.js';

const a = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
const b = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}';

t.test('multi-document YAML, empty documents skipped, Lists expanded', async (t) => {
  t.same(
    parseManifests(`---\n${a}---\n---\n${a.replace('name: a', 'name: a2')}`).map((o) => o.metadata?.name),
    ['a', 'a2'],
  );
  t.same(
    parseManifests(b).map((o) => o.metadata?.name),
    ['b'],
  );
  const list = `apiVersion: v1\nkind: List\nitems:\n- ${b}\n`;
  t.same(
    parseManifests(list).map((o) => o.metadata?.name),
    ['b'],
  );
  t.throws(() => parseManifests('kind: [', 'x.yaml'), ManifestError);
  t.throws(() => parseManifests('metadata: {}\n', 'x.yaml'), /Kind/);
});

t.test('files, directories (sorted, .yaml/.yml/.json only, -R) and stdin', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-manifests-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, '2.yaml'), a);
  writeFileSync(join(dir, '1.json'), b);
  writeFileSync(join(dir, 'README.md'), '# no');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'c.yml'), a.replace('name: a', 'name: c'));
  const names = async (paths: string[], recursive = false) =>
    (await loadManifests(paths, { recursive, readStdin: async () => a.replace('name: a', 'name: stdin') })).map(
      (o) => o.metadata?.name,
    );
  t.same(await names([dir]), ['b', 'a']);
  t.same(await names([dir], true), ['b', 'a', 'c']);
  t.same(await names([join(dir, '2.yaml'), '-']), ['a', 'stdin']);
  await t.rejects(names([join(dir, 'missing.yaml')]), /does not exist/);
});
