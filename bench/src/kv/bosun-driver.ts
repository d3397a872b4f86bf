import { connect, type KvClient, type RangeResponse } from '@bosun/raft-kv';
import type { CasOutcome, DriverFactory, KvDriver, ReadMode, WatchHandle } from './driver.js';

/** A {@link KvDriver} over Bosun's remote client (@bosun/raft-kv `connect`). */
class BosunDriver implements KvDriver {
  constructor(private readonly client: KvClient) {}

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.client.put(key, value);
  }

  async get(key: string, mode: ReadMode): Promise<void> {
    await this.client.range(key, { serializable: mode === 'serializable' });
  }

  async compareAndSwap(key: string, modRevision: number, value: Uint8Array): Promise<CasOutcome> {
    const r = await this.client.txn({
      compare: [{ key, target: 'modRevision', result: '=', value: modRevision }],
      success: [{ type: 'put', key, value }],
      failure: [{ type: 'range', key }],
    });
    if (r.succeeded) return { succeeded: true, modRevision: r.header.revision };
    const range = r.responses[0] as RangeResponse | undefined;
    return { succeeded: false, modRevision: range?.kvs[0]?.modRevision ?? 0 };
  }

  async grant(ttlSeconds: number): Promise<string> {
    return String((await this.client.grant(ttlSeconds)).id);
  }

  async keepAliveOnce(id: string): Promise<void> {
    await this.client.keepAlive(Number(id));
  }

  async watchPrefix(prefix: string, onPut: (key: string) => void): Promise<WatchHandle> {
    const startRevision = (await this.client.status()).revision + 1;
    const watch = this.client.watch(prefix, { prefix: true, startRevision });
    const pump = (async () => {
      for await (const batch of watch) {
        if (batch.type !== 'events') continue;
        for (const e of batch.events) if (e.type === 'put') onPut(Buffer.from(e.kv.key).toString());
      }
    })().catch(() => undefined);
    return {
      async cancel() {
        watch.cancel();
        await pump;
      },
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Opens Bosun drivers to the members at `endpoints` (http://host:port). */
export function bosunFactory(endpoints: readonly string[]): DriverFactory {
  return {
    system: 'bosun',
    async connect() {
      return new BosunDriver(await connect({ endpoints, timeoutMs: 30_000 }));
    },
  };
}
