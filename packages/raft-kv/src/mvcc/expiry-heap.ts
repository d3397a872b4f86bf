/**
 * A binary min-heap of lease expiries. Entries are never removed in place: a renewed or
 * revoked lease leaves a stale entry behind that the reader skips (etcd's LeaseQueue works
 * the same way).
 */

/** When one lease expires. */
export interface ExpiryItem {
  readonly id: number;
  /** Milliseconds on the lessor's clock. */
  readonly expiry: number;
}

/** A min-heap of {@link ExpiryItem}s ordered by expiry, then id (so that equal times pop deterministically). */
export class ExpiryHeap {
  private readonly items: ExpiryItem[] = [];

  /** The number of entries, stale ones included. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest entry. */
  peek(): ExpiryItem | undefined {
    return this.items[0];
  }

  /** Adds an entry. */
  push(item: ExpiryItem): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, items[parent] as ExpiryItem)) break;
      items[i] = items[parent] as ExpiryItem;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the earliest entry. */
  pop(): ExpiryItem | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && before(items[right] as ExpiryItem, items[left] as ExpiryItem) ? right : left;
      if (!before(items[child] as ExpiryItem, last)) break;
      items[i] = items[child] as ExpiryItem;
      i = child;
    }
    items[i] = last;
    return top;
  }

  /** Drops every entry. */
  clear(): void {
    this.items.length = 0;
  }
}

function before(a: ExpiryItem, b: ExpiryItem): boolean {
  return a.expiry < b.expiry || (a.expiry === b.expiry && a.id < b.id);
}
