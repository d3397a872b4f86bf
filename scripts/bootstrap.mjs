// Installs dependencies (from the lockfile) and builds every package: the first half of both
// README commands, so that they work on a fresh clone with only Node.js and npm.
import { pnpm } from './pnpm.mjs';

const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
pnpm(['install', '--reporter=append-only', ...frozen]);
pnpm(['exec', 'tsc', '-b']);
