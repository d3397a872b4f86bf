import { Command, CommanderError } from 'commander';
import { registerKv } from './commands/kv/index.js';
import { registerVersion } from './commands/version.js';
import { registerServer } from './commands/server.js';
import { registerGet } from './commands/get.js';
import { registerRun } from './commands/run.js';
import { registerDescribe } from './commands/describe.js';
import { registerCreate } from './commands/create.js';
import { registerExpose } from './commands/expose.js';
import { registerScale } from './commands/scale.js';
import { registerApply } from './commands/apply.js';
import { registerDelete } from './commands/delete.js';
import { registerSet } from './commands/set.js';
import { registerRollout } from './commands/rollout.js';
import { registerLogs } from './commands/logs.js';
import { registerLabel } from './commands/label.js';
import { registerAnnotate } from './commands/annotate.js';
import { registerConfig } from './commands/config.js';
import { registerUp } from './commands/up.js';
import { registerDown } from './commands/down.js';
import { registerToken } from './commands/token.js';
import { CLI_VERSION } from './version.js';

/** Where a command writes: injectable so that tests capture output without a subprocess. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The standard streams of this process. */
export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Builds the `bosun` command tree. Each subcommand lives in `commands/<name>.ts` and adds
 * itself with a `register<Name>(program, io)` function, so a new verb is one new file.
 */
export function buildProgram(io: Io = processIo): Command {
  const program = new Command('bosun')
    .description('Bosun: a Kubernetes-style container orchestrator on its own Raft-replicated store')
    .version(CLI_VERSION, '-v, --version', 'print the bosun version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  registerVersion(program, io);
  registerKv(program, io);
  registerServer(program, io);
  registerGet(program, io);
  registerRun(program, io);
  registerDescribe(program, io);
  registerCreate(program, io);
  registerExpose(program, io);
  registerScale(program, io);
  registerApply(program, io);
  registerDelete(program, io);
  registerSet(program, io);
  registerRollout(program, io);
  registerLogs(program, io);
  registerLabel(program, io);
  registerAnnotate(program, io);
  registerConfig(program, io);
  registerUp(program, io);
  registerDown(program, io);
  registerToken(program, io);
  return program;
}

/**
 * Runs the CLI on argv (without the node and script entries) and returns the exit code.
 * Errors print as one readable line on stderr with a non-zero code; nothing throws.
 */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help text).
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`error: ${message}\n`);
    return 1;
  }
}
