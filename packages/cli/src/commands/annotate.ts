import type { Command } from 'commander';
import type { Io } from '../program.js';
import { registerMetadataVerb } from '../kube/metadata-verb.js';

/** Adds `bosun annotate TYPE NAME k=v k- [--overwrite]`. */
export function registerAnnotate(program: Command, io: Io): void {
  registerMetadataVerb(program, io, 'annotate');
}
