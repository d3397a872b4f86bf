/**
 * Frames written in one turn of the event loop leave as one WebSocket message: a msgpack array
 * of the encoded frames (a lone frame goes as it is). With hundreds of requests in flight this
 * turns hundreds of socket writes, and as many WebSocket headers, into one. A message never
 * grows past `maxMessageBytes` unless a single frame does.
 */

/** The msgpack header of an array of `n` elements. */
export function arrayHeader(n: number): Buffer {
  if (n < 16) return Buffer.from([0x90 | n]);
  if (n < 0x10000) return Buffer.from([0xdc, n >> 8, n & 0xff]);
  const header = Buffer.alloc(5);
  header[0] = 0xdd;
  header.writeUInt32BE(n, 1);
  return header;
}

/** Where an {@link Outbox} sends a message; it calls `written` once the message has left (or failed). */
export type MessageSink = (data: Buffer, written: () => void) => void;

/**
 * Collects encoded frames and sends them in as few messages as the size bound allows.
 * Invariant: `unflushed` is the bytes of the frames written and not yet reported written.
 */
export class Outbox {
  private frames: Buffer[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  private closed = false;
  /** Bytes of frames queued here or handed to the socket and not yet written out. */
  unflushed = 0;

  constructor(
    private readonly sink: MessageSink,
    private readonly maxMessageBytes: number,
    /** Called whenever bytes have been written out. */
    private readonly onWritten: () => void = () => undefined,
    /** Called as a flush starts: the owner's last frames of the turn may still join it. */
    private readonly beforeFlush: () => void = () => undefined,
  ) {}

  /** Makes sure a flush comes at the end of this turn, even if nothing is written (see beforeFlush). */
  requestFlush(): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Queues an encoded frame for the next flush. */
  write(frame: Buffer): void {
    if (this.closed) return;
    if (this.queuedBytes + frame.length > this.maxMessageBytes && this.frames.length > 0) this.flush();
    this.frames.push(frame);
    this.queuedBytes += frame.length;
    this.unflushed += frame.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what is queued now. */
  flush(): void {
    this.beforeFlush();
    this.scheduled = false;
    const frames = this.frames;
    const bytes = this.queuedBytes;
    if (frames.length === 0 || this.closed) return;
    this.frames = [];
    this.queuedBytes = 0;
    const data = frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat([arrayHeader(frames.length), ...frames]);
    this.sink(data, () => {
      this.unflushed -= bytes;
      this.onWritten();
    });
  }

  /** Drops what is queued; later writes are ignored. */
  close(): void {
    this.closed = true;
    this.unflushed -= this.queuedBytes;
    this.frames = [];
    this.queuedBytes = 0;
  }
}

/** The frames in a decoded message: the elements of an array, else the message itself. */
export function framesOf(message: unknown): readonly unknown[] {
  return Array.isArray(message) ? message : [message];
}
