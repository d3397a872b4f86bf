/**
 * Test fixtures: real embedded stores in `bosun-` temp dirs served by real KV servers on
 * 127.0.0.1, all closed (and removed) when the test ends, also on failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenStoreOptions, type Store } from '../store/embedded.js';
import { startKvServer, type KvServer, type KvServerOptions } from '../server/server.js';
import { connect, type ConnectOptions, type KvClient } from './client.js';

/** What t.teardown needs. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A fresh temp dir, removed at teardown. */
export function scratchDir(t: Teardown, prefix = 'bosun-kv-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A member: a store and the server in front of it, restartable on the same dir and port. */
export interface TestMember {
  store: Store;
  server: KvServer;
  readonly dataDir: string;
  readonly url: string;
  /** Closes the server, then the store. */
  stop(): Promise<void>;
  /** Reopens the store on the same dir (the server stays down). */
  reopenStore(): Promise<Store>;
  /** Starts the server again on the same port. */
  startServer(): Promise<KvServer>;
}

/** Options of {@link startMember}. */
export interface MemberOptions {
  readonly store?: Partial<OpenStoreOptions>;
  readonly server?: Partial<KvServerOptions>;
}

/** Opens a store (tickMs 20) in a temp dir and serves it on 127.0.0.1, port 0. */
export async function startMember(t: Teardown, options: MemberOptions = {}): Promise<TestMember> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bosun-kv-'));
  const storeOptions = { dataDir, tickMs: 20, ...options.store };
  let store: Store;
  try {
    store = await openStore(storeOptions);
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  let storeOpen = true;
  let server: KvServer;
  try {
    server = await startKvServer({ kv: store, ...options.server });
  } catch (e) {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  let serverUp = true;
  const port = server.port;
  const member: TestMember = {
    store,
    server,
    dataDir,
    url: server.url,
    async stop() {
      if (serverUp) await member.server.close();
      serverUp = false;
      if (storeOpen) await member.store.close();
      storeOpen = false;
    },
    async reopenStore() {
      store = await openStore(storeOptions);
      storeOpen = true;
      member.store = store;
      return store;
    },
    async startServer() {
      server = await startKvServer({ kv: member.store, ...options.server, port });
      serverUp = true;
      member.server = server;
      return server;
    },
  };
  t.teardown(async () => {
    try {
      await member.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  return member;
}

/** A client, closed at teardown. */
export async function startClient(t: Teardown, options: ConnectOptions): Promise<KvClient> {
  const client = await connect(options);
  t.teardown(() => client.close());
  return client;
}

/** An endpoint where nothing listens: a port that was bound and released. */
export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `ws://127.0.0.1:${port}/kv`;
}

/** Waits until `check` holds, polling every 10 ms, failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** The text of bytes. */
export function text(bytes: Uint8Array | string | undefined): string {
  return typeof bytes === 'string' ? bytes : Buffer.from(bytes ?? []).toString();
}
