import type { Command } from 'commander';
import { CONTROL_PLANE_VERSION } from '@bosun/control-plane';
import { NODE_AGENT_VERSION } from '@bosun/node-agent';
import { RAFT_KV_VERSION, SDK_VERSION } from '@bosun/sdk';
import type { Io } from '../program.js';
import { CLI_VERSION } from '../version.js';

/** The versions `bosun version` reports, one per package. */
export function componentVersions(): Record<string, string> {
  return {
    '@bosun/cli': CLI_VERSION,
    '@bosun/control-plane': CONTROL_PLANE_VERSION,
    '@bosun/node-agent': NODE_AGENT_VERSION,
    '@bosun/sdk': SDK_VERSION,
    '@bosun/raft-kv': RAFT_KV_VERSION,
  };
}

/** Adds `bosun version [-o json]`. */
export function registerVersion(program: Command, io: Io): void {
  program
    .command('version')
    .description('print the version of bosun and of each of its components')
    .option('-o, --output <format>', 'output format: text or json', 'text')
    .action((opts: { output: string }) => {
      const versions = componentVersions();
      if (opts.output === 'json') {
        io.out(`${JSON.stringify({ bosun: CLI_VERSION, components: versions, node: process.version }, null, 2)}\n`);
        return;
      }
      if (opts.output !== 'text') {
        throw new Error(`unknown output format "${opts.output}" (expected text or json)`);
      }
      io.out(`bosun ${CLI_VERSION} (node ${process.version})\n`);
      for (const [name, version] of Object.entries(versions)) io.out(`  ${name} ${version}\n`);
    });
}
