/**
 * The unary methods of the protocol, mapped onto a {@link KV}: arguments are checked for shape
 * here (a `badRequest` otherwise); their content is the store's to validate.
 */
import type { Bytes } from '../mvcc/bytes.js';
import type { DeleteRangeOptions, PutOptions, TxnParts } from '../mvcc/requests.js';
import type { AlarmAction, AlarmType } from '../mvcc/types.js';
import type { ClusterAdmin } from '../store/admin.js';
import type { KV, KvRangeOptions } from '../store/kv.js';
import { ServerError } from './protocol.js';
import type { KvMethod } from './protocol.js';

/** The methods {@link invokeUnary} serves: every one but the watch stream's. */
export type UnaryMethod = Exclude<KvMethod, 'watch' | 'watchCancel' | 'watchProgress' | 'watchAck'>;

/** Calls `method` of `kv` (or, for cluster administration, of `admin`) with the frame's `args`. */
export function invokeUnary(
  kv: KV,
  method: UnaryMethod,
  args: readonly unknown[],
  admin?: ClusterAdmin,
): Promise<unknown> {
  switch (method) {
    case 'memberList':
    case 'memberAdd':
    case 'memberRemove':
    case 'memberPromote':
    case 'moveLeader':
    case 'snapshot':
      if (!admin) throw new ServerError('badRequest', `${method}: this server is not a cluster member`);
      return invokeAdmin(admin, method, args);
    case 'range':
      return kv.range(bytesArg(args, 0), optionsArg<KvRangeOptions>(args, 1));
    case 'put':
      return kv.put(bytesArg(args, 0), bytesArg(args, 1), optionsArg<PutOptions>(args, 2));
    case 'deleteRange':
      return kv.deleteRange(bytesArg(args, 0), optionsArg<DeleteRangeOptions>(args, 1));
    case 'txn':
      return kv.txn(optionsArg<TxnParts>(args, 0) ?? {});
    case 'compact':
      return kv.compact(numberArg(args, 0));
    case 'grant': {
      const id = args[1] === undefined || args[1] === null ? undefined : numberArg(args, 1);
      return kv.grant(numberArg(args, 0), id);
    }
    case 'revoke':
      return kv.revoke(numberArg(args, 0));
    case 'keepAlive':
      return kv.keepAlive(numberArg(args, 0));
    case 'timeToLive':
      return kv.timeToLive(numberArg(args, 0), optionsArg<{ keys?: boolean }>(args, 1));
    case 'leases':
      return kv.leases();
    case 'alarm': {
      const alarm = args[1] === undefined || args[1] === null ? undefined : (stringArg(args, 1) as AlarmType);
      return kv.alarm(stringArg(args, 0) as AlarmAction, alarm);
    }
    case 'status':
      return kv.status();
  }
}

function invokeAdmin(
  admin: ClusterAdmin,
  method: 'memberList' | 'memberAdd' | 'memberRemove' | 'memberPromote' | 'moveLeader' | 'snapshot',
  args: readonly unknown[],
): Promise<unknown> {
  switch (method) {
    case 'memberList':
      return admin.memberList();
    case 'memberAdd':
      return admin.memberAdd(stringArg(args, 0), stringArg(args, 1), optionsArg<{ learner?: boolean }>(args, 2));
    case 'memberRemove':
      return admin.memberRemove(stringArg(args, 0));
    case 'memberPromote':
      return admin.memberPromote(stringArg(args, 0));
    case 'moveLeader':
      return admin.moveLeader(stringArg(args, 0));
    case 'snapshot':
      return admin.snapshot();
  }
}

/** Argument `i` as bytes (a string or binary). */
export function bytesArg(args: readonly unknown[], i: number): Bytes {
  const value = args[i];
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new ServerError('badRequest', `argument ${i} must be bytes or a string`);
}

/** Argument `i` as a number. */
export function numberArg(args: readonly unknown[], i: number): number {
  const value = args[i];
  if (typeof value === 'number') return value;
  throw new ServerError('badRequest', `argument ${i} must be a number`);
}

/** Argument `i` as a string. */
export function stringArg(args: readonly unknown[], i: number): string {
  const value = args[i];
  if (typeof value === 'string') return value;
  throw new ServerError('badRequest', `argument ${i} must be a string`);
}

/** Argument `i` as an options object, or undefined when absent. */
export function optionsArg<T>(args: readonly unknown[], i: number): T | undefined {
  const value = args[i];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) return value as T;
  throw new ServerError('badRequest', `argument ${i} must be an options object`);
}
