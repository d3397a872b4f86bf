import { Command, CommanderError } from 'commander';
import { registerKv } from './commands/kv/index.js';
import { registerVersion } from './commands/version.js';
import { registerServer } from './commands/server.js';
import { registerUp } from './commands/up.js';
import { registerDown } from './commands/down.js';
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
  registerUp(program, io);
  registerDown(program, io);
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
