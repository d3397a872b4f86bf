/**
 * Test fixtures shared by the storage tests and the crash-test child: temp directories,
 * entries whose bytes follow from their index, and a seeded PRNG.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../raft/types.js';

/** A fresh temp directory, removed when the test `t` ends. */
export function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-wal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Bytes that follow from `index` and `salt`, of a length between 0 and 300 that varies with both. */
export function payload(index: number, salt = 0): Uint8Array {
  const length = (index * 37 + salt * 11) % 301;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (index * 31 + i * 7 + salt) & 0xff;
  return out;
}

/** An entry at `index` and `term` carrying {@link payload}(index, salt). */
export function entry(index: number, term = 1, salt = 0): Entry {
  return { index, term, type: 'normal', data: payload(index, salt) };
}

/** Entries `from`..`to` inclusive. */
export function entries(from: number, to: number, term = 1, salt = 0): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term, salt));
  return out;
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
