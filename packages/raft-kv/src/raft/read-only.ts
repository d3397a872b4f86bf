import type { NodeId } from './types.js';

/** A ReadIndex request waiting for a heartbeat round to confirm leadership. */
interface PendingRead {
  readonly index: number;
  readonly from: NodeId;
  readonly context: Uint8Array;
  readonly acks: Set<NodeId>;
}

/** A key for a read context (contexts are unique bytes chosen by the application). */
export function contextKey(ctx: Uint8Array): string {
  return Buffer.from(ctx.buffer, ctx.byteOffset, ctx.byteLength).toString('base64');
}

/**
 * The leader's queue of ReadIndex requests (§6.4 of the dissertation): each records the commit
 * index when it arrived and is released once a quorum acknowledged a heartbeat carrying its
 * context, which proves this member was still the leader at that moment.
 * Invariant: requests are released in arrival order; releasing one releases all before it.
 */
export class ReadOnly {
  private readonly pending = new Map<string, PendingRead>();
  private queue: string[] = [];

  add(index: number, from: NodeId, context: Uint8Array): void {
    const key = contextKey(context);
    if (this.pending.has(key)) return;
    this.pending.set(key, { index, from, context, acks: new Set() });
    this.queue.push(key);
  }

  /** Records a heartbeat acknowledgement; returns the set of members that acked this context. */
  recvAck(id: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const req = this.pending.get(contextKey(context));
    if (!req) return undefined;
    req.acks.add(id);
    return req.acks;
  }

  /** Releases the request with this context and every request queued before it. */
  advance(context: Uint8Array): PendingRead[] {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1).map((k) => this.pending.get(k) as PendingRead);
    for (const k of this.queue.slice(0, at + 1)) this.pending.delete(k);
    this.queue = this.queue.slice(at + 1);
    return released;
  }

  /** The newest pending context, which a heartbeat round confirms together with all before it. */
  lastPendingContext(): Uint8Array | undefined {
    const last = this.queue[this.queue.length - 1];
    return last === undefined ? undefined : this.pending.get(last)?.context;
  }

  reset(): void {
    this.pending.clear();
    this.queue = [];
  }
}
