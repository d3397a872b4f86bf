/** `bosun kv txn`: a txn in etcdctl's readable syntax, read from stdin (see txn-syntax.ts). */
import type { Command } from 'commander';
import type { Io } from '../../program.js';
import { addClientFlags, toJson, withClient, writeOut, type ClientFlags } from './client-flags.js';
import { printTxn } from './print.js';
import { parseTxn } from './txn-syntax.js';

/** Reads the whole of `stream` as UTF-8 text. */
export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text;
}

/** Adds `txn` to `kv`; `stdin` is where the txn text comes from (the process's by default). */
export function registerTxn(
  kv: Command,
  io: Io,
  stdin: () => AsyncIterable<Buffer | string> = () => process.stdin,
): void {
  addClientFlags(
    kv
      .command('txn')
      .description('run a txn read from stdin: compares, a blank line, success ops, a blank line, failure ops'),
  ).action(async (flags: ClientFlags) => {
    const format = writeOut(flags);
    const parts = parseTxn(await readAll(stdin()));
    const resp = await withClient(flags, (client) => client.txn(parts));
    io.out(format === 'json' ? toJson(resp) : printTxn(resp));
  });
}
