/**
 * The API server over HTTP/1.1 keep-alive, with the embedded store, in its own process (the
 * load generator must not share its CPU): pod creates, gets, updates, a 1,000-pod list from
 * the watch cache, and watch fan-out — 1,000 watchers with a spec.nodeName field selector while
 * 10,000 pods are created and bound, timing each watcher's event from its bind request.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRow, runLoad, summarize } from '../load.js';
import type { ResultRow } from '../report.js';
import { defineSuite } from '../suite.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Server {
  readonly url: string;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-api-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'packages/cli/dist/bin.js'), 'server', '--data-dir', dir, '--listen', '127.0.0.1:0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('bosun server did not start')), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`bosun server exited ${code}`)));
  });
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A keep-alive JSON client. */
function client(base: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${base}${path}`,
        {
          method,
          agent,
          headers: data === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 300)
              reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
            else resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'bench' } },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

/** Opens a watch and calls `onEvent` for each event line; resolves once the stream is open. */
function openWatch(
  base: string,
  path: string,
  onEvent: (event: { type: string; object: { metadata: { name: string } } }) => void,
): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { agent: false }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffer += c;
        let i;
        while ((i = buffer.indexOf('\n')) >= 0) {
          onEvent(JSON.parse(buffer.slice(0, i)) as never);
          buffer = buffer.slice(i + 1);
        }
      });
      res.on('error', () => undefined);
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

export default defineSuite({
  name: 'api',
  async run({ quick }) {
    const rows: ResultRow[] = [];
    const server = await startServer();
    try {
      const call = client(server.url, 64);
      const ns = '/api/v1/namespaces/default/pods';
      const creates = quick ? 2_000 : 10_000;
      const created = await runLoad({
        concurrency: 64,
        maxOps: creates,
        maxMs: 60_000,
        op: (i) => call('POST', ns, pod(`p${i}`)),
      });
      rows.push(loadRow('api', `create pod (64 in flight)`, created));
      const count = created.ops;
      rows.push(
        loadRow(
          'api',
          'get pod (64 in flight)',
          await runLoad({
            concurrency: 64,
            maxOps: quick ? 20_000 : 100_000,
            maxMs: 30_000,
            op: (i) => call('GET', `${ns}/p${i % count}`),
          }),
        ),
      );
      rows.push(
        loadRow(
          'api',
          'update pod labels, merge patch (64 in flight)',
          await runLoad({
            concurrency: 64,
            maxOps: quick ? 2_000 : 10_000,
            maxMs: 30_000,
            op: (i) =>
              call(
                'PATCH',
                `${ns}/p${i % count}`,
                { metadata: { labels: { round: String(i) } } },
                'application/merge-patch+json',
              ),
          }),
        ),
      );
      // A 1,000-pod list from the watch cache (the list holds every pod created above, so use a
      // namespace of exactly 1,000).
      await call('POST', '/api/v1/namespaces', { metadata: { name: 'list1000' } });
      await runLoad({
        concurrency: 32,
        maxOps: 1_000,
        maxMs: 60_000,
        op: (i) => call('POST', '/api/v1/namespaces/list1000/pods', pod(`l${i}`)),
      });
      rows.push(
        loadRow(
          'api',
          'list 1,000 pods, resourceVersion=0 (1 in flight)',
          await runLoad({
            concurrency: 1,
            maxOps: quick ? 50 : 300,
            maxMs: 30_000,
            op: () => call('GET', '/api/v1/namespaces/list1000/pods?resourceVersion=0'),
          }),
        ),
      );

      // Watch fan-out.
      const watchers = quick ? 100 : 1_000;
      const burst = quick ? 1_000 : 10_000;
      await call('POST', '/api/v1/namespaces', { metadata: { name: 'fanout' } });
      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      const closers: (() => void)[] = [];
      for (let n = 0; n < watchers; n++) {
        closers.push(
          await openWatch(
            server.url,
            `/api/v1/namespaces/fanout/pods?watch=true&fieldSelector=spec.nodeName%3Dnode-${n}`,
            (event) => {
              const sent = sentAt.get(event.object.metadata.name);
              if (event.type === 'ADDED' && sent !== undefined) latencies.push(performance.now() - sent);
            },
          ),
        );
      }
      const t0 = performance.now();
      await runLoad({
        concurrency: 64,
        maxOps: burst,
        maxMs: 120_000,
        op: async (i) => {
          const name = `f${i}`;
          await call('POST', '/api/v1/namespaces/fanout/pods', pod(name));
          sentAt.set(name, performance.now());
          await call('POST', `/api/v1/namespaces/fanout/pods/${name}/binding`, {
            metadata: { name },
            target: { kind: 'Node', name: `node-${i % watchers}` },
          });
        },
      });
      const deadline = performance.now() + 30_000;
      while (latencies.length < sentAt.size && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const seconds = (performance.now() - t0) / 1000;
      for (const close of closers) close();
      const s = summarize(latencies);
      rows.push({
        suite: 'api',
        task: `watch fan-out: ${watchers} node watchers, ${burst} pods created+bound`,
        opsPerSec: latencies.length / seconds,
        ...s,
        samples: latencies.length,
        note: `${latencies.length}/${sentAt.size} events delivered`,
      });
    } finally {
      await server.stop();
    }
    return rows;
  },
});
