/**
 * `bosun kv`: the etcdctl of Bosun. One file per verb group: serve.ts (a member), keys.ts
 * (put/get/del), txn.ts, watch.ts, lease.ts, maintenance.ts (compaction, endpoint), member.ts
 * (member, move-leader, snapshot).
 */
import type { Command } from 'commander';
import type { Io } from '../../program.js';
import { registerKeyVerbs } from './keys.js';
import { registerLease } from './lease.js';
import { registerCluster } from './member.js';
import { registerMaintenance } from './maintenance.js';
import { registerServe } from './serve.js';
import { registerTxn } from './txn.js';
import { registerWatch } from './watch.js';

/** Adds `bosun kv` and its verbs. */
export function registerKv(program: Command, io: Io): void {
  const kv = program
    .command('kv')
    .description('run and use a raft-kv store (the etcdctl of Bosun)')
    .addHelpText(
      'after',
      `
TLS (etcd's flags): serve clients over https with
  bosun kv serve --listen-client https://HOST:PORT --cert-file FILE --key-file FILE
                 [--trusted-ca-file CA --client-cert-auth]
and reach them with
  bosun kv get KEY --endpoints https://HOST:PORT --cacert CA [--cert FILE --key FILE]`,
    );
  registerServe(kv, io);
  registerKeyVerbs(kv, io);
  registerTxn(kv, io);
  registerWatch(kv, io);
  registerLease(kv, io);
  registerMaintenance(kv, io);
  registerCluster(kv, io);
}
