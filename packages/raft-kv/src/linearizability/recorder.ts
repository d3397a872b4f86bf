/**
 * A recorder of key-value histories, for simulators and fault tests: note each operation
 * when a client invokes it and when it learns the outcome, then hand the history to
 * {@link checkLinearizable}.
 */
import type { HistoryOp, KvInput, KvOutput } from './types.js';

/** An operation being recorded: `output` and `complete` are set together, once. */
interface Recording {
  readonly id: number;
  readonly client: string;
  readonly input: KvInput;
  readonly invoke: number;
  output?: KvOutput;
  complete?: number;
}

/**
 * Records operations as they are invoked and completed. An operation never completed (the
 * client timed out, or the test ended first) comes out of {@link history} with its outcome
 * unknown. Misuse (completing an unknown or finished operation, an output of the wrong kind,
 * a completion before the invocation) throws.
 */
export class HistoryRecorder {
  /** Recordings by id, in invocation order (ids ascend; a failed one is deleted). */
  private readonly ops = new Map<number, Recording>();
  private nextId = 0;

  /** Notes that `client` invoked `input` at `time`, and returns the operation's id. */
  invoke(client: string, input: KvInput, time: number): number {
    const id = this.nextId;
    this.nextId += 1;
    this.ops.set(id, { id, client, input: { ...input }, invoke: time });
    return id;
  }

  /** Notes that operation `id` returned `output` at `time`. */
  complete(id: number, output: KvOutput, time: number): void {
    const op = this.pending(id);
    if (output.kind !== op.input.kind) throw new TypeError(`op ${id}: a ${op.input.kind} answered as a ${output.kind}`);
    if (time < op.invoke) throw new RangeError(`op ${id}: completes at ${time}, before its invocation at ${op.invoke}`);
    op.output = { ...output };
    op.complete = time;
  }

  /**
   * Notes that operation `id` definitely did not take effect (the store refused it, e.g.
   * "not the leader"): it is left out of the history. Never use this for a timeout.
   */
  fail(id: number): void {
    this.pending(id);
    this.ops.delete(id);
  }

  /** The operations recorded so far, in invocation order; those not completed have no outcome. */
  history(): HistoryOp[] {
    return [...this.ops.values()].map((op) => ({ ...op }));
  }

  private pending(id: number): Recording {
    const op = this.ops.get(id);
    if (op === undefined) throw new RangeError(`op ${id} was never invoked here, or has failed`);
    if (op.complete !== undefined) throw new RangeError(`op ${id} has already completed`);
    return op;
  }
}
