/**
 * `bosun token create`: a bootstrap (join) token for node agents joining the cluster, stored
 * as a `bootstrap.kubernetes.io/token` Secret in kube-system (as kubeadm's tokens are). The
 * token authenticates as `system:bootstrap:<id>` in group `system:bootstrappers`.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { bootstrapTokenSecret, generateBootstrapToken } from '@bosun/control-plane';
import { RESOURCES } from '@bosun/sdk';
import type { KubeObject } from '@bosun/sdk';
import type { Io } from '../program.js';
import { openSession, resourceClient, runAction, withGlobalFlags } from '../kube/context.js';
import type { GlobalOptions } from '../kube/context.js';
import { UsageError } from '../kube/errors.js';
import { parseDuration } from '../kube/flags.js';

interface TokenOptions extends GlobalOptions {
  readonly ttl: string;
  readonly description?: string;
  readonly groups?: string;
}

/** Adds `bosun token create`. */
export function registerToken(program: Command, io: Io): void {
  const token = program.command('token').description('manage bootstrap (join) tokens');
  withGlobalFlags(
    token
      .command('create')
      .description('create a bootstrap token for a node agent to join the cluster; prints it')
      .option('--ttl <duration>', 'how long the token is valid (e.g. 24h, 30m; 0 for ever)', '24h')
      .option('--description <text>', 'a note stored with the token')
      .option('--groups <groups>', 'extra groups (comma-separated, each system:bootstrappers:...)'),
  ).action(
    runAction(io, async (opts: TokenOptions) => {
      const ttlMs = opts.ttl === '0' ? 0 : parseDuration(opts.ttl);
      if (!(ttlMs >= 0)) throw new UsageError(`invalid --ttl ${JSON.stringify(opts.ttl)}`);
      const generated = generateBootstrapToken((n) => randomBytes(n));
      const secret = bootstrapTokenSecret(generated, {
        ...(ttlMs > 0 ? { expiration: new Date(Date.now() + ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
        ...(opts.description === undefined ? {} : { description: opts.description }),
        ...(opts.groups === undefined ? {} : { extraGroups: opts.groups.split(',').map((g) => g.trim()) }),
      });
      const session = openSession(opts);
      await resourceClient(session, RESOURCES.secrets, 'kube-system').create(secret as unknown as KubeObject);
      io.out(`${generated.token}\n`);
    }),
  );
}
