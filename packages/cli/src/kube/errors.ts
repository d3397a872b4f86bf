/** How the verbs fail: typed usage errors, and every error printed as one kubectl-like line. */
import { CommanderError } from 'commander';
import { ApiStatusError, TransportError } from '@bosun/sdk';

/** A mistake in what the user typed (bad flags, missing arguments). */
export class UsageError extends Error {
  /** Creates the error with kubectl's wording. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An error the verb already printed; it only carries the exit code to runCli. */
export class ReportedError extends CommanderError {
  /** Creates the error for exit code `exitCode` (1 unless told). */
  constructor(exitCode = 1) {
    super(exitCode, 'bosun.reported', '(reported)');
    this.name = 'ReportedError';
  }
}

/** One readable line for `error` (without the newline), as kubectl prints it. */
export function formatError(error: unknown): string {
  if (error instanceof ApiStatusError) {
    return `Error from server (${error.reason}): ${error.message}`;
  }
  if (error instanceof TransportError) {
    return `Unable to connect to the server: ${error.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `error: ${message.split('\n')[0] ?? ''}`;
}
