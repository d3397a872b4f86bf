// A package's release build, run by `pnpm pack` (prepack) in that package's folder:
// empty its dist/ first, so nothing built from deleted sources can ship, then build it.
import { rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const pkgDir = process.cwd();
rmSync(join(pkgDir, 'dist'), { recursive: true, force: true });
const tsc = join(new URL('..', import.meta.url).pathname, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-b', pkgDir], { stdio: 'inherit' });
process.exit(result.status ?? 1);
