/**
 * The append messages in flight to one follower, for flow control: at most `maxCount`
 * messages and `maxBytes` payload bytes unacknowledged at once.
 * Invariant: indexes are strictly increasing; count <= maxCount.
 */
export class Inflights {
  private readonly items: { index: number; bytes: number }[] = [];
  private bytes = 0;

  constructor(
    readonly maxCount: number,
    readonly maxBytes: number,
  ) {}

  /** Records a message whose last entry is `index`. */
  add(index: number, bytes: number): void {
    this.items.push({ index, bytes });
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= `index` (they were acknowledged). */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.items.length && (this.items[n] as { index: number }).index <= index) {
      this.bytes -= (this.items[n] as { bytes: number }).bytes;
      n++;
    }
    if (n > 0) this.items.splice(0, n);
  }

  /** Frees the oldest message: used when a heartbeat shows the follower alive but a full window stalled. */
  freeFirstOne(): void {
    const first = this.items.shift();
    if (first) this.bytes -= first.bytes;
  }

  full(): boolean {
    return this.items.length >= this.maxCount || (this.maxBytes > 0 && this.bytes >= this.maxBytes);
  }

  count(): number {
    return this.items.length;
  }

  reset(): void {
    this.items.length = 0;
    this.bytes = 0;
  }
}
