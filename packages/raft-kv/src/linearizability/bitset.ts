/**
 * A fixed-size set of small integers (operation indexes), with a string form usable as a
 * Map key: the search memoizes (linearized set, register value) pairs by it.
 */
export class Bitset {
  /** Bit `i` of the set is bit `i % 32` of `words[i >>> 5]`. */
  private readonly words: Uint32Array;
  /** The same memory as 16-bit units, from which `key()` makes its string. */
  private readonly units: Uint16Array;

  /** Makes an empty set of integers in `[0, size)`. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`Bitset size must be a natural number: ${size}`);
    this.words = new Uint32Array(Math.ceil(size / 32));
    this.units = new Uint16Array(this.words.buffer);
  }

  /** Adds `i` to the set. Precondition (not checked, for speed): `0 <= i < size`. */
  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  /** Removes `i` from the set. Precondition (not checked, for speed): `0 <= i < size`. */
  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }

  /** Whether `i` is in the set. */
  has(i: number): boolean {
    return ((this.words[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
  }

  /** A copy of the set as it is now, for {@link containsAll}. */
  snapshot(): Uint32Array {
    return this.words.slice();
  }

  /** Whether every member of `snapshot` (a snapshot of a set of this size) is in this set. */
  containsAll(snapshot: Uint32Array): boolean {
    return snapshot.every((word, w) => (word & ~(this.words[w] ?? 0)) === 0);
  }

  /**
   * The set as a string of `ceil(size / 32) * 2` UTF-16 units: equal sets give equal
   * strings, and sets of one size give strings of one length.
   */
  key(): string {
    // `apply` takes the typed array as it is (a spread would iterate it: 7 times slower), in
    // chunks that stay well under the engine's limit on the number of arguments.
    const chunk = 8192;
    let out = '';
    for (let start = 0; start < this.units.length; start += chunk) {
      const units = this.units.subarray(start, start + chunk);
      out += String.fromCharCode.apply(null, units as unknown as number[]);
    }
    return out;
  }
}
