/** `bosun kv put`, `get` and `del`: etcdctl's verbs on keys. */
import type { Command } from 'commander';
import type { KvRangeOptions } from '@bosun/raft-kv';
import type { Io } from '../../program.js';
import {
  addClientFlags,
  parseCount,
  parseLeaseId,
  toJson,
  withClient,
  writeOut,
  type ClientFlags,
} from './client-flags.js';
import { printDelete, printPut, printRange } from './print.js';

interface PutFlags extends ClientFlags {
  readonly lease?: string;
  readonly prevKv?: boolean;
}

interface GetFlags extends ClientFlags {
  readonly prefix?: boolean;
  readonly fromKey?: boolean;
  readonly rev?: string;
  readonly limit?: string;
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
  readonly consistency: string;
  readonly sortBy?: string;
  readonly order?: string;
}

interface DelFlags extends ClientFlags {
  readonly prefix?: boolean;
  readonly fromKey?: boolean;
  readonly prevKv?: boolean;
}

type RangeSort = NonNullable<KvRangeOptions['sort']>;
type SortTarget = RangeSort['target'];
type SortOrder = RangeSort['order'];

const SORT_TARGETS: Readonly<Record<string, SortTarget>> = {
  KEY: 'key',
  VERSION: 'version',
  CREATE: 'create',
  MODIFY: 'mod',
  VALUE: 'value',
};

const SORT_ORDERS: Readonly<Record<string, SortOrder>> = { ASCEND: 'ascend', DESCEND: 'descend' };

/** The sort of `get --sort-by --order` (etcdctl: a target alone sorts ascending, an order alone by key). */
export function parseSort(sortBy?: string, order?: string): KvRangeOptions['sort'] {
  if (sortBy === undefined && order === undefined) return undefined;
  const target = SORT_TARGETS[(sortBy ?? 'KEY').toUpperCase()];
  if (target === undefined)
    throw new Error(`bad --sort-by "${sortBy}" (expected KEY, VERSION, CREATE, MODIFY or VALUE)`);
  const sortOrder = SORT_ORDERS[(order ?? 'ASCEND').toUpperCase()];
  if (sortOrder === undefined) throw new Error(`bad --order "${order}" (expected ASCEND or DESCEND)`);
  return { target, order: sortOrder };
}

/** The range options of `get`'s flags. */
export function rangeOptions(rangeEnd: string | undefined, flags: GetFlags): KvRangeOptions {
  if ([rangeEnd !== undefined, flags.prefix === true, flags.fromKey === true].filter(Boolean).length > 1) {
    throw new Error('RANGE_END, --prefix and --from-key are mutually exclusive');
  }
  if (flags.consistency !== 'l' && flags.consistency !== 's') {
    throw new Error(`bad --consistency "${flags.consistency}" (expected l or s)`);
  }
  const sort = parseSort(flags.sortBy, flags.order);
  return {
    ...(rangeEnd !== undefined ? { rangeEnd } : {}),
    ...(flags.prefix === true ? { prefix: true } : {}),
    ...(flags.fromKey === true ? { fromKey: true } : {}),
    ...(flags.rev !== undefined ? { revision: parseCount('--rev', flags.rev) } : {}),
    ...(flags.limit !== undefined ? { limit: parseCount('--limit', flags.limit) } : {}),
    ...(flags.keysOnly === true ? { keysOnly: true } : {}),
    ...(flags.countOnly === true ? { countOnly: true } : {}),
    ...(flags.consistency === 's' ? { serializable: true } : {}),
    ...(sort !== undefined ? { sort } : {}),
  };
}

/** Adds `put`, `get` and `del` to `kv`. */
export function registerKeyVerbs(kv: Command, io: Io): void {
  addClientFlags(
    kv
      .command('put')
      .description('put a key')
      .argument('<key>')
      .argument('<value>')
      .option('--lease <id>', 'attach the key to this lease (hexadecimal id)')
      .option('--prev-kv', 'print the previous key-value pair'),
  ).action(async (key: string, value: string, flags: PutFlags) => {
    const format = writeOut(flags);
    const options = {
      ...(flags.lease !== undefined ? { lease: parseLeaseId(flags.lease) } : {}),
      ...(flags.prevKv === true ? { prevKv: true } : {}),
    };
    const resp = await withClient(flags, (client) => client.put(key, value, options));
    io.out(format === 'json' ? toJson(resp) : printPut(resp));
  });

  addClientFlags(
    kv
      .command('get')
      .description('get a key or a range of keys')
      .argument('<key>')
      .argument('[range_end]', 'the exclusive end of the range [key, range_end)')
      .option('--prefix', 'get every key with the prefix KEY')
      .option('--from-key', 'get every key from KEY on')
      .option('--rev <revision>', 'read at this revision')
      .option('--limit <n>', 'return at most n keys')
      .option('--keys-only', 'print keys only')
      .option('--count-only', 'print the number of keys only')
      .option('--consistency <l|s>', 'linearizable (l) or serializable (s)', 'l')
      .option('--sort-by <target>', 'sort by KEY, VERSION, CREATE, MODIFY or VALUE')
      .option('--order <order>', 'ASCEND or DESCEND'),
  ).action(async (key: string, rangeEnd: string | undefined, flags: GetFlags) => {
    const format = writeOut(flags);
    const options = rangeOptions(rangeEnd, flags);
    const resp = await withClient(flags, (client) => client.range(key, options));
    io.out(format === 'json' ? toJson(resp) : printRange(resp, options));
  });

  addClientFlags(
    kv
      .command('del')
      .description('delete a key or a range of keys')
      .argument('<key>')
      .argument('[range_end]', 'the exclusive end of the range [key, range_end)')
      .option('--prefix', 'delete every key with the prefix KEY')
      .option('--from-key', 'delete every key from KEY on')
      .option('--prev-kv', 'print the deleted key-value pairs'),
  ).action(async (key: string, rangeEnd: string | undefined, flags: DelFlags) => {
    const format = writeOut(flags);
    if ([rangeEnd !== undefined, flags.prefix === true, flags.fromKey === true].filter(Boolean).length > 1) {
      throw new Error('RANGE_END, --prefix and --from-key are mutually exclusive');
    }
    const options = {
      ...(rangeEnd !== undefined ? { rangeEnd } : {}),
      ...(flags.prefix === true ? { prefix: true } : {}),
      ...(flags.fromKey === true ? { fromKey: true } : {}),
      ...(flags.prevKv === true ? { prevKv: true } : {}),
    };
    const resp = await withClient(flags, (client) => client.deleteRange(key, options));
    io.out(format === 'json' ? toJson(resp) : printDelete(resp));
  });
}
