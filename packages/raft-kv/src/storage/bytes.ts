/**
 * Little-endian byte writing and bounds-checked reading for record bodies. Numbers are
 * unsigned safe integers stored as u64 (two u32 halves), so indexes and terms up to 2^53 fit.
 */
const TWO_32 = 2 ** 32;

/**
 * A growable little-endian writer. Numbers are unsigned safe integers, written as u64.
 * Reusable: `reset` keeps the buffer (unless it grew past `maxRetained`), so a hot path
 * allocates nothing. Bytes past `length` are garbage until written.
 */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(private readonly initialCapacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(initialCapacity, 16));
  }

  /** Starts over at length 0, dropping a buffer that grew beyond `maxRetained` bytes. */
  reset(maxRetained = Infinity): void {
    this.length = 0;
    if (this.buf.length > maxRetained) this.buf = Buffer.allocUnsafe(Math.max(this.initialCapacity, 16));
  }

  skip(n: number): void {
    this.reserve(n);
    this.length += n;
  }

  zeros(n: number): void {
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }

  u8(n: number): void {
    this.reserve(1);
    this.buf[this.length++] = n;
  }

  u32(n: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(n, this.length);
    this.length += 4;
  }

  u64(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not an unsigned safe integer: ${n}`);
    this.reserve(8);
    this.buf.writeUInt32LE(n % TWO_32, this.length);
    this.buf.writeUInt32LE(Math.floor(n / TWO_32), this.length + 4);
    this.length += 8;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Overwrites the u32 at `position` (already written). */
  u32At(position: number, n: number): void {
    this.buf.writeUInt32LE(n, position);
  }

  /** A view of bytes `from`..`to` of what was written; valid until the next write or reset. */
  view(from = 0, to = this.length): Buffer {
    return this.buf.subarray(from, to);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
}

/** A bounds-checked reader over one record body. */
export class ByteReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] ?? 0;
  }

  u32(): number {
    this.need(4);
    const n = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return n;
  }

  u64(): number {
    this.need(8);
    const n = this.buf.readUInt32LE(this.pos) + this.buf.readUInt32LE(this.pos + 4) * TWO_32;
    this.pos += 8;
    if (!Number.isSafeInteger(n)) throw new Error('integer out of range');
    return n;
  }

  /** A copy, so that a decoded entry does not keep the whole segment in memory. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  done<T>(value: T): T {
    if (this.pos !== this.buf.length)
      throw new Error(`${this.buf.length - this.pos} unexpected bytes after the record`);
    return value;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('record body is shorter than its fields');
  }
}
