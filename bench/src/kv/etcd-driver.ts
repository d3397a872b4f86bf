import { Etcd3, type IKeyValue, type ILeaseKeepAliveResponse, type IDuplexStream } from 'etcd3';
import type { ILeaseKeepAliveRequest } from 'etcd3';
import type { CasOutcome, DriverFactory, KvDriver, ReadMode, WatchHandle } from './driver.js';

type KeepAliveStream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

/**
 * A {@link KvDriver} over the `etcd3` npm client (gRPC). Reads, writes and txns use the raw
 * KV RPCs so both systems do the same work; keep-alives share one LeaseKeepAlive stream, as
 * etcd's own clients do, with the answers matched to requests by lease id in order.
 */
class EtcdDriver implements KvDriver {
  private keepAlive: Promise<KeepAliveStream> | undefined;
  private readonly waiting = new Map<string, Array<(e?: Error) => void>>();

  constructor(private readonly client: Etcd3) {}

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.client.kv.put({ key: Buffer.from(key), value: Buffer.from(value) });
  }

  async get(key: string, mode: ReadMode): Promise<void> {
    await this.client.kv.range({ key: Buffer.from(key), serializable: mode === 'serializable' });
  }

  async compareAndSwap(key: string, modRevision: number, value: Uint8Array): Promise<CasOutcome> {
    const k = Buffer.from(key);
    const r = await this.client.kv.txn({
      compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: modRevision }],
      success: [{ request_put: { key: k, value: Buffer.from(value) } }],
      failure: [{ request_range: { key: k } }],
    });
    if (r.succeeded) return { succeeded: true, modRevision: Number(r.header.revision) };
    const kv: IKeyValue | undefined = r.responses[0]?.response_range.kvs[0];
    return { succeeded: false, modRevision: kv ? Number(kv.mod_revision) : 0 };
  }

  async grant(ttlSeconds: number): Promise<string> {
    return (await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds })).ID;
  }

  async keepAliveOnce(id: string): Promise<void> {
    const stream = await this.keepAliveStream();
    await new Promise<void>((resolve, reject) => {
      const queue = this.waiting.get(id) ?? [];
      queue.push((e) => (e ? reject(e) : resolve()));
      this.waiting.set(id, queue);
      stream.write({ ID: id });
    });
  }

  private keepAliveStream(): Promise<KeepAliveStream> {
    this.keepAlive ??= this.client.leaseClient.leaseKeepAlive().then((stream) => {
      stream.on('data', (res: ILeaseKeepAliveResponse) => {
        const queue = this.waiting.get(res.ID);
        const done = queue?.shift();
        if (queue?.length === 0) this.waiting.delete(res.ID);
        done?.(Number(res.TTL) > 0 ? undefined : new Error(`lease ${res.ID} expired`));
      });
      stream.on('error', (err: Error) => {
        for (const queue of this.waiting.values()) for (const done of queue) done(err);
        this.waiting.clear();
        this.keepAlive = undefined;
      });
      return stream;
    });
    return this.keepAlive;
  }

  async watchPrefix(prefix: string, onPut: (key: string) => void): Promise<WatchHandle> {
    const watcher = await this.client.watch().prefix(prefix).create();
    watcher.on('put', (kv) => onPut(kv.key.toString()));
    return {
      async cancel() {
        await watcher.cancel();
      },
    };
  }

  async close(): Promise<void> {
    if (this.keepAlive) (await this.keepAlive.catch(() => undefined))?.end();
    this.client.close();
  }
}

/** Opens etcd drivers to the members at `endpoints` (http://host:port). */
export function etcdFactory(endpoints: readonly string[]): DriverFactory {
  return {
    system: 'etcd',
    async connect() {
      return new EtcdDriver(new Etcd3({ hosts: [...endpoints] }));
    },
  };
}
