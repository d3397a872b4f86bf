import type { Command } from 'commander';
import type { Io } from '../program.js';
import { registerMetadataVerb } from '../kube/metadata-verb.js';

/** Adds `bosun label TYPE NAME k=v k- [--overwrite]`. */
export function registerLabel(program: Command, io: Io): void {
  registerMetadataVerb(program, io, 'label');
}
