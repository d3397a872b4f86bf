// An HA control plane in miniature: two API servers on one store. A client given both fails
// over when the one it uses goes away — requests and a watch continue on the other, and the
// watch misses nothing and repeats nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ApiServer } from '@bosun/control-plane';
import { openStore } from '@bosun/raft-kv';
import { createClient } from '@bosun/sdk';
import type { ConfigMap, WatchEvent } from '@bosun/sdk';

t.test('requests and a watch fail over between two API servers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-failover-test-'));
  const store = await openStore({ dataDir: dir, tickMs: 20 });
  const a = await ApiServer.start({ kv: store, port: 0, compactionIntervalMs: 0 });
  const b = await ApiServer.start({ kv: store, port: 0, compactionIntervalMs: 0 });
  const client = createClient({ servers: [a.url, b.url], backoff: { initialMs: 20, maxMs: 200 } });
  const stop = new AbortController();
  t.teardown(async () => {
    stop.abort();
    client.close();
    await a.stop();
    await b.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const configMaps = client.configMaps('default');
  const cm = (name: string): ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: { v: name },
  });

  await configMaps.create(cm('c1'));
  t.equal(client.transport.currentServer, a.url, 'the first server answers while it is up');
  const events: string[] = [];
  const watching = (async () => {
    for await (const event of configMaps.watch({ signal: stop.signal }) as AsyncIterable<WatchEvent<ConfigMap>>) {
      if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')
        events.push(`${event.type} ${event.object.metadata.name ?? ''}`);
      if (event.type === 'RELIST') events.push('RELIST');
    }
  })();
  const seen = async (entry: string) => {
    for (let i = 0; i < 200 && !events.includes(entry); i++) await new Promise((r) => setTimeout(r, 50));
    return events.includes(entry);
  };
  t.ok(await seen('ADDED c1'), 'the watch lists first');
  await configMaps.create(cm('c2'));
  t.ok(await seen('ADDED c2'));

  await a.stop();
  await configMaps.create(cm('c3'));
  t.equal(client.transport.currentServer, b.url, 'the client moved to the second server');
  await configMaps.patch('c1', { data: { v: 'changed' } }, { type: 'merge' });
  await configMaps.delete('c2');
  t.ok(await seen('DELETED c2'), `the watch resumed on the second server: ${events.join(', ')}`);
  t.same(events, ['ADDED c1', 'ADDED c2', 'ADDED c3', 'MODIFIED c1', 'DELETED c2'], 'nothing missed, nothing repeated');
  stop.abort();
  await watching;
});
