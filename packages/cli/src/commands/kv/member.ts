/**
 * `bosun kv member list|add|remove|promote`, `bosun kv move-leader` and
 * `bosun kv snapshot save|restore`: etcdctl's cluster verbs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Member, type MemberListResponse } from '@bosun/raft-kv';
import type { Io } from '../../program.js';
import { addClientFlags, toJson, withClient, writeOut, type ClientFlags } from './client-flags.js';

/** The `member list` table: one line per member, as etcdctl prints it. */
export function printMembers(list: MemberListResponse): string {
  return list.members
    .map((m) => {
      const status = m.name === list.leader ? 'leader' : m.isLearner ? 'learner' : 'voter';
      return `${m.name}, ${status}, ${m.peerURL || '-'}, ${m.clientURL || '-'}\n`;
    })
    .join('');
}

function registerMember(kv: Command, io: Io): void {
  const member = kv.command('member').description('list and change the members of the cluster');
  const show = (flags: ClientFlags, list: MemberListResponse) =>
    io.out(writeOut(flags) === 'json' ? toJson(list) : printMembers(list));

  addClientFlags(member.command('list').description('list the members (name, role, peer URL, client URL)')).action(
    async (flags: ClientFlags) => show(flags, await withClient(flags, (c) => c.memberList())),
  );
  addClientFlags(
    member
      .command('add')
      .description('add a member (a learner unless --voter); start it with `kv serve --join`')
      .argument('<name>')
      .requiredOption('--peer-url <url>', 'where the new member listens for peers')
      .option('--voter', 'add it as a voter at once instead of a learner'),
  ).action(async (name: string, flags: ClientFlags & { peerUrl: string; voter?: boolean }) => {
    show(flags, await withClient(flags, (c) => c.memberAdd(name, flags.peerUrl, { learner: flags.voter !== true })));
  });
  addClientFlags(member.command('remove').description('remove a member').argument('<name>')).action(
    async (name: string, flags: ClientFlags) => show(flags, await withClient(flags, (c) => c.memberRemove(name))),
  );
  addClientFlags(member.command('promote').description('make a caught-up learner a voter').argument('<name>')).action(
    async (name: string, flags: ClientFlags) => show(flags, await withClient(flags, (c) => c.memberPromote(name))),
  );
}

function registerMoveLeader(kv: Command, io: Io): void {
  addClientFlags(kv.command('move-leader').description('hand leadership to another voter').argument('<name>')).action(
    async (name: string, flags: ClientFlags) => {
      await withClient(flags, (c) => c.moveLeader(name));
      io.out(`leadership moved to ${name}\n`);
    },
  );
}

function registerSnapshot(kv: Command, io: Io): void {
  const snapshot = kv.command('snapshot').description('save a live snapshot, or restore one into a new data dir');
  addClientFlags(
    snapshot.command('save').description('save the keyspace of a live cluster to a file').argument('<file>'),
  ).action(async (file: string, flags: ClientFlags) => {
    const data = await withClient(flags, (c) => c.snapshot());
    await writeFile(file, data, { mode: 0o600 });
    io.out(`snapshot saved to ${file} (${data.byteLength} bytes)\n`);
  });
  snapshot
    .command('restore')
    .description('create the data dir of a new single-member cluster from a snapshot file')
    .argument('<file>')
    .requiredOption('--data-dir <dir>', 'the new (empty) data dir')
    .option('--name <name>', 'the member name', 'default')
    .action(async (file: string, flags: { dataDir: string; name: string }) => {
      const data = new Uint8Array(await readFile(file));
      const member = await Member.start({
        name: flags.name,
        dataDir: flags.dataDir,
        listenPeer: 'http://127.0.0.1:0',
        listenClient: 'http://127.0.0.1:0',
        clusterToken: 'restore',
        restoreFrom: data,
      });
      const status = await member.store.status();
      await member.close();
      io.out(
        `restored ${file} into ${flags.dataDir} at revision ${status.revision}; start it with kv serve --data-dir ${flags.dataDir} --name ${flags.name}\n`,
      );
    });
}

/** Adds the cluster verbs to `bosun kv`. */
export function registerCluster(kv: Command, io: Io): void {
  registerMember(kv, io);
  registerMoveLeader(kv, io);
  registerSnapshot(kv, io);
}
