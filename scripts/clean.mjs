// Empties every dist/ so that a release build ships nothing from deleted sources.
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = [...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p)), join(root, 'bench')];
for (const dir of dirs) {
  const dist = join(dir, 'dist');
  if (existsSync(dist)) rmSync(dist, { recursive: true, force: true });
}
