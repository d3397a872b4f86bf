// The lint rules that guard the architecture: pure cores take time and randomness as
// parameters, and packages import each other only through their entry points.
import t from 'tap';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function messages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

t.test('the pure cores may not read the clock, timers or Math.random', async (t) => {
  const core = 'packages/raft-kv/src/raft/probe.ts';
  for (const code of [
    'export const a = Date.now();',
    'export const a = Math.random();',
    'export const a = performance.now();',
    'setTimeout(() => {}, 1);',
    'setInterval(() => {}, 1);',
    'export const a = new Date();',
  ]) {
    const found = await messages(code, core);
    t.ok(
      found.some((m) => m.includes('pure core')),
      `${code} is refused in a core (${found.join('; ')})`,
    );
  }
  t.same(await messages('export const a = Date.now();', 'packages/raft-kv/src/storage/probe.ts'), [], 'adapters may');
});

t.test('no deep imports into another package', async (t) => {
  for (const spec of [
    '@bosun/raft-kv/src/raft/index.js',
    '@bosun/raft-kv/dist/index.js',
    '../../raft-kv/src/index.js',
  ]) {
    const found = await messages(`import { x } from '${spec}';\nexport const y = x;\n`, 'packages/sdk/src/probe.ts');
    t.ok(
      found.some((m) => /internals|entry point/.test(m)),
      `${spec} is refused`,
    );
  }
  const fine = await messages(
    "import { x } from '@bosun/raft-kv';\nexport const y = x;\n",
    'packages/sdk/src/probe.ts',
  );
  t.same(fine, [], 'the entry point is allowed');
});
