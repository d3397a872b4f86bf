/**
 * The resumable watch against real servers: it resumes across a `bosun server` restart and sees
 * every change made while it was away exactly once, and it turns 410 Gone into a RELIST followed
 * by the events that bring the consumer to the server's state.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from '@bosun/control-plane';
import { openStore } from '@bosun/raft-kv';
import { createClient } from '@bosun/sdk';
import type { Client, ConfigMap, ResumableWatch, WatchEvent } from '@bosun/sdk';
import { RestartableServer } from './server.js';

/** A sleep the test opens: the watch waits here after losing its server. */
class Gate {
  waiting = 0;
  private open = false;
  private release: (() => void)[] = [];
  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (this.open) return new Promise((r) => setTimeout(r, Math.min(ms, 50)));
    this.waiting++;
    return new Promise((resolve, reject) => {
      this.release.push(resolve);
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  };
  openNow(): void {
    this.open = true;
    for (const r of this.release.splice(0)) r();
  }
}

/** Consumes a watch in the background into a name→resourceVersion state and an event log. */
function consume(w: ResumableWatch<ConfigMap>) {
  const state = new Map<string, string>();
  const log: string[] = [];
  const delivered = new Set<string>();
  const duplicates: string[] = [];
  const done = (async () => {
    for await (const ev of w) apply(ev);
  })();
  function apply(ev: WatchEvent<ConfigMap>): void {
    if (ev.type === 'RELIST') {
      log.push(`RELIST ${ev.resourceVersion}`);
      return;
    }
    if (ev.type === 'BOOKMARK') return;
    const name = ev.object.metadata.name ?? '';
    const rv = ev.object.metadata.resourceVersion ?? '';
    const id = `${ev.type} ${name}@${rv}`;
    if (delivered.has(`${name}@${rv}`)) duplicates.push(id);
    delivered.add(`${name}@${rv}`);
    log.push(id);
    if (ev.type === 'DELETED') state.delete(name);
    else state.set(name, rv);
  }
  return { state, log, duplicates, done };
}

async function serverState(client: Client): Promise<Map<string, string>> {
  const list = await client.configMaps().list({ labelSelector: 'watched=yes' });
  return new Map(list.items.map((c) => [c.metadata.name ?? '', c.metadata.resourceVersion ?? '']));
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const same = (a: Map<string, string>, b: Map<string, string>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

t.test('the watch resumes across a bosun server restart and sees every change once', async (t) => {
  const server = await RestartableServer.start();
  const client = createClient({
    kubeconfig: server.kubeconfig,
    deadlineMs: 300,
    backoff: { initialMs: 50, maxMs: 100 },
  });
  const writer = createClient({ kubeconfig: server.kubeconfig, deadlineMs: 20_000 });
  const gate = new Gate();
  const w = client.configMaps().watch({ labelSelector: 'watched=yes', sleep: gate.sleep });
  t.teardown(async () => {
    w.stop();
    client.close();
    writer.close();
    await server.destroy();
  });
  const cms = writer.configMaps();
  for (let i = 0; i < 3; i++)
    await cms.create({ metadata: { name: `cm-${i}`, labels: { watched: 'yes' } }, data: { v: '0' } });
  const seen = consume(w);
  t.ok(await until(() => seen.state.size === 3), 'initial list as ADDED');
  await cms.create({ metadata: { name: 'cm-live', labels: { watched: 'yes' } } });
  t.ok(await until(() => seen.state.has('cm-live')), 'a live change');

  await server.stopProcess();
  t.ok(await until(() => gate.waiting > 0), 'the watch lost its server and backs off');
  await server.startProcess();
  // Changes while the watch is away.
  await cms.patch('cm-0', { data: { v: '1' } }, { type: 'merge' });
  await cms.delete('cm-1');
  await cms.create({ metadata: { name: 'cm-new', labels: { watched: 'yes' } } });
  await cms.create({ metadata: { name: 'unwatched' } });
  const expected = await serverState(writer);
  gate.openNow();

  t.ok(await until(() => same(seen.state, expected)), `caught up: ${seen.log.join(', ')}`);
  t.comment(`events: ${seen.log.join(', ')}`);
  t.same(seen.duplicates, [], 'no (name, resourceVersion) delivered twice');
  const after = seen.log.slice(seen.log.indexOf(`ADDED cm-live@${expected.get('cm-live') ?? ''}`) + 1);
  t.ok(
    after.some((e) => e.startsWith('MODIFIED cm-0@')),
    'the update made while away',
  );
  t.ok(
    after.some((e) => e.startsWith('DELETED cm-1@')),
    'the delete made while away',
  );
  t.ok(
    after.some((e) => e.startsWith('ADDED cm-new@')),
    'the create made while away',
  );
  t.notOk(
    seen.log.some((e) => e.includes('unwatched')),
    'the selector holds across the resume',
  );

  // And it keeps watching after the resume.
  await cms.patch('cm-2', { data: { v: '2' } }, { type: 'merge' });
  const rv = (await cms.get('cm-2')).metadata.resourceVersion ?? '';
  t.ok(await until(() => seen.state.get('cm-2') === rv), 'live again after the restart');
  t.same(seen.duplicates, []);
  w.stop();
  await seen.done;
});

t.test('410 Gone: RELIST, then the events that bring the consumer to the new list', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-sdk-gone-'));
  const store = await openStore({ dataDir: join(dir, 'store') });
  const options = { kv: store, host: '127.0.0.1', watch: { historySize: 5 }, compactionIntervalMs: 0 };
  let api = await ApiServer.start({ ...options, port: 0 });
  const port = Number(new URL(api.url).port);
  const client = createClient({ servers: [api.url], deadlineMs: 300, backoff: { initialMs: 50, maxMs: 100 } });
  const gate = new Gate();
  const w = client.configMaps('default').watch({ labelSelector: 'watched=yes', sleep: gate.sleep });
  t.teardown(async () => {
    w.stop();
    client.close();
    await api.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cms = client.configMaps('default');
  for (const name of ['keep', 'change', 'remove']) await cms.create({ metadata: { name, labels: { watched: 'yes' } } });
  const seen = consume(w);
  t.ok(await until(() => seen.state.size === 3), 'initial state');

  await api.stop();
  t.ok(await until(() => gate.waiting > 0), 'the watch backs off');
  api = await ApiServer.start({ ...options, port });
  const writer = createClient({ servers: [api.url] });
  t.teardown(() => writer.close());
  const wcms = writer.configMaps('default');
  await wcms.patch('change', { data: { v: '1' } }, { type: 'merge' });
  await wcms.delete('remove');
  await wcms.create({ metadata: { name: 'fresh', labels: { watched: 'yes' } } });
  for (let i = 0; i < 10; i++) await wcms.create({ metadata: { name: `noise-${i}` } }); // push the history past 5
  const expected = await serverState(writer);
  gate.openNow();

  t.ok(await until(() => same(seen.state, expected)), `caught up: ${seen.log.join(', ')}`);
  const relist = seen.log.findIndex((e) => e.startsWith('RELIST '));
  t.ok(relist >= 0, 'a RELIST was yielded');
  const tail = seen.log.slice(relist + 1).map((e) => e.replace(/@.*/, ''));
  t.same(tail.sort(), ['ADDED fresh', 'DELETED remove', 'MODIFIED change'], 'only the differences, once each');
  t.same(seen.duplicates, []);

  await wcms.patch('keep', { data: { v: 'k' } }, { type: 'merge' });
  const rv = (await wcms.get('keep')).metadata.resourceVersion ?? '';
  t.ok(await until(() => seen.state.get('keep') === rv), 'watching again after the relist');
  w.stop();
  await seen.done;
});
