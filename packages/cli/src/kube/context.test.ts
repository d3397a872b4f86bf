import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { bosunUpKubeconfig } from './context.js';

t.test("without KUBECONFIG or ~/.kube/config, the verbs use bosun up's kubeconfig", async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'bosun-ctx-test-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  t.equal(bosunUpKubeconfig({}, home), undefined, 'nothing there: no fallback');
  mkdirSync(join(home, '.bosun'));
  writeFileSync(join(home, '.bosun', 'kubeconfig.yaml'), 'apiVersion: v1\n');
  t.equal(bosunUpKubeconfig({}, home), join(home, '.bosun', 'kubeconfig.yaml'));
  t.equal(
    bosunUpKubeconfig({ BOSUN_DATA_DIR: join(home, 'other') }, home),
    undefined,
    'BOSUN_DATA_DIR decides the dir',
  );
  t.equal(bosunUpKubeconfig({ KUBECONFIG: '/x' }, home), undefined, 'KUBECONFIG wins');
  mkdirSync(join(home, '.kube'));
  writeFileSync(join(home, '.kube', 'config'), 'apiVersion: v1\n');
  t.equal(bosunUpKubeconfig({}, home), undefined, '~/.kube/config wins');
});
