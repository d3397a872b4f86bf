/**
 * The Prometheus metrics of a member's KV server, in a registry of its own (two servers in
 * one process never collide): what the server counts itself (requests, latency, connections,
 * watchers) and what the member's owner reports (Raft indexes, term, leader changes, WAL
 * size, fsync and apply durations).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the owner knows about its member, read at each scrape. Absent fields keep their last value. */
export interface MemberGauges {
  readonly appliedIndex?: number;
  readonly commitIndex?: number;
  readonly term?: number;
  /** Leader changes seen since the member started (a counter, as etcd's). */
  readonly leaderChanges?: number;
  readonly walBytes?: number;
  /** Proposals made through this member (a counter). */
  readonly proposals?: number;
  /** Proposals that failed: dropped, timed out or cut short by a stop (a counter). */
  readonly proposalsFailed?: number;
  /** Proposals waiting here to be applied. */
  readonly proposalsPending?: number;
}

/** Sets a counter the owner keeps to its value (a counter only goes up, so does the owner's). */
function setCounter(counter: Counter, value: number | undefined): void {
  if (value === undefined) return;
  counter.reset();
  counter.inc(value);
}

let processMetrics: Registry | undefined;

/**
 * The process's own figures (resident memory, heap, external memory, event-loop lag, GC), as
 * etcd exports Go's and the process collector's: one collector per process, shared by every
 * server in it (each would otherwise start its own event-loop monitor and GC observer).
 */
function processRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** Where the member gauges come from. */
export type MemberGaugeSource = () => MemberGauges | Promise<MemberGauges>;

// etcd's buckets for disk durations: 1 ms .. ~8 s.
const DISK_BUCKETS = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192];
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metrics of one KV server. */
export class KvMetrics {
  /** The private registry every metric here lives in. */
  readonly registry = new Registry();
  private source: MemberGaugeSource | undefined;

  private readonly requests = new Counter({
    name: 'bosun_kv_requests_total',
    help: 'Requests served, by method and outcome (ok or the error code).',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'bosun_kv_request_duration_seconds',
    help: 'Time from receiving a request to queueing its answer.',
    labelNames: ['method'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly connections = new Gauge({
    name: 'bosun_kv_connections',
    help: 'Open client connections.',
    registers: [this.registry],
  });
  private readonly watchers = new Gauge({
    name: 'bosun_kv_watchers',
    help: 'Watches streaming to clients.',
    registers: [this.registry],
  });
  private readonly slowWatchers = new Counter({
    name: 'bosun_kv_slow_watchers_ended_total',
    help: 'Watches ended because their client fell too far behind.',
    registers: [this.registry],
  });
  private readonly applied = this.gauge('bosun_raft_applied_index', 'The last Raft index applied to the store.');
  private readonly commit = this.gauge('bosun_raft_commit_index', 'The last Raft index known committed.');
  private readonly term = this.gauge('bosun_raft_term', 'The current Raft term.');
  private readonly walBytes = this.gauge('bosun_wal_size_bytes', 'Bytes held by the write-ahead log.');
  private readonly proposals = this.counter('bosun_server_proposals_total', 'Proposals made through this member.');
  private readonly proposalsFailed = this.counter(
    'bosun_server_proposals_failed_total',
    'Proposals that failed: dropped for want of a leader, timed out, or cut short by a stop.',
  );
  private readonly proposalsPending = this.gauge('bosun_server_proposals_pending', 'Proposals waiting to be applied.');
  private readonly leaderChanges = new Counter({
    name: 'bosun_raft_leader_changes_seen_total',
    help: 'Leader changes seen by this member.',
    registers: [this.registry],
  });
  private readonly fsync = this.histogram('bosun_wal_fsync_duration_seconds', 'Duration of WAL fsyncs.');
  private readonly apply = this.histogram('bosun_apply_duration_seconds', 'Duration of applying committed entries.');

  constructor(source?: MemberGaugeSource) {
    this.source = source;
  }

  /** Sets where the member gauges come from (called at each scrape). */
  setMemberSource(source: MemberGaugeSource | undefined): void {
    this.source = source;
  }

  /** Records an fsync of the WAL that took `seconds`. */
  observeFsync(seconds: number): void {
    this.fsync.observe(seconds);
  }

  /** Records applying committed entries that took `seconds`. */
  observeApply(seconds: number): void {
    this.apply.observe(seconds);
  }

  /** Records one request served; `outcome` is 'ok' or an error code. */
  request(method: string, outcome: string, seconds: number): void {
    this.requests.inc({ method, outcome });
    this.latency.observe({ method }, seconds);
  }

  /** Counts a connection opened (+1) or closed (-1). */
  connection(delta: 1 | -1): void {
    this.connections.inc(delta);
  }

  /** Counts a watch started (+1) or ended (-1). */
  watcher(delta: 1 | -1): void {
    this.watchers.inc(delta);
  }

  /** Counts a watch ended because its client was too slow. */
  slowWatcherEnded(): void {
    this.slowWatchers.inc();
  }

  /** The content type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text format, with the member gauges read fresh. */
  async text(): Promise<string> {
    if (this.source !== undefined) {
      try {
        this.setMember(await this.source());
      } catch {
        // A failing source leaves the last values; the scrape still answers.
      }
    }
    return (await this.registry.metrics()) + (await processRegistry().metrics());
  }

  private setMember(m: MemberGauges): void {
    if (m.appliedIndex !== undefined) this.applied.set(m.appliedIndex);
    if (m.commitIndex !== undefined) this.commit.set(m.commitIndex);
    if (m.term !== undefined) this.term.set(m.term);
    if (m.walBytes !== undefined) this.walBytes.set(m.walBytes);
    if (m.proposalsPending !== undefined) this.proposalsPending.set(m.proposalsPending);
    setCounter(this.leaderChanges, m.leaderChanges);
    setCounter(this.proposals, m.proposals);
    setCounter(this.proposalsFailed, m.proposalsFailed);
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  private histogram(name: string, help: string): Histogram {
    return new Histogram({ name, help, buckets: DISK_BUCKETS, registers: [this.registry] });
  }
}
