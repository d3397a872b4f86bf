// Runs the pinned pnpm: the one on the PATH when it is the pinned version, else through npx
// (corepack cannot fetch pnpm on these machines; `npx -y pnpm@<version>` can).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pinned = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).engines.pnpm;

function onPath() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.trim() === pinned;
}

const usePath = onPath();

/** Runs pnpm with args in the repository root; exits the process on failure. */
export function pnpm(args, options = {}) {
  const [cmd, argv] = usePath ? ['pnpm', args] : ['npx', ['-y', `pnpm@${pinned}`, ...args]];
  const result = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`pnpm ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  return result;
}
