/**
 * The workload of the fault tests and what is checked after it: concurrent puts (unique
 * values), linearizable gets and compare-and-swap txns on a few register keys, plus puts of
 * one dedicated key each (`load/ack/...`) whose acknowledgement is a promise that the key
 * survives; a watch of the whole keyspace; and a lease kept alive throughout.
 */
import { performance } from 'node:perf_hooks';
import {
  HistoryRecorder,
  MvccError,
  checkLinearizable,
  formatHistoryOp,
  isClientError,
  type CheckResult,
  type KvClient,
  type KvInput,
  type KvOutput,
  type LeaseKeeper,
  type WatchBatch,
} from '@bosun/raft-kv';

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString();

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly clients: readonly KvClient[];
  readonly workersPerClient: number;
  /** The register keys (`load/reg/<i>`). */
  readonly registers: number;
  /** How long the load runs (ms). */
  readonly durationMs: number;
  /** The most operations per worker, whatever the time. */
  readonly maxOpsPerWorker: number;
  /** Set `stopped` to end the load before `durationMs`. */
  readonly stop?: { stopped: boolean };
}

/** What a load produced. */
export interface LoadResult {
  readonly recorder: HistoryRecorder;
  /** Each `load/ack/...` key whose put was acknowledged, with its value and revision. */
  readonly acked: Map<string, { value: string; revision: number }>;
  /** Every acknowledged write to a register or ack key: its revision → key. */
  readonly writeRevisions: Map<number, string>;
  readonly counts: { ok: number; failed: number; unknown: number };
}

/** The register key `i`. */
export const registerKey = (i: number): string => `load/reg/${i}`;

/** Whether the store (or the client, before sending) definitely refused a request. */
function definitelyRefused(e: unknown): boolean {
  if (e instanceof MvccError) return true;
  return isClientError(e) && (e.code === 'unavailable' || e.code === 'closed') && !e.outcomeUnknown;
}

/** Runs the load until `durationMs` passed or every worker did `maxOpsPerWorker` operations. */
export async function runLoad(opts: LoadOptions, recorder = new HistoryRecorder()): Promise<LoadResult> {
  const result: LoadResult = {
    recorder,
    acked: new Map(),
    writeRevisions: new Map(),
    counts: { ok: 0, failed: 0, unknown: 0 },
  };
  const endAt = performance.now() + opts.durationMs;
  const workers: Promise<void>[] = [];
  opts.clients.forEach((client, c) => {
    for (let w = 0; w < opts.workersPerClient; w++) {
      workers.push(worker({ client, name: `c${c}w${w}`, endAt, opts, result }));
    }
  });
  await Promise.all(workers);
  return result;
}

interface WorkerContext {
  readonly client: KvClient;
  readonly name: string;
  readonly endAt: number;
  readonly opts: LoadOptions;
  readonly result: LoadResult;
}

async function worker(ctx: WorkerContext): Promise<void> {
  const { client, name, opts, result } = ctx;
  const lastSeen = new Map<string, string | undefined>();
  for (let seq = 0; seq < opts.maxOpsPerWorker && performance.now() < ctx.endAt && !opts.stop?.stopped; seq++) {
    const value = `${name}-${seq}`;
    const dice = (seq * 7 + name.length * 13 + Math.floor(Math.random() * 100)) % 100;
    const key = registerKey(Math.floor(Math.random() * opts.registers));
    if (dice < 15) {
      const ackKey = `load/ack/${value}`;
      try {
        const r = await client.put(ackKey, value);
        result.acked.set(ackKey, { value, revision: r.header.revision });
        result.writeRevisions.set(r.header.revision, ackKey);
        result.counts.ok++;
      } catch (e) {
        if (definitelyRefused(e)) result.counts.failed++;
        else result.counts.unknown++;
      }
      continue;
    }
    const input: KvInput =
      dice < 45
        ? { kind: 'put', key, value }
        : dice < 75
          ? { kind: 'get', key }
          : { kind: 'cas', key, expected: lastSeen.get(key), value };
    const id = result.recorder.invoke(name, input, performance.now());
    let output: KvOutput;
    try {
      output = await execute(client, input, result.writeRevisions);
    } catch (e) {
      if (input.kind === 'get' || definitelyRefused(e)) {
        result.recorder.fail(id);
        result.counts.failed++;
      } else {
        result.counts.unknown++;
      }
      continue;
    }
    result.recorder.complete(id, output, performance.now());
    result.counts.ok++;
    if (output.kind === 'get') lastSeen.set(key, output.value);
    else if (output.kind === 'put' || (output.kind === 'cas' && output.ok)) lastSeen.set(key, value);
  }
}

/** Runs one operation through the client. */
export async function execute(
  client: KvClient,
  input: KvInput,
  writeRevisions?: Map<number, string>,
): Promise<KvOutput> {
  switch (input.kind) {
    case 'put': {
      const r = await client.put(input.key, input.value);
      writeRevisions?.set(r.header.revision, input.key);
      return { kind: 'put' };
    }
    case 'get': {
      const r = await client.range(input.key);
      return { kind: 'get', value: text(r.kvs[0]?.value) };
    }
    case 'cas': {
      const r = await client.txn({
        compare:
          input.expected === undefined
            ? [{ key: input.key, target: 'version', result: '=', value: 0 }]
            : [{ key: input.key, target: 'value', result: '=', value: input.expected }],
        success: [{ type: 'put', key: input.key, value: input.value }],
      });
      if (r.succeeded) writeRevisions?.set(r.header.revision, input.key);
      return { kind: 'cas', ok: r.succeeded };
    }
  }
}

/** Reads every register once more, after the load, into the history (so a lost write shows). */
export async function finalReads(client: KvClient, registers: number, recorder: HistoryRecorder): Promise<void> {
  for (let i = 0; i < registers; i++) {
    const input: KvInput = { kind: 'get', key: registerKey(i) };
    for (let attempt = 1; ; attempt++) {
      const id = recorder.invoke('final', input, performance.now());
      try {
        const output = await execute(client, input);
        recorder.complete(id, output, performance.now());
        break;
      } catch (e) {
        recorder.fail(id);
        if (attempt >= 10) throw e;
      }
    }
  }
}

/** The `load/ack/` keys whose acknowledged put is missing or changed in the store now. */
export async function lostAcks(client: KvClient, acked: LoadResult['acked']): Promise<string[]> {
  const r = await client.range('load/ack/', { prefix: true });
  const present = new Map(r.kvs.map((kv) => [text(kv.key) ?? '', text(kv.value)]));
  return [...acked].filter(([key, { value }]) => present.get(key) !== value).map(([key]) => key);
}

/** Checks the history; a readable line for anything but `ok`. */
export function linearizabilityProblem(recorder: HistoryRecorder): string | undefined {
  const history = recorder.history();
  const verdict: CheckResult = checkLinearizable(history, {
    maxSteps: 50_000_000,
    now: () => performance.now(),
    deadlineMs: 60_000,
  });
  switch (verdict.result) {
    case 'ok':
      return undefined;
    case 'unknown':
      return `checker gave up (${history.length} ops): ${verdict.reason}`;
    case 'violation':
      return `not linearizable on ${verdict.key}: ${verdict.explanation}\n${verdict.ops.map(formatHistoryOp).join('\n')}`;
  }
}

/** A watch of every key from `startRevision`, collecting what it delivers. */
export class WatchLog {
  /** The revisions of the event batches, in delivery order. */
  readonly revisions: number[] = [];
  /** Revision → the keys its events changed. */
  readonly keys = new Map<number, string[]>();
  error: unknown;
  ended: WatchBatch | undefined;
  private readonly watch;
  private readonly done: Promise<void>;

  constructor(
    client: KvClient,
    readonly startRevision: number,
  ) {
    this.watch = client.watch('', { prefix: true, startRevision });
    this.done = this.collect();
  }

  /** The last revision delivered (startRevision - 1 before any). */
  get lastRevision(): number {
    return this.revisions.at(-1) ?? this.startRevision - 1;
  }

  /** Waits (at most `timeoutMs`) until the watch delivered `revision`, then cancels it. */
  async finish(revision: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.lastRevision < revision && performance.now() < deadline && this.error === undefined && !this.ended)
      await new Promise((resolve) => setTimeout(resolve, 20));
    this.watch.cancel();
    await this.done;
  }

  /** Gaps, repeats and disorder in what was delivered up to `revision`, as readable lines. */
  problems(revision: number, writeRevisions: ReadonlyMap<number, string>): string[] {
    const out: string[] = [];
    if (this.error !== undefined) out.push(`watch failed: ${String(this.error)}`);
    if (this.ended) out.push(`watch ended: ${JSON.stringify(this.ended)}`);
    let expected = this.startRevision;
    for (const rev of this.revisions) {
      if (rev < expected) out.push(`revision ${rev} delivered after ${expected - 1} (repeat or disorder)`);
      else if (rev > expected) out.push(`revisions ${expected}..${rev - 1} never delivered (gap)`);
      expected = Math.max(expected, rev + 1);
    }
    if (expected <= revision) out.push(`revisions ${expected}..${revision} never delivered (stopped short)`);
    for (const [rev, key] of writeRevisions) {
      if (rev < this.startRevision || rev > revision) continue;
      if (!(this.keys.get(rev) ?? []).includes(key)) out.push(`acknowledged write of ${key} at ${rev} not watched`);
    }
    return out.slice(0, 20);
  }

  private async collect(): Promise<void> {
    try {
      for await (const batch of this.watch) {
        if (batch.type === 'events') {
          this.revisions.push(batch.revision);
          this.keys.set(
            batch.revision,
            batch.events.map((e) => text(e.kv.key) ?? ''),
          );
        } else if (batch.type === 'end') {
          this.ended = batch;
          return;
        }
      }
    } catch (e) {
      this.error = e;
    }
  }
}

/** A lease with a key on it, kept alive through the faults. */
export class KeptLease {
  private constructor(
    readonly id: number,
    readonly key: string,
    readonly keeper: LeaseKeeper,
    private readonly outcome: { readonly lost?: Error },
  ) {}

  /** Grants a lease of `ttlSeconds`, puts `key` on it and keeps it alive. */
  static async start(client: KvClient, key: string, ttlSeconds: number): Promise<KeptLease> {
    const { id } = await client.grant(ttlSeconds);
    await client.put(key, 'alive', { lease: id });
    const outcome: { lost?: Error } = {};
    const keeper = client.keepAliveForever(id, (e) => (outcome.lost = e), { ttlSeconds });
    return new KeptLease(id, key, keeper, outcome);
  }

  /** What went wrong with the lease, if anything: lost by its keeper, or its key gone. */
  async problem(client: KvClient): Promise<string | undefined> {
    const lost = this.outcome.lost;
    if (lost) return `keeper lost lease ${this.id}: ${lost.message}`;
    const r = await client.range(this.key);
    if (r.kvs.length === 0) return `key ${this.key} of lease ${this.id} is gone`;
    return undefined;
  }
}
