import type { HistoryRecorder, KvInput } from '../linearizability/index.js';
import type { NodeId } from '../raft/types.js';
import { SafetyViolation } from './checks.js';
import type { Prng } from './prng.js';
import type { ClientReply, ClientRequest } from './sim-node.js';

/** Timing of the simulated clients (simulated ms). */
export interface ClientTiming {
  /** Resend to another member when no answer came within this. */
  readonly retryAfter: number;
  /** Give up on an operation after this: its outcome is then unknown. */
  readonly giveUpAfter: number;
  /** Pause between one operation's end and the next one's start. */
  readonly thinkTime: number;
}

interface Pending {
  readonly historyId: number;
  readonly seq: number;
  readonly input: KvInput;
  readonly invokedAt: number;
  attempt: number;
  lastSentAt: number;
}

/**
 * A simulated client: one operation at a time (put, linearizable get, or compare-and-swap on
 * a few shared keys), sent to the member it believes leads, retried elsewhere on "not the
 * leader" or silence, and given up (outcome unknown) after a deadline. Every operation is
 * recorded with its invoke and return times for the linearizability checker.
 */
export class SimClient {
  private seq = 0;
  private pending: Pending | undefined;
  private target: NodeId;
  private nextStartAt = 0;
  /** Stop starting new operations (the healing phase drains the last ones). */
  draining = false;
  /** Operations invoked at or after this time must complete (the healing phase's bound). */
  mustCompleteAfter = Number.POSITIVE_INFINITY;
  completed = 0;
  gaveUp = 0;
  private readonly lastSeen = new Map<string, string | undefined>();

  constructor(
    readonly id: string,
    private readonly rng: Prng,
    private readonly recorder: HistoryRecorder,
    private readonly timing: ClientTiming,
    private readonly keys: readonly string[],
    private readonly members: () => readonly NodeId[],
    private readonly send: (to: NodeId, req: ClientRequest) => void,
  ) {
    this.target = rng.pick(members());
  }

  /** Whether an operation is in flight. */
  busy(): boolean {
    return this.pending !== undefined;
  }

  /** Called regularly: starts, resends or gives up on operations as time says. */
  poll(now: number): void {
    const p = this.pending;
    if (!p) {
      if (!this.draining && now >= this.nextStartAt) this.start(now);
      return;
    }
    if (now - p.invokedAt >= this.timing.giveUpAfter) {
      if (p.invokedAt >= this.mustCompleteAfter) {
        throw new SafetyViolation(
          'liveness',
          `${this.id}'s ${p.input.kind} invoked at ${p.invokedAt} after healing never completed`,
        );
      }
      this.pending = undefined;
      this.gaveUp++;
      this.nextStartAt = now + this.timing.thinkTime;
      return;
    }
    if (now - p.lastSentAt >= this.timing.retryAfter) {
      this.target = this.rng.pick(this.members());
      this.resend(now);
    }
  }

  private start(now: number): void {
    const key = this.rng.pick(this.keys);
    const value = `${this.id}.${this.seq + 1}`;
    const roll = this.rng.next();
    let input: KvInput;
    if (roll < 0.35) input = { kind: 'put', key, value };
    else if (roll < 0.75) input = { kind: 'get', key };
    else {
      // Mostly expect what this client last read, so that some swaps succeed and some race.
      const expected = this.lastSeen.has(key) && this.rng.chance(0.8) ? this.lastSeen.get(key) : undefined;
      input = { kind: 'cas', key, expected, value };
    }
    this.seq++;
    const historyId = this.recorder.invoke(this.id, input, now);
    this.pending = { historyId, seq: this.seq, input, invokedAt: now, attempt: 0, lastSentAt: now };
    // Reads may go to any member (ReadIndex is forwarded to the leader); writes to the leader.
    if (input.kind === 'get' && this.rng.chance(0.3)) this.target = this.rng.pick(this.members());
    this.resend(now);
  }

  private resend(now: number): void {
    const p = this.pending;
    if (!p) return;
    p.attempt++;
    p.lastSentAt = now;
    this.send(this.target, { client: this.id, seq: p.seq, attempt: p.attempt, input: p.input });
  }

  /** A member answered. Answers to older operations or attempts are ignored. */
  onReply(reply: ClientReply, now: number): void {
    const p = this.pending;
    if (!p || reply.seq !== p.seq) return;
    if (!reply.ok) {
      const members = this.members();
      this.target = reply.hint !== '' && members.includes(reply.hint) ? reply.hint : this.rng.pick(members);
      p.lastSentAt = now - this.timing.retryAfter + 10; // retry soon, not at once
      return;
    }
    this.recorder.complete(p.historyId, reply.output, now);
    if (reply.output.kind === 'get') this.lastSeen.set(p.input.key, reply.output.value);
    if (reply.output.kind === 'cas' && reply.output.ok && p.input.kind === 'cas')
      this.lastSeen.set(p.input.key, p.input.value);
    this.pending = undefined;
    this.completed++;
    this.nextStartAt = now + this.timing.thinkTime;
  }
}
