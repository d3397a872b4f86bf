/**
 * The simulator's state machine: a tiny key-value store with put, get and compare-and-swap,
 * and exactly-once client sessions (a command carries a client id and a sequence number;
 * a command at or below the client's last applied sequence is not applied again).
 */

/** A client command, as proposed through Raft. */
export type KvCommand =
  | { readonly op: 'put'; readonly client: string; readonly seq: number; readonly key: string; readonly value: string }
  | {
      readonly op: 'cas';
      readonly client: string;
      readonly seq: number;
      readonly key: string;
      readonly expected: string | undefined;
      readonly value: string;
    };

/** What applying a command answered. */
export type KvResult = { readonly op: 'put' } | { readonly op: 'cas'; readonly ok: boolean };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommand(c: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(c));
}

export function decodeCommand(data: Uint8Array): KvCommand {
  return JSON.parse(decoder.decode(data)) as KvCommand;
}

/** The replicated key-value state. */
export class KvMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions = new Map<string, { seq: number; result: KvResult }>();

  /**
   * Applies a command once per client sequence number and returns its result; a retried
   * command gets the first result again, and one older than the client's newest is skipped.
   */
  apply(c: KvCommand): KvResult | undefined {
    const session = this.sessions.get(c.client);
    if (session && c.seq <= session.seq) return session.seq === c.seq ? session.result : undefined;
    let result: KvResult;
    if (c.op === 'put') {
      this.data.set(c.key, c.value);
      result = { op: 'put' };
    } else {
      const ok = this.data.get(c.key) === c.expected;
      if (ok) this.data.set(c.key, c.value);
      result = { op: 'cas', ok };
    }
    this.sessions.set(c.client, { seq: c.seq, result });
    return result;
  }

  get(key: string): string | undefined {
    return this.data.get(key);
  }

  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify({ data: [...this.data], sessions: [...this.sessions] }));
  }

  static restore(bytes: Uint8Array): KvMachine {
    const m = new KvMachine();
    if (bytes.byteLength === 0) return m;
    const raw = JSON.parse(decoder.decode(bytes)) as {
      data: [string, string][];
      sessions: [string, { seq: number; result: KvResult }][];
    };
    for (const [k, v] of raw.data) m.data.set(k, v);
    for (const [k, v] of raw.sessions) m.sessions.set(k, v);
    return m;
  }
}
