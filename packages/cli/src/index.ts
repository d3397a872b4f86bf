/**
 * @bosun/cli — the `bosun` command, also usable as a library (for tests and embedding).
 *
 * Every public name is listed here; nothing else in `src/` is part of the API.
 */
export { buildProgram, runCli, processIo } from './program.js';
export type { Io } from './program.js';
export { CLI_VERSION } from './version.js';
