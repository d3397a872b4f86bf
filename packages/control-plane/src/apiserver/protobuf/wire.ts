/**
 * The protobuf wire format, by hand: a reader that walks the fields of one message and a writer
 * that builds one. Only what Kubernetes and gnostic messages use: varints, length-delimited
 * fields, and fixed32/fixed64 (read as raw numbers). Groups (wire types 3 and 4) are rejected.
 */

/** A protobuf wire type: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
export type WireType = 0 | 1 | 2 | 5;

/** One field read from a message: its number, wire type and raw value. */
export type WireField =
  | { readonly fieldNumber: number; readonly wireType: 0 | 1 | 5; readonly value: bigint }
  | { readonly fieldNumber: number; readonly wireType: 2; readonly value: Uint8Array };

/** Malformed protobuf data: truncated, an overlong varint, a group or an unknown wire type. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** A cursor over protobuf bytes. */
export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  /** Whether every byte has been read. */
  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Reads a base-128 varint as an unsigned 64-bit bigint. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new WireError('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** Reads `n` bytes. */
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) throw new WireError(`truncated field: ${n} bytes wanted`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a little-endian fixed-width unsigned integer of `n` bytes. */
  fixed(n: 4 | 8): bigint {
    const raw = this.bytes(n);
    let result = 0n;
    for (let i = n - 1; i >= 0; i--) result = (result << 8n) | BigInt(raw[i] ?? 0);
    return result;
  }

  /** Reads the next field (tag and value). */
  field(): WireField {
    const tag = this.varint();
    const fieldNumber = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (fieldNumber === 0) throw new WireError('field number 0');
    switch (wireType) {
      case 0:
        return { fieldNumber, wireType, value: this.varint() };
      case 1:
        return { fieldNumber, wireType, value: this.fixed(8) };
      case 2:
        return { fieldNumber, wireType, value: this.bytes(Number(this.varint())) };
      case 5:
        return { fieldNumber, wireType, value: this.fixed(4) };
      default:
        throw new WireError(`unsupported wire type ${wireType} for field ${fieldNumber}`);
    }
  }
}

/** The fields of one encoded message, in order. Throws WireError on malformed data. */
export function* readFields(buf: Uint8Array): Generator<WireField> {
  const reader = new WireReader(buf);
  while (!reader.done) yield reader.field();
}

/** The varints of a packed repeated numeric field. */
export function readPackedVarints(buf: Uint8Array): bigint[] {
  const reader = new WireReader(buf);
  const out: bigint[] = [];
  while (!reader.done) out.push(reader.varint());
  return out;
}

const utf8Encoder = new TextEncoder();

/** A builder of one protobuf message; nested messages are built by their own writer. */
export class WireWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  /** Writes a varint field (int32, int64, uint64, enum). Negative numbers take ten bytes. */
  varint(fieldNumber: number, value: number | bigint): this {
    this.tag(fieldNumber, 0);
    this.rawVarint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  /** Writes a bool field. */
  bool(fieldNumber: number, value: boolean): this {
    return this.varint(fieldNumber, value ? 1 : 0);
  }

  /** Writes a string field as UTF-8. */
  string(fieldNumber: number, value: string): this {
    return this.bytes(fieldNumber, utf8Encoder.encode(value));
  }

  /** Writes a bytes field (also used for an already encoded nested message). */
  bytes(fieldNumber: number, value: Uint8Array): this {
    this.tag(fieldNumber, 2);
    this.rawVarint(BigInt(value.length));
    this.push(value);
    return this;
  }

  /** Writes a nested message built by `build` on a fresh writer. */
  message(fieldNumber: number, build: (writer: WireWriter) => void): this {
    const child = new WireWriter();
    build(child);
    return this.bytes(fieldNumber, child.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private tag(fieldNumber: number, wireType: WireType): void {
    this.rawVarint((BigInt(fieldNumber) << 3n) | BigInt(wireType));
  }

  private rawVarint(value: bigint): void {
    const out: number[] = [];
    let rest = value;
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest !== 0n) byte |= 0x80;
      out.push(byte);
    } while (rest !== 0n);
    this.push(Uint8Array.from(out));
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
}
