/**
 * The load scenarios of the kv-vs-etcd benchmark, run against one cluster through a
 * {@link DriverFactory}: every loop bounded in operations and in time.
 */
import { randomBytes } from 'node:crypto';
import { runLoad, summarize, type LoadResult } from '../load.js';
import { diskUsage, rssBytes, type Cluster } from './cluster.js';
import type { DriverFactory, KvDriver } from './driver.js';

/** Which way a figure is better. */
export type Better = 'higher' | 'lower';

/** One figure of one system: e.g. scenario "put, 64 in flight", metric "ops/s". */
export interface Measurement {
  readonly scenario: string;
  readonly metric: string;
  readonly better: Better;
  readonly value?: number;
  /** Per-member figures and other context, printed beside the value. */
  readonly detail?: string;
  readonly error?: string;
}

/** The sizes of a run; `quick` keeps both systems to about a minute together. */
export interface Scale {
  readonly quick: boolean;
  /** Keys are drawn from `k/000000` up to this many. */
  readonly keySpace: number;
  /** Keys written once each before reads and the resource figures. */
  readonly fillKeys: number;
  /** Time bound of each throughput scenario (ms). */
  readonly loadMs: number;
  readonly watchPuts: number;
  readonly fanOutPuts: number;
}

/** The sizes of a full run and of a `--quick` one. */
export function scaleOf(quick: boolean): Scale {
  return quick
    ? { quick, keySpace: 100_000, fillKeys: 10_000, loadMs: 1_200, watchPuts: 2_000, fanOutPuts: 30 }
    : { quick, keySpace: 100_000, fillKeys: 100_000, loadMs: 8_000, watchPuts: 20_000, fanOutPuts: 200 };
}

const MiB = 1024 * 1024;
const value = new Uint8Array(randomBytes(256));
const keyOf = (n: number) => `k/${String(n).padStart(6, '0')}`;

function loadFigures(scenario: string, r: LoadResult): Measurement[] {
  return [
    { scenario, metric: 'ops/s', better: 'higher', value: r.opsPerSec, detail: `${r.ops} ops` },
    { scenario, metric: 'p50 ms', better: 'lower', value: r.p50Ms },
    { scenario, metric: 'p99 ms', better: 'lower', value: r.p99Ms },
  ];
}

async function attempt(scenario: string, fn: () => Promise<Measurement[]>): Promise<Measurement[]> {
  try {
    return await fn();
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    console.error(`  ${scenario}: ${error}`);
    return [{ scenario, metric: '-', better: 'higher', error }];
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` or `timeoutMs` passed, polling every 5 ms. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await sleep(5);
}

/**
 * Puts `puts` keys under a fresh prefix (16 in flight) while `watchers` watchers spread over
 * `connections` drivers watch that prefix: events delivered per second and put-to-event latency.
 */
async function watchScenario(
  drivers: readonly KvDriver[],
  opts: { scenario: string; watchers: number; puts: number; timeoutMs: number; writerConcurrency: number },
): Promise<Measurement[]> {
  const prefix = `w/${opts.watchers}/${Date.now()}/`;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let lastEvent = 0;
  const onPut = (key: string) => {
    const t0 = sentAt.get(key);
    lastEvent = performance.now();
    if (t0 !== undefined) latencies.push(lastEvent - t0);
  };
  const handles = [];
  for (let i = 0; i < opts.watchers; i++) {
    const driver = drivers[i % drivers.length];
    if (driver) handles.push(await driver.watchPrefix(prefix, onPut));
  }
  const writer = drivers[0];
  if (!writer) throw new Error('no driver');
  const t0 = performance.now();
  const put = await runLoad({
    concurrency: opts.writerConcurrency,
    maxOps: opts.puts,
    maxMs: opts.timeoutMs,
    op: (i) => {
      const key = `${prefix}${i}`;
      sentAt.set(key, performance.now());
      return writer.put(key, value);
    },
  });
  const expected = put.ops * opts.watchers;
  await until(() => latencies.length >= expected, opts.timeoutMs);
  await Promise.all(handles.map((h) => h.cancel()));
  const seconds = ((lastEvent || performance.now()) - t0) / 1000;
  const s = summarize(latencies);
  const detail = `${latencies.length}/${expected} events`;
  return [
    { scenario: opts.scenario, metric: 'events/s', better: 'higher', value: latencies.length / seconds, detail },
    { scenario: opts.scenario, metric: 'put-to-event p50 ms', better: 'lower', value: s.p50Ms },
    { scenario: opts.scenario, metric: 'put-to-event p99 ms', better: 'lower', value: s.p99Ms },
  ];
}

function resources(cluster: Cluster, scale: Scale): Measurement[] {
  const scenario = `after loading ${scale.fillKeys.toLocaleString('en-US')} keys`;
  const rss = cluster.members.map((m) => rssBytes(m.child.pid) / MiB);
  const disk = cluster.members.map((m) => diskUsage(m.dataDir));
  const each = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' / ');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const apparent = disk.map((d) => d.apparent / MiB);
  const allocated = disk.map((d) => d.allocated / MiB);
  return [
    { scenario, metric: 'RSS per member, MiB', better: 'lower', value: mean(rss), detail: each(rss) },
    { scenario, metric: 'data dir per member, MiB', better: 'lower', value: mean(apparent), detail: each(apparent) },
    {
      scenario,
      metric: 'data dir allocated, MiB',
      better: 'lower',
      value: mean(allocated),
      detail: each(allocated),
    },
  ];
}

/** Runs every scenario against one running cluster and returns its figures. */
export async function runScenarios(factory: DriverFactory, cluster: Cluster, scale: Scale): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const log = (s: string) => console.log(`[${factory.system}] ${s}`);
  const client = await factory.connect();
  const randomKey = () => keyOf(Math.floor(Math.random() * scale.keySpace));
  const ms = scale.loadMs;
  try {
    log('warm-up');
    await runLoad({ concurrency: 64, maxOps: 2_000, maxMs: ms, op: () => client.put(randomKey(), value) });

    log(`load ${scale.fillKeys} keys`);
    const fill = `load ${scale.fillKeys.toLocaleString('en-US')} keys, 256 in flight`;
    out.push(
      ...(await attempt(fill, async () => {
        const r = await runLoad({
          concurrency: 256,
          maxOps: scale.fillKeys,
          maxMs: scale.quick ? 15_000 : 120_000,
          op: (i) => client.put(keyOf(i), value),
        });
        return loadFigures(fill, r).slice(0, 1);
      })),
    );
    // Memory and disk are measured here, before the timed write scenarios: these write as many
    // versions as each store manages in their time, so a faster store would hold more history.
    await sleep(500);
    out.push(...resources(cluster, scale));

    log('sequential put');
    out.push(
      ...(await attempt('put, 1 in flight', async () =>
        loadFigures(
          'put, 1 in flight',
          await runLoad({ concurrency: 1, maxOps: 20_000, maxMs: ms, op: () => client.put(randomKey(), value) }),
        ),
      )),
    );
    for (const c of [16, 64, 256]) {
      log(`put, ${c} in flight`);
      const scenario = `put, ${c} in flight`;
      out.push(
        ...(await attempt(scenario, async () =>
          loadFigures(
            scenario,
            await runLoad({ concurrency: c, maxOps: 500_000, maxMs: ms, op: () => client.put(randomKey(), value) }),
          ),
        )),
      );
    }

    for (const mode of ['linearizable', 'serializable'] as const) {
      for (const c of [64, 256]) {
        const scenario = `get ${mode}, ${c} in flight`;
        log(scenario);
        out.push(
          ...(await attempt(scenario, async () =>
            loadFigures(
              scenario,
              await runLoad({ concurrency: c, maxOps: 2_000_000, maxMs: ms, op: () => client.get(randomKey(), mode) }),
            ),
          )),
        );
      }
    }

    const cas = 'CAS txn on mod revision, 64 in flight, 100 keys';
    log(cas);
    out.push(
      ...(await attempt(cas, async () => {
        const modRevisions = new Array<number>(100).fill(0);
        let succeeded = 0;
        let conflicts = 0;
        const r = await runLoad({
          concurrency: 64,
          maxOps: 1_000_000,
          maxMs: ms,
          op: async () => {
            const n = Math.floor(Math.random() * 100);
            const outcome = await client.compareAndSwap(`cas/${n}`, modRevisions[n] ?? 0, value);
            modRevisions[n] = outcome.modRevision;
            if (outcome.succeeded) succeeded++;
            else conflicts++;
          },
        });
        return [
          { scenario: cas, metric: 'successes/s', better: 'higher', value: succeeded / r.seconds },
          { scenario: cas, metric: 'conflicts/s', better: 'lower', value: conflicts / r.seconds },
          { scenario: cas, metric: 'p99 ms', better: 'lower', value: r.p99Ms },
        ];
      })),
    );

    const leases: string[] = [];
    const grant = 'lease grant, 64 in flight';
    log(grant);
    out.push(
      ...(await attempt(grant, async () =>
        loadFigures(
          grant,
          await runLoad({
            concurrency: 64,
            maxOps: 1_000_000,
            maxMs: ms,
            op: async () => {
              const id = await client.grant(600);
              if (leases.length < 1_000) leases.push(id);
            },
          }),
        ),
      )),
    );
    const keepAlive = 'lease keep-alive, 64 in flight';
    log(keepAlive);
    out.push(
      ...(await attempt(keepAlive, async () => {
        if (leases.length === 0) throw new Error('no lease granted');
        return loadFigures(
          keepAlive,
          await runLoad({
            concurrency: 64,
            maxOps: 2_000_000,
            maxMs: ms,
            op: (i) => client.keepAliveOnce(leases[i % leases.length] ?? ''),
          }),
        );
      })),
    );

    const watch1 = `watch: 1 watcher, ${scale.watchPuts.toLocaleString('en-US')} puts (64 in flight)`;
    log(watch1);
    out.push(
      ...(await attempt(watch1, () =>
        watchScenario([client], {
          scenario: watch1,
          watchers: 1,
          puts: scale.watchPuts,
          timeoutMs: scale.quick ? 5_000 : 30_000,
          writerConcurrency: 64,
        }),
      )),
    );

    const fanOut = `watch: 1,000 watchers on 10 conns, ${scale.fanOutPuts} puts (16 in flight)`;
    log(fanOut);
    out.push(
      ...(await attempt(fanOut, async () => {
        const drivers = await Promise.all(Array.from({ length: 10 }, () => factory.connect()));
        try {
          return await watchScenario(drivers, {
            scenario: fanOut,
            watchers: 1_000,
            puts: scale.fanOutPuts,
            timeoutMs: scale.quick ? 8_000 : 30_000,
            writerConcurrency: 16,
          });
        } finally {
          await Promise.all(drivers.map((d) => d.close()));
        }
      })),
    );
  } finally {
    await client.close();
  }
  return out;
}

/** Waits until the cluster takes a write (bounded by `timeoutMs`), retrying every 250 ms. */
export async function awaitWritable(factory: DriverFactory, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const driver = await factory.connect();
  try {
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${factory.system} cluster took no write within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), Math.min(left, 3_000));
      });
      try {
        await Promise.race([driver.put('bench/ready', value), timeout]);
        return;
      } catch {
        await sleep(250);
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    await driver.close();
  }
}
