// Guards against a tap pitfall: a top-level `t.teardown()` followed by a top-level `await`
// ends the run early and silently drops later assertions (failing ones too) with exit 0.
// Server lifecycles belong inside `t.test(...)`; this test fails if any test file has the shape.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topLevelTeardowns } from './tap-guard.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) testFiles(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

t.test('the detector finds the pitfall shape and accepts the safe one', async (t) => {
  const bad = "import t from 'tap';\nconst s = await start();\nt.teardown(() => s.close());\nawait s.ready();\n";
  t.same(topLevelTeardowns(bad), [3]);
  const good =
    "import t from 'tap';\nt.test('x', async (t) => {\n  t.teardown(() => s.close());\n  await s.ready();\n});\n";
  t.same(topLevelTeardowns(good), []);
});

t.test('no test file calls t.teardown at the top level', async (t) => {
  const files = [...testFiles(join(root, 'packages')), ...testFiles(join(root, 'test'))];
  t.ok(files.length > 2, 'found the test files');
  for (const file of files) {
    t.same(topLevelTeardowns(readFileSync(file, 'utf8')), [], relative(root, file));
  }
});
