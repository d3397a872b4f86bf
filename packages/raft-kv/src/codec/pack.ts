/**
 * msgpackr packs into one buffer that every Packr in the process shares. The buffer grows to
 * fit the largest value packed and never shrinks, and each result is a view that keeps the
 * whole buffer alive: one 25 MB snapshot would pin ~50 MB for the life of the process. Large
 * results are therefore copied out and the shared buffer is handed back small.
 */
import type { Packr } from 'msgpackr';

/** Results from a shared buffer larger than this are copied out (1 MiB). */
const LARGE_BUFFER_BYTES = 1 << 20;
const FRESH_BUFFER_BYTES = 8192;

/** Packs `value`; the result never keeps a large shared buffer alive, and the shared one stays small. */
export function packOwned(packr: Packr, value: unknown): Buffer {
  const packed = packr.pack(value);
  if (packed.buffer.byteLength <= LARGE_BUFFER_BYTES) return packed;
  const owned = Buffer.allocUnsafeSlow(packed.length);
  packed.copy(owned);
  packr.useBuffer(Buffer.allocUnsafeSlow(FRESH_BUFFER_BYTES));
  return owned;
}
