/** `bosun kv lease grant|revoke|keep-alive|timetolive|list`: etcdctl's lease verbs. */
import type { Command } from 'commander';
import { keepAliveForever } from '@bosun/raft-kv';
import type { Io } from '../../program.js';
import {
  addClientFlags,
  formatLeaseId,
  parseCount,
  parseLeaseId,
  text,
  toJson,
  withClient,
  writeOut,
  type ClientFlags,
} from './client-flags.js';

interface KeepAliveFlags extends ClientFlags {
  readonly once?: boolean;
}

interface TimeToLiveFlags extends ClientFlags {
  readonly keys?: boolean;
}

/** Adds the `lease` verb group to `kv`. */
export function registerLease(kv: Command, io: Io): void {
  const lease = kv.command('lease').description('grant, renew, inspect and revoke leases');

  addClientFlags(lease.command('grant').description('grant a lease of TTL seconds').argument('<ttl>')).action(
    async (ttl: string, flags: ClientFlags) => {
      const format = writeOut(flags);
      const resp = await withClient(flags, (client) => client.grant(parseCount('TTL', ttl)));
      io.out(format === 'json' ? toJson(resp) : `lease ${formatLeaseId(resp.id)} granted with TTL(${resp.ttl}s)\n`);
    },
  );

  addClientFlags(lease.command('revoke').description('revoke a lease and delete its keys').argument('<id>')).action(
    async (id: string, flags: ClientFlags) => {
      const format = writeOut(flags);
      const leaseId = parseLeaseId(id);
      const resp = await withClient(flags, (client) => client.revoke(leaseId));
      io.out(format === 'json' ? toJson(resp) : `lease ${formatLeaseId(leaseId)} revoked\n`);
    },
  );

  addClientFlags(
    lease
      .command('keep-alive')
      .description('renew a lease until interrupted (SIGINT or SIGTERM), or once with --once')
      .argument('<id>')
      .option('--once', 'renew once and exit'),
  ).action(async (id: string, flags: KeepAliveFlags) => {
    const format = writeOut(flags);
    const leaseId = parseLeaseId(id);
    const report = (ttl: number) =>
      io.out(
        format === 'json'
          ? `${JSON.stringify({ id: leaseId, ttl })}\n`
          : `lease ${formatLeaseId(leaseId)} keepalived with TTL(${ttl})\n`,
      );
    await withClient(flags, async (client) => {
      if (flags.once === true) {
        report(await client.keepAlive(leaseId));
        return;
      }
      await keepAliveUntilSignal(leaseId, (ttl) => report(ttl), client);
    });
  });

  addClientFlags(
    lease
      .command('timetolive')
      .description('print the remaining and granted TTL of a lease')
      .argument('<id>')
      .option('--keys', 'also list the keys attached to the lease'),
  ).action(async (id: string, flags: TimeToLiveFlags) => {
    const format = writeOut(flags);
    const leaseId = parseLeaseId(id);
    const resp = await withClient(flags, (client) => client.timeToLive(leaseId, { keys: flags.keys === true }));
    if (format === 'json') {
      io.out(toJson(resp));
    } else if (resp.ttl === -1) {
      io.out(`lease ${formatLeaseId(leaseId)} already expired\n`);
    } else {
      const keys = flags.keys === true ? `, attached keys([${resp.keys.map(text).join(' ')}])` : '';
      io.out(`lease ${formatLeaseId(leaseId)} granted with TTL(${resp.grantedTtl}s), remaining(${resp.ttl}s)${keys}\n`);
    }
  });

  addClientFlags(lease.command('list').description('list the live leases')).action(async (flags: ClientFlags) => {
    const format = writeOut(flags);
    const resp = await withClient(flags, (client) => client.leases());
    if (format === 'json') {
      io.out(toJson(resp));
      return;
    }
    io.out(`found ${resp.leases.length} leases\n`);
    for (const l of resp.leases) io.out(`${formatLeaseId(l.id)}\n`);
  });
}

/** Renews `id` until SIGINT/SIGTERM, reporting each renewal's TTL; fails when the lease is lost. */
async function keepAliveUntilSignal(
  id: number,
  report: (ttl: number) => void,
  client: Parameters<typeof keepAliveForever>[0],
): Promise<void> {
  const reporting = {
    keepAlive: async (leaseId: number) => {
      const ttl = await client.keepAlive(leaseId);
      if (ttl > 0) report(ttl);
      return ttl;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const keeper = keepAliveForever(reporting, id, (error) => finish(error));
    const stop = () => finish();
    function finish(error?: Error): void {
      keeper.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (error) reject(new Error(`lease ${formatLeaseId(id)} lost: ${error.message}`));
      else resolve();
    }
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
