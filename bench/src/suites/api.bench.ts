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
    [join(ROOT, 'packages/cli/dist/bin.js'), 'server', '--data-dir', dir, '--listen', '127.0.0.1:0', '--insecure-http'],
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

/** A bare Node HTTP server in its own process answering `body` to every request. */
async function startBareServer(body: string): Promise<Server> {
  const code =
    "const b=process.env.BODY;require('http').createServer((q,r)=>{r.writeHead(200,{'Content-Type':'application/json','Content-Length':Buffer.byteLength(b)});r.end(b)}).listen(0,'127.0.0.1',function(){console.log('listening on http://127.0.0.1:'+this.address().port)})";
  const child = spawn(process.execPath, ['-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BODY: body },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (c: Buffer) => {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(c.toString());
      if (m) resolve(m[1] as string);
      else reject(new Error(`bare server: ${c.toString()}`));
    });
  });
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
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

/**
 * Watch fan-out: node watchers with a spec.nodeName field selector while pods are created and
 * bound (64 in flight). Each event is timed from its bind request, and from the bind's answer
 * (the watch path alone; 0 when the event came first).
 */
async function fanOut(base: string, call: ReturnType<typeof client>, quick: boolean): Promise<ResultRow[]> {
  const watchers = quick ? 100 : 1_000;
  const burst = quick ? 1_000 : 10_000;
  await call('POST', '/api/v1/namespaces', { metadata: { name: 'fanout' } });
  const sentAt = new Map<string, number>();
  const ackedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const closers: (() => void)[] = [];
  for (let n = 0; n < watchers; n++) {
    const path = `/api/v1/namespaces/fanout/pods?watch=true&fieldSelector=spec.nodeName%3Dnode-${n}`;
    closers.push(
      await openWatch(base, path, (event) => {
        const name = event.object.metadata.name;
        if (event.type === 'ADDED' && sentAt.has(name)) seenAt.set(name, performance.now());
      }),
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
      ackedAt.set(name, performance.now());
    },
  });
  const deadline = performance.now() + 30_000;
  while (seenAt.size < sentAt.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  for (const close of closers) close();
  const fromSend = [...seenAt].map(([name, at]) => at - (sentAt.get(name) ?? at));
  const fromAck = [...seenAt].map(([name, at]) => Math.max(0, at - (ackedAt.get(name) ?? at)));
  return [
    {
      suite: 'api',
      task: `watch fan-out: ${watchers} node watchers, ${burst} pods created+bound, event after bind sent`,
      opsPerSec: seenAt.size / seconds,
      ...summarize(fromSend),
      samples: fromSend.length,
      note: `${seenAt.size}/${sentAt.size} events delivered`,
    },
    {
      suite: 'api',
      task: '  the same events, after the bind was answered',
      opsPerSec: 0,
      ...summarize(fromAck),
      samples: fromAck.length,
    },
  ];
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
      const gets = { concurrency: 64, maxOps: quick ? 20_000 : 100_000, maxMs: 30_000 };
      rows.push(
        loadRow(
          'api',
          'get pod (64 in flight)',
          await runLoad({ ...gets, op: (i) => call('GET', `${ns}/p${i % count}`) }),
        ),
      );
      // The same client against a bare Node HTTP server answering the same pod's bytes: the
      // ceiling this machine and this client allow (report the API server's rate as a ratio).
      const bare = await startBareServer((await call('GET', `${ns}/p0`)).text);
      try {
        const bareCall = client(bare.url, 64);
        rows.push(
          loadRow(
            'api',
            'baseline: bare Node HTTP server, same bytes (64 in flight)',
            await runLoad({ ...gets, op: () => bareCall('GET', '/') }),
          ),
        );
      } finally {
        await bare.stop();
      }
      const labels = (i: number) => ({ metadata: { labels: { round: String(i) } } });
      const updates = { concurrency: 64, maxOps: quick ? 2_000 : 10_000, maxMs: 30_000 };
      rows.push(
        loadRow(
          'api',
          'update pod labels, merge patch (64 in flight)',
          await runLoad({
            ...updates,
            op: (i) => call('PATCH', `${ns}/p${i % count}`, labels(i), 'application/merge-patch+json'),
          }),
        ),
      );
      // A 1,000-pod list from the watch cache, in a namespace of exactly 1,000 pods.
      await call('POST', '/api/v1/namespaces', { metadata: { name: 'list1000' } });
      await runLoad({
        concurrency: 32,
        maxOps: 1_000,
        maxMs: 60_000,
        op: (i) => call('POST', '/api/v1/namespaces/list1000/pods', pod(`l${i}`)),
      });
      const lists = { concurrency: 1, maxOps: quick ? 50 : 300, maxMs: 30_000 };
      rows.push(
        loadRow(
          'api',
          'list 1,000 pods, resourceVersion=0 (1 in flight)',
          await runLoad({ ...lists, op: () => call('GET', '/api/v1/namespaces/list1000/pods?resourceVersion=0') }),
        ),
      );
      rows.push(...(await fanOut(server.url, call, quick)));
    } finally {
      await server.stop();
    }
    return rows;
  },
});
