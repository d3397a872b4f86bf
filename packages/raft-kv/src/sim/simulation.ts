import { HistoryRecorder, checkLinearizable, formatHistoryOp } from '../linearizability/index.js';
import type { RaftBugs } from '../raft/config.js';
import { RaftError } from '../raft/errors.js';
import { MemoryStorage, bootstrapStorage } from '../raft/storage.js';
import type { ConfChange, Message, NodeId } from '../raft/types.js';
import { Checker, SafetyViolation } from './checks.js';
import { SimClient } from './clients.js';
import { EventQueue } from './events.js';
import { KvMachine } from './kv-machine.js';
import { Network, calmLinks, type Cut, type PartitionKind } from './network.js';
import { Prng } from './prng.js';
import { SimNode, type ClientReply, type ClientRequest, type NodeHost, type NodeOptions } from './sim-node.js';
import { Trace } from './trace.js';

/** What one simulation run does. */
export interface SimOptions {
  readonly seed: number;
  readonly nodes: 3 | 5;
  /** Simulated ms of the fault phase. */
  readonly faultTime?: number;
  /** Simulated ms the healing phase may take to converge. */
  readonly healTime?: number;
  readonly clients?: number;
  readonly bugs?: RaftBugs;
  readonly readOnlyOption?: 'safe' | 'leaseBased';
  /** Force PreVote on or off (by default each seed draws it). */
  readonly preVote?: boolean;
  /** Force CheckQuorum on or off (by default each seed draws it). */
  readonly checkQuorum?: boolean;
  /** Simulated ms per tick (10 by default); each member drifts around it. */
  readonly tickMs?: number;
  /** Force the adversary's profile (by default each seed draws it). */
  readonly profile?: FaultProfile;
}

/**
 * The kind of adversary a seed runs against, drawn from the seed so that runs differ in kind,
 * not only in detail:
 * - `mixed`: every fault of the schedule now and then, and a rare strike on a new leader;
 * - `churn`: the same schedule, but most new leaders are struck soon after they win, time
 *   after time, so that logs of many short terms pile up and diverge (Figure 8's ground).
 */
export type FaultProfile = 'mixed' | 'churn';

/** The chance that the leader nemesis strikes a new leader, by profile. */
const leaderNemesisRate: Record<FaultProfile, number> = { mixed: 0.1, churn: 0.8 };

/** The outcome of one run. */
export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failure?: string;
  /** The fault schedule as it was carried out. */
  readonly schedule: readonly string[];
  /** The last lines of the trace (all of them when short). */
  readonly trace: readonly string[];
  /** A digest of the whole trace: equal digests mean identical runs. */
  readonly digest: string;
  readonly stats: { readonly ops: number; readonly unknown: number; readonly applied: number; readonly events: number };
}

type SimEvent =
  | { readonly kind: 'deliver'; readonly m: Message; readonly epoch: number }
  | { readonly kind: 'toNode'; readonly to: NodeId; readonly req: ClientRequest }
  | { readonly kind: 'toClient'; readonly reply: ClientReply }
  | { readonly kind: 'tick'; readonly node: SimNode; readonly incarnation: number }
  | { readonly kind: 'later'; readonly node: SimNode; readonly incarnation: number; readonly fn: () => void }
  | { readonly kind: 'call'; readonly fn: () => void };

const keys = ['x', 'y', 'z'];

/** A blow the leader nemesis has planned against one leader. */
interface Strike {
  readonly node: SimNode;
  /** The term it leads; the blow falls only if it still leads that term. */
  readonly term: number;
  /** When the blow falls: after the election was won, or after the first commit of the term. */
  readonly moment: 'won' | 'firstCommit';
  /** Simulated ms between the moment and the blow. */
  readonly after: number;
  readonly crash: boolean;
  readonly downFor: number;
}

/**
 * A whole cluster in one process, driven by one seeded generator: members, a network with
 * delays, loss, duplication and partitions, crashes that lose unsynced writes, clock drift,
 * membership changes, leadership transfers, snapshots and clients, and nemeses that strike
 * around elections (voters, and new leaders), harder in some seeds than in others (the seed's
 * {@link FaultProfile}). A fault phase is followed by a healing phase that must converge;
 * safety is checked after every event and the clients' history is checked for
 * linearizability at the end.
 */
export class Simulation {
  private readonly rng: Prng;
  private readonly faultRng: Prng;
  private readonly net: Network;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly trace = new Trace();
  private readonly schedule: string[] = [];
  private readonly recorder = new HistoryRecorder();
  private readonly checker: Checker;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly retired = new Set<NodeId>();
  private readonly clients: SimClient[] = [];
  private readonly drift = new Map<NodeId, number>();
  private readonly host: NodeHost;
  private readonly nodeOptions: NodeOptions;
  private now = 0;
  private events = 0;
  private nextNodeNumber: number;
  private membershipBusy = false;
  /** Leaders the leader nemesis strikes when their commit index first moves. */
  private readonly strikeOnCommit = new Map<SimNode, Strike>();
  private healing = false;
  private readonly profile: FaultProfile;

  constructor(private readonly opts: SimOptions) {
    const root = new Prng(opts.seed);
    this.rng = root.fork();
    this.faultRng = root.fork();
    this.net = new Network(root.fork());
    this.checker = new Checker(() => [...this.nodes.values()]);
    // Each seed also draws the Raft options it runs with, so every combination gets exercised.
    const settings = root.fork();
    this.nodeOptions = {
      electionTick: 10,
      heartbeatTick: 1,
      preVote: opts.preVote ?? settings.chance(0.7),
      checkQuorum: opts.checkQuorum ?? settings.chance(0.7),
      readOnlyOption: opts.readOnlyOption ?? 'safe',
      maxInflightMsgs: settings.pick([1, 2, 8]),
      // Half of the seeds send one entry per append (etcd's MaxSizePerMsg = 0), so that a
      // lagging follower is caught up entry by entry; the others send batches.
      maxSizePerMsg: settings.chance(0.5) ? 0 : settings.pick([400, 4096]),
      snapshotEvery: 40,
      compactionMargin: 5,
      bugs: opts.bugs ?? {},
    };
    this.profile = opts.profile ?? (settings.chance(0.5) ? 'churn' : 'mixed');
    this.host = {
      rng: this.rng,
      checker: this.checker,
      now: () => this.now,
      send: (m) => this.sendPeer(m),
      reply: (r) => this.queue.push(this.now + this.rng.int(1, 4), { kind: 'toClient', reply: r }),
      later: (node, delay, fn) =>
        this.queue.push(this.now + delay, { kind: 'later', node, incarnation: node.incarnation, fn }),
      trace: (line) => this.trace.add(this.now, line),
      onRoleChange: (node) => this.onRoleChange(node),
      onVoteGranted: (node) => this.onVoteGranted(node),
      onLeaderCommit: (node) => this.onLeaderCommit(node),
    };
    this.nextNodeNumber = opts.nodes + 1;
  }

  private get tickMs(): number {
    return this.opts.tickMs ?? 10;
  }

  /** Members that clients may talk to: started and not retired. */
  private memberIds(): NodeId[] {
    return [...this.nodes.keys()].filter((id) => !this.retired.has(id));
  }

  private at(delay: number, fn: () => void): void {
    this.queue.push(this.now + delay, { kind: 'call', fn });
  }

  private sendPeer(m: Message): boolean {
    const delays = this.net.deliveries(m.from, m.to);
    const epoch = this.net.epoch(m.from, m.to);
    for (const delay of delays) this.queue.push(this.now + delay, { kind: 'deliver', m, epoch });
    return delays.length > 0;
  }

  private addNode(id: NodeId, disk: MemoryStorage): SimNode {
    const node = new SimNode(id, disk, this.host, this.nodeOptions);
    this.nodes.set(id, node);
    this.drift.set(id, 0.85 + this.rng.next() * 0.3);
    node.start();
    this.scheduleTick(node);
    return node;
  }

  private scheduleTick(node: SimNode): void {
    const period = Math.max(1, Math.round(this.tickMs * (this.drift.get(node.id) ?? 1)));
    this.queue.push(this.now + period, { kind: 'tick', node, incarnation: node.incarnation });
  }

  /** Runs the simulation to the end and reports. */
  run(): SimResult {
    const faultTime = this.opts.faultTime ?? 3000;
    const healTime = this.opts.healTime ?? 5000;
    const voters = Array.from({ length: this.opts.nodes }, (_, i) => `n${i + 1}`);
    for (const id of voters) {
      const disk = new MemoryStorage();
      bootstrapStorage(disk, { voters, learners: [] }, new KvMachine().snapshot());
      this.addNode(id, disk);
    }
    const clientCount = this.opts.clients ?? 3;
    for (let i = 0; i < clientCount; i++) {
      this.clients.push(
        new SimClient(
          `c${i}`,
          this.rng.fork(),
          this.recorder,
          { retryAfter: 150, giveUpAfter: 1200, thinkTime: 5 },
          keys,
          () => this.memberIds(),
          (to, req) => this.queue.push(this.now + this.rng.int(1, 4), { kind: 'toNode', to, req }),
        ),
      );
    }
    this.at(0, () => this.pollClients());
    const o = this.nodeOptions;
    this.note(
      `options preVote=${o.preVote} checkQuorum=${o.checkQuorum} readOnly=${o.readOnlyOption} ` +
        `maxSizePerMsg=${o.maxSizePerMsg} maxInflightMsgs=${o.maxInflightMsgs} profile=${this.profile}`,
    );
    this.at(this.faultRng.int(100, 300), () => this.injectFault(faultTime));
    this.at(faultTime, () => this.heal());
    this.at(faultTime + healTime / 2, () => this.clients.forEach((c) => (c.draining = true)));
    try {
      this.loop(faultTime + healTime);
      this.checkConverged();
      this.checkHistory();
    } catch (e) {
      if (!(e instanceof SafetyViolation)) {
        const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
        return this.result(`crash: ${message}`);
      }
      return this.result(e.message);
    }
    return this.result(undefined);
  }

  private result(failure: string | undefined): SimResult {
    const history = this.recorder.history();
    return {
      seed: this.opts.seed,
      ok: failure === undefined,
      ...(failure !== undefined ? { failure } : {}),
      schedule: this.schedule,
      trace: this.trace.tail(),
      digest: this.trace.digest(),
      stats: {
        ops: history.length,
        unknown: history.filter((h) => h.complete === undefined).length,
        applied: this.checker.appliedCount(),
        events: this.events,
      },
    };
  }

  private loop(until: number): void {
    for (;;) {
      const next = this.queue.pop();
      if (!next || next.time > until) return;
      this.now = next.time;
      this.events++;
      this.dispatch(next.event);
    }
  }

  private dispatch(ev: SimEvent): void {
    switch (ev.kind) {
      case 'deliver': {
        const node = this.nodes.get(ev.m.to);
        if (!node?.alive || this.retired.has(node.id)) return;
        if (this.net.epoch(ev.m.from, ev.m.to) !== ev.epoch) return; // the link was cut meanwhile
        node.receive(ev.m);
        return;
      }
      case 'toNode': {
        const node = this.nodes.get(ev.to);
        if (!node?.alive) return; // lost: the client will retry
        node.handleClient(ev.req);
        return;
      }
      case 'toClient': {
        this.clients.find((c) => c.id === ev.reply.client)?.onReply(ev.reply, this.now);
        return;
      }
      case 'tick': {
        if (!ev.node.alive || ev.node.incarnation !== ev.incarnation) return;
        ev.node.tick();
        this.scheduleTick(ev.node);
        return;
      }
      case 'later': {
        if (!ev.node.alive || ev.node.incarnation !== ev.incarnation) return;
        ev.fn();
        return;
      }
      case 'call':
        ev.fn();
        return;
    }
  }

  private pollClients(): void {
    for (const c of this.clients) c.poll(this.now);
    this.at(10, () => this.pollClients());
  }

  // ------------------------------------------------------------ faults

  private note(line: string): void {
    this.schedule.push(`t=${this.now} ${line}`);
    this.trace.add(this.now, `FAULT ${line}`);
  }

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (!n.alive || this.retired.has(n.id) || n.raw.raft.role !== 'leader') continue;
      if (!best || n.raw.raft.term > best.raw.raft.term) best = n;
    }
    return best;
  }

  private liveMembers(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.alive && !this.retired.has(n.id));
  }

  private injectFault(faultTime: number): void {
    if (this.healing || this.now >= faultTime) return;
    const r = this.faultRng;
    const kinds = [
      'crash',
      'reboot',
      'reboot',
      'partition',
      'partition',
      'links',
      'transfer',
      'membership',
      'restartAll',
    ] as const;
    const kind = r.pick(kinds);
    switch (kind) {
      case 'crash':
        this.crashOne(r.int(50, 600));
        break;
      case 'reboot':
        // A quick restart: messages sent before the crash may still arrive after it.
        this.crashOne(r.int(1, 15));
        break;
      case 'partition':
        this.partition(r.pick(['isolateOne', 'isolateLeader', 'oneWay', 'ring', 'split'] as const));
        break;
      case 'links': {
        const faults = {
          dropRate: r.next() * 0.2,
          duplicateRate: r.next() * 0.1,
          minDelay: 1,
          maxDelay: r.int(5, 60),
          slowRate: r.next() * 0.1,
          slowDelay: r.int(60, 300),
        };
        this.net.faults = faults;
        this.note(
          `links drop=${faults.dropRate.toFixed(2)} dup=${faults.duplicateRate.toFixed(2)} delay<=${faults.maxDelay}`,
        );
        this.at(r.int(200, 800), () => {
          this.net.faults = calmLinks;
          this.note('links calm');
        });
        break;
      }
      case 'transfer': {
        const lead = this.leader();
        const target =
          lead &&
          r.pick(
            lead
              .membership()
              .voters.filter((v) => v !== lead.id)
              .concat(['']),
          );
        if (!lead || !target) break;
        this.note(`transfer leadership ${lead.id} -> ${target}`);
        try {
          lead.raw.transferLeader(target);
          lead.pump();
        } catch (e) {
          if (!(e instanceof RaftError)) throw e;
        }
        break;
      }
      case 'membership':
        this.replaceMember();
        break;
      case 'restartAll': {
        this.note('restart every member at once');
        const live = this.liveMembers();
        for (const n of live) n.crash();
        this.at(r.int(20, 200), () => {
          for (const n of live) this.restart(n);
        });
        break;
      }
    }
    this.at(r.int(100, 300), () => this.injectFault(faultTime));
  }

  /** A member's role changed: trace it, and let the nemeses react to elections. */
  private onRoleChange(node: SimNode): void {
    const role = node.raw.raft.role;
    this.trace.add(this.now, `${node.id} becomes ${role} in term ${node.raw.raft.term}`);
    if (role === 'candidate') this.electionNemesis(node);
    else if (role === 'leader') this.leaderNemesis(node);
  }

  /**
   * The election nemesis: while an election runs, reboot a voter now and then, so that a vote
   * or a term that was not made durable gets lost at the worst moment.
   */
  private electionNemesis(candidate: SimNode): void {
    if (this.healing || !this.faultRng.chance(0.25)) return;
    const others = this.liveMembers().filter((n) => n !== candidate);
    if (others.length === 0) return;
    const victim = this.faultRng.pick(others);
    const after = this.faultRng.int(1, 6);
    const downFor = this.faultRng.int(1, 10);
    this.at(after, () => {
      if (!victim.alive || this.healing) return;
      this.note(`election nemesis: reboot ${victim.id} for ${downFor} ms`);
      victim.crash();
      this.at(downFor, () => this.restart(victim));
    });
  }

  /**
   * The leader nemesis: now and then a new leader crashes or is cut off within a few ms of a
   * moment — when it won, while its no-op is on its way, or when its commit index first moves,
   * while its first acknowledgments are. Repeated over short terms, this leaves entries of
   * older terms on a majority but not committed, and members with diverging logs of terms in
   * between: the situation of Figure 8 in the Raft paper.
   */
  private leaderNemesis(node: SimNode): void {
    const r = this.faultRng;
    if (this.healing || !r.chance(leaderNemesisRate[this.profile])) return;
    const strike: Strike = {
      node,
      term: node.raw.raft.term,
      moment: r.chance(0.5) ? 'won' : 'firstCommit',
      after: r.int(0, 5),
      crash: r.chance(0.25),
      downFor: r.int(30, 400),
    };
    if (strike.moment === 'won') this.at(strike.after, () => this.strike(strike));
    else this.strikeOnCommit.set(node, strike);
  }

  private onLeaderCommit(node: SimNode): void {
    const strike = this.strikeOnCommit.get(node);
    if (!strike) return;
    this.strikeOnCommit.delete(node);
    this.at(strike.after, () => this.strike(strike));
  }

  private strike(s: Strike): void {
    const { node, term } = s;
    if (this.healing || !node.alive || node.raw.raft.role !== 'leader' || node.raw.raft.term !== term) return;
    const what = `${node.id} (leader of term ${term}, commit ${node.raw.raft.log.committed}, struck after ${s.moment})`;
    if (s.crash) {
      this.note(`leader nemesis: crash ${what} for ${s.downFor} ms`);
      node.crash();
      this.at(s.downFor, () => this.restart(node));
      return;
    }
    const cut = this.isolate(node.id);
    this.note(`leader nemesis: isolate ${what} for ${s.downFor} ms`);
    this.at(s.downFor, () => {
      this.net.restore(cut);
      this.note(`leader nemesis: ${node.id} reconnected`);
    });
  }

  /** The vote nemesis: now and then a member reboots right after voting, while the election goes on. */
  private onVoteGranted(node: SimNode): void {
    if (this.healing || !this.faultRng.chance(0.3)) return;
    const downFor = this.faultRng.int(1, 8);
    this.at(0, () => {
      if (!node.alive || this.healing) return;
      this.note(`vote nemesis: reboot ${node.id} for ${downFor} ms`);
      node.crash();
      this.at(downFor, () => this.restart(node));
    });
  }

  private restart(n: SimNode): void {
    if (n.alive || this.retired.has(n.id)) return;
    n.start();
    this.scheduleTick(n);
    this.trace.add(this.now, `${n.id} restarts at term ${n.raw.raft.term} commit ${n.raw.raft.log.committed}`);
  }

  private crashOne(downFor: number): void {
    const live = this.liveMembers();
    if (live.length === 0) return;
    const lead = this.leader();
    const victim = lead && this.faultRng.chance(0.5) ? lead : this.faultRng.pick(live);
    this.note(`crash ${victim.id}${victim === lead ? ' (leader)' : ''} for ${downFor} ms`);
    victim.crash();
    this.at(downFor, () => this.restart(victim));
  }

  private partition(kind: PartitionKind): void {
    const ids = this.memberIds();
    const r = this.faultRng;
    let cut: Cut = [];
    switch (kind) {
      case 'isolateOne': {
        const one = r.pick(ids);
        cut = this.isolate(one);
        break;
      }
      case 'isolateLeader': {
        cut = this.isolate(this.leader()?.id ?? r.pick(ids));
        break;
      }
      case 'oneWay': {
        const from = r.pick(ids);
        const to = r.pick(ids.filter((x) => x !== from));
        cut = this.net.cutLink(from, to);
        break;
      }
      case 'ring': {
        // Each member hears only its two neighbours.
        const links: string[] = [];
        ids.forEach((a, i) => {
          ids.forEach((b, j) => {
            const d = Math.abs(i - j);
            if (a !== b && d !== 1 && d !== ids.length - 1) links.push(...this.net.cutLink(a, b));
          });
        });
        cut = links;
        break;
      }
      case 'split': {
        const shuffled = [...ids];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = r.int(0, i);
          [shuffled[i], shuffled[j]] = [shuffled[j] as NodeId, shuffled[i] as NodeId];
        }
        const half = Math.floor(ids.length / 2);
        cut = this.net.separate(shuffled.slice(0, half), shuffled.slice(half));
        break;
      }
    }
    this.note(`partition ${kind}: cut ${this.net.describe()}`);
    this.at(r.int(100, 800), () => {
      this.net.restore(cut);
      this.note(`partition ${kind} healed: cut ${this.net.describe()}`);
    });
  }

  /** Cuts one member off from every other member. */
  private isolate(id: NodeId): Cut {
    return this.net.separate(
      [id],
      this.memberIds().filter((x) => x !== id),
    );
  }

  // ------------------------------------------------------------ membership

  /** Replaces a voter: remove it (the leader too, sometimes), then add a new learner and promote it. */
  private replaceMember(): void {
    if (this.membershipBusy) return;
    const lead = this.leader();
    if (!lead) return;
    const voters = lead.membership().voters;
    if (voters.length < this.opts.nodes) return;
    const victim = this.faultRng.chance(0.3) ? lead.id : this.faultRng.pick(voters);
    const newcomer = `n${this.nextNodeNumber++}`;
    this.membershipBusy = true;
    this.note(`replace ${victim}${victim === lead.id ? ' (leader)' : ''} with ${newcomer}`);
    this.pursue({ type: 'removeNode', nodeId: victim }, () => {
      this.retire(victim);
      this.addNode(newcomer, new MemoryStorage());
      this.pursue({ type: 'addLearner', nodeId: newcomer }, () => this.promoteWhenCaughtUp(newcomer));
    });
  }

  private retire(id: NodeId): void {
    const node = this.nodes.get(id);
    this.retired.add(id);
    node?.crash();
    this.trace.add(this.now, `${id} retired`);
  }

  private promoteWhenCaughtUp(id: NodeId): void {
    const lead = this.leader();
    const pr = lead?.raw.status().progress.get(id);
    if (lead && pr && pr.match + 5 >= lead.raw.raft.log.committed) {
      this.pursue({ type: 'addVoter', nodeId: id }, () => {
        this.membershipBusy = false;
      });
      return;
    }
    this.at(50, () => this.promoteWhenCaughtUp(id));
  }

  /** Proposes a membership change at whoever leads until the leader has applied it, then calls done. */
  private pursue(cc: ConfChange, done: () => void): void {
    const lead = this.leader();
    if (lead && this.changeApplied(lead, cc)) {
      done();
      return;
    }
    if (lead) {
      try {
        lead.raw.proposeConfChange(cc);
        lead.pump();
      } catch (e) {
        if (!(e instanceof RaftError)) throw e;
      }
    }
    this.at(60, () => this.pursue(cc, done));
  }

  private changeApplied(lead: SimNode, cc: ConfChange): boolean {
    const { voters, learners } = lead.membership();
    switch (cc.type) {
      case 'removeNode':
        return !voters.includes(cc.nodeId) && !learners.includes(cc.nodeId);
      case 'addLearner':
        return learners.includes(cc.nodeId) || voters.includes(cc.nodeId);
      case 'addVoter':
        return voters.includes(cc.nodeId);
    }
  }

  // ------------------------------------------------------------ healing and final checks

  private heal(): void {
    this.healing = true;
    this.net.heal();
    this.net.faults = calmLinks;
    this.note('heal: network healed, every member restarted');
    for (const n of this.nodes.values()) if (!n.alive) this.restart(n);
    // Once healed, a leader is elected within a few election timeouts: operations invoked
    // after that must complete, not time out.
    for (const c of this.clients) c.mustCompleteAfter = this.now + 1000;
  }

  private checkConverged(): void {
    const lead = this.leader();
    if (!lead) throw new SafetyViolation('liveness', 'no leader at the end of the healing phase');
    const busy = this.clients.filter((c) => c.busy());
    if (busy.length > 0) {
      throw new SafetyViolation('liveness', `clients ${busy.map((c) => c.id).join(',')} still wait at the end`);
    }
    if (this.membershipBusy) throw new SafetyViolation('liveness', 'a membership change did not finish');
    const commit = lead.raw.raft.log.committed;
    for (const n of this.liveMembers()) {
      if (n.applied() < commit) {
        throw new SafetyViolation('liveness', `${n.id} applied ${n.applied()} < leader commit ${commit}`);
      }
    }
  }

  private checkHistory(): void {
    const verdict = checkLinearizable(this.recorder.history(), { maxSteps: 5_000_000 });
    if (verdict.result === 'violation') {
      const ops = verdict.ops.map((op) => `  ${formatHistoryOp(op)}`).join('\n');
      throw new SafetyViolation('linearizability', `key ${verdict.key}: ${verdict.explanation}\n${ops}`);
    }
    if (verdict.result === 'unknown') this.trace.add(this.now, `linearizability unknown: ${verdict.reason}`);
  }
}

/** Runs one seed. */
export function runSeed(opts: SimOptions): SimResult {
  return new Simulation(opts).run();
}
