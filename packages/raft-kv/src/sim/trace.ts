/**
 * The simulation's trace: every line feeds a running hash (so two runs can be compared
 * exactly), and the last `keep` lines are kept to print when a check fails.
 */
export class Trace {
  private readonly lines: string[] = [];
  private next = 0;
  private hash = 0x811c9dc5;
  count = 0;

  constructor(private readonly keep = 400) {}

  add(time: number, line: string): void {
    const text = `${String(time).padStart(6)} ${line}`;
    for (let i = 0; i < text.length; i++) {
      this.hash ^= text.charCodeAt(i);
      this.hash = Math.imul(this.hash, 0x01000193) >>> 0;
    }
    if (this.lines.length < this.keep) this.lines.push(text);
    else this.lines[this.next] = text;
    this.next = (this.next + 1) % this.keep;
    this.count++;
  }

  /** The hash of every line so far. */
  digest(): string {
    return `${this.count}:${this.hash.toString(16)}`;
  }

  /** The kept lines, oldest first. */
  tail(): string[] {
    if (this.lines.length < this.keep) return [...this.lines];
    return [...this.lines.slice(this.next), ...this.lines.slice(0, this.next)];
  }
}
