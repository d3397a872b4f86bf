/**
 * Helpers for the transport tests: transports on 127.0.0.1 port 0 that record what they
 * receive and report, closed when the test ends, and waits bounded by a deadline.
 */
import type { Message, NodeId } from '../raft/types.js';
import { WsTransport, type WsTransportOptions } from './ws-transport.js';

/** The token every test member shares. */
export const TOKEN = 'test-cluster-token';

/** What a transport received and reported, with waits on it. */
export class Recorder {
  readonly messages: Message[] = [];
  readonly unreachable: NodeId[] = [];
  readonly snapshotsSent: { to: NodeId; ok: boolean }[] = [];
  readonly errors: Error[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  /** Resolves once `check` holds, re-checked after each recorded event; rejects after `timeoutMs`. */
  until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Called after each event. */
  notify(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** A transport and its recorder. */
export interface Member {
  readonly transport: WsTransport;
  readonly rec: Recorder;
  readonly url: string;
}

type TestOptions = Partial<Omit<WsTransportOptions, 'onMessage' | 'onUnreachable' | 'onSnapshotSent' | 'onError'>>;

/** Starts a listening transport for member `id`; it is closed when `t` ends. */
export async function startMember(
  t: { teardown(fn: () => unknown): void },
  id: NodeId,
  opts: TestOptions & { port?: number } = {},
): Promise<Member> {
  const rec = new Recorder();
  const { port, ...rest } = opts;
  const transport = new WsTransport({
    id,
    clusterToken: TOKEN,
    backoff: { initialMs: 20, maxMs: 200 },
    ...rest,
    onMessage: (m) => {
      rec.messages.push(m);
      rec.notify();
    },
    onUnreachable: (peer) => {
      rec.unreachable.push(peer);
      rec.notify();
    },
    onSnapshotSent: (to, ok) => {
      rec.snapshotsSent.push({ to, ok });
      rec.notify();
    },
    onError: (err) => {
      rec.errors.push(err);
      rec.notify();
    },
  });
  t.teardown(() => transport.close());
  const url = await transport.listen(port === undefined ? {} : { port });
  return { transport, rec, url };
}

/** Introduces every member to every other. */
export function connectAll(members: readonly Member[]): void {
  for (const a of members) {
    for (const b of members) if (a !== b) a.transport.addPeer(b.transport.id, b.url);
  }
}

/** A small message whose `index` tells it apart. */
export function heartbeat(from: NodeId, to: NodeId, index: number): Message {
  return { type: 'heartbeat', from, to, term: 1, index, commit: index };
}

/** An append of `count` entries of `bytes` bytes each, whose data follows from `index`. */
export function append(from: NodeId, to: NodeId, index: number, count = 1, bytes = 16): Message {
  const entries = Array.from({ length: count }, (_, i) => ({
    term: 1,
    index: index + i + 1,
    type: 'normal' as const,
    data: new Uint8Array(bytes).fill((index + i) & 0xff),
  }));
  return { type: 'append', from, to, term: 1, index, logTerm: 1, commit: index, entries };
}
