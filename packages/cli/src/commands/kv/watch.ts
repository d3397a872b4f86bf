/** `bosun kv watch`: prints the events on a key or range until SIGINT or SIGTERM. */
import type { Command } from 'commander';
import type { WatchEvent, WatchOptions } from '@bosun/raft-kv';
import type { Io } from '../../program.js';
import {
  addClientFlags,
  connectFlags,
  parseCount,
  parseEndpoints,
  text,
  toJson,
  writeOut,
  type ClientFlags,
} from './client-flags.js';
import { printKv } from './print.js';

interface WatchFlags extends ClientFlags {
  readonly prefix?: boolean;
  readonly fromKey?: boolean;
  readonly rev?: string;
  readonly prevKv?: boolean;
}

/** One event as etcdctl prints it: `PUT` or `DELETE`, the previous pair if asked for, then the key and value. */
export function printEvent(event: WatchEvent): string {
  const kind = event.type === 'put' ? 'PUT' : 'DELETE';
  const prev = event.prevKv ? printKv(event.prevKv) : '';
  return `${kind}\n${prev}${text(event.kv.key)}\n${text(event.kv.value)}\n`;
}

/** Adds `watch` to `kv`. */
export function registerWatch(kv: Command, io: Io): void {
  addClientFlags(
    kv
      .command('watch')
      .description('print the events on a key or range until interrupted (SIGINT or SIGTERM)')
      .argument('<key>')
      .argument('[range_end]', 'the exclusive end of the range [key, range_end)')
      .option('--prefix', 'watch every key with the prefix KEY')
      .option('--from-key', 'watch every key from KEY on')
      .option('--rev <revision>', 'start at this revision (past events are replayed)')
      .option('--prev-kv', 'print the pair before each event'),
  ).action(async (key: string, rangeEnd: string | undefined, flags: WatchFlags) => {
    const format = writeOut(flags);
    if ([rangeEnd !== undefined, flags.prefix === true, flags.fromKey === true].filter(Boolean).length > 1) {
      throw new Error('RANGE_END, --prefix and --from-key are mutually exclusive');
    }
    const options: WatchOptions = {
      ...(rangeEnd !== undefined ? { rangeEnd } : {}),
      ...(flags.prefix === true ? { prefix: true } : {}),
      ...(flags.fromKey === true ? { fromKey: true } : {}),
      ...(flags.rev !== undefined ? { startRevision: parseCount('--rev', flags.rev) } : {}),
      ...(flags.prevKv === true ? { prevKv: true } : {}),
    };
    const client = await connectFlags(flags, parseEndpoints(flags.endpoints));
    const watch = client.watch(key, options);
    const stop = () => watch.cancel();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      for await (const batch of watch) {
        if (format === 'json') {
          if (batch.type !== 'end' || batch.reason !== 'canceled') io.out(toJson(batch, true));
        } else if (batch.type === 'events') {
          for (const event of batch.events) io.out(printEvent(event));
        }
        if (batch.type === 'end' && batch.reason !== 'canceled') {
          const since = batch.compactRevision !== undefined ? ` (compacted at revision ${batch.compactRevision})` : '';
          throw new Error(`watch ended: ${batch.reason}${since}; resume from revision ${batch.resumeRevision}`);
        }
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await client.close();
    }
  });
}
