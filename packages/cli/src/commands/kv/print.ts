/**
 * How `bosun kv` prints responses in etcdctl's `simple` format: a key then its value, one per
 * line; `OK` for a put; the number of deleted keys for a delete.
 */
import type {
  DeleteRangeResponse,
  KeyValue,
  PutResponse,
  RangeResponse,
  ResponseOp,
  TxnResponse,
} from '@bosun/raft-kv';
import { text } from './client-flags.js';

/** Options of {@link printRange}. */
export interface RangePrintOptions {
  readonly keysOnly?: boolean;
  readonly countOnly?: boolean;
}

/** The lines of a key-value pair (just the key with `keysOnly`). */
export function printKv(kv: KeyValue, keysOnly = false): string {
  return keysOnly ? `${text(kv.key)}\n` : `${text(kv.key)}\n${text(kv.value)}\n`;
}

/** A range response: each key and value, or the count with `countOnly`. */
export function printRange(resp: RangeResponse, options: RangePrintOptions = {}): string {
  if (options.countOnly === true) return `${resp.count}\n`;
  return resp.kvs.map((kv) => printKv(kv, options.keysOnly)).join('');
}

/** A put response: `OK`, then the previous pair when it was asked for and existed. */
export function printPut(resp: PutResponse): string {
  return `OK\n${resp.prevKv ? printKv(resp.prevKv) : ''}`;
}

/** A delete response: the number of deleted keys, then the deleted pairs when asked for. */
export function printDelete(resp: DeleteRangeResponse): string {
  return `${resp.deleted}\n${resp.prevKvs.map((kv) => printKv(kv)).join('')}`;
}

/** One response of a txn branch. */
export function printResponseOp(resp: ResponseOp): string {
  switch (resp.type) {
    case 'range':
      return printRange(resp);
    case 'put':
      return printPut(resp);
    case 'deleteRange':
      return printDelete(resp);
    case 'txn':
      return printTxn(resp);
  }
}

/** A txn response: `SUCCESS` or `FAILURE`, then each response after a blank line (as etcdctl). */
export function printTxn(resp: TxnResponse): string {
  return `${resp.succeeded ? 'SUCCESS' : 'FAILURE'}\n${resp.responses.map((r) => `\n${printResponseOp(r)}`).join('')}`;
}
