/**
 * One Bosun cluster member as its own process, for the kv-vs-etcd benchmark:
 * `node bosun-member.js '<MemberOptions as JSON>'`. Prints `ready <clientURL>` once serving;
 * closes the member and exits on SIGTERM, SIGINT or when its stdin closes (the parent died),
 * so that `--cpu-prof` profiles are written.
 */
import { Member, type MemberOptions } from '@bosun/raft-kv';

const options = JSON.parse(process.argv[2] ?? '{}') as MemberOptions;
const member = await Member.start(options);
process.stdout.write(`ready ${member.clientURL}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 5_000);
  force.unref();
  await member.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
