/**
 * Bytes at the edge, compact strings inside. The keyspace holds every key and value as a
 * "binary string": one UTF-16 code unit per byte (0..255). V8 stores such strings with one
 * byte per character and 16 bytes of header, and compares them with `<` in byte order, so
 * they are both the smallest and the fastest representation for an ordered index.
 */
import { Buffer } from 'node:buffer';

/** Bytes as accepted at the API edge: raw bytes, or a string that stands for its UTF-8 encoding. */
export type Bytes = Uint8Array | string;

/** The binary string of no bytes. */
export const EMPTY = '';

/** The range end that means "every key from the start key on" (etcd's `\0`). */
export const UNBOUNDED = '\x00';

const NON_ASCII = /[\u0080-\uffff]/;

/** The binary string of `bytes`, for looking it up (may return the caller's own string). */
export function toBinary(bytes: Bytes): string {
  if (typeof bytes === 'string') {
    return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'utf8').toString('latin1') : bytes;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * The binary string of `bytes` as a fresh, flat string, for storing it: a caller's string
 * may be a slice of a much larger one, which the index would otherwise keep alive.
 */
export function toStoredBinary(bytes: Bytes): string {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8').toString('latin1');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** A fresh, flat copy of a binary string (see {@link toStoredBinary}). */
export function ownBinary(binary: string): string {
  return Buffer.from(binary, 'latin1').toString('latin1');
}

/** The bytes of a binary string. */
export function fromBinary(binary: string): Uint8Array {
  return Buffer.from(binary, 'latin1');
}

/** The number of bytes `bytes` stands for. */
export function byteLength(bytes: Bytes | undefined): number {
  if (bytes === undefined || bytes === null) return 0;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.byteLength;
}

/**
 * The end of the range of keys that start with `prefix` (etcd's `GetPrefixRangeEnd`): the
 * prefix with its last byte below 0xff incremented and what follows dropped, or
 * {@link UNBOUNDED} when there is no such byte (the prefix is empty or all 0xff).
 */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return UNBOUNDED;
}

/** Orders binary strings by their bytes. */
export function compareBinary(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
