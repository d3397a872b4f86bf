/**
 * The client's retry policy, as pure functions: what a failed attempt leads to, which requests
 * are safe to repeat, and how long to wait between attempts.
 *
 * A request is safe to repeat when doing it twice is the same as doing it once: reads,
 * lease keep-alives and alarm changes. A write that was sent and got no answer may have taken
 * effect; it is never repeated, and fails with `outcomeUnknown`. A write refused before it
 * entered the log (`notLeader`, or no connection) is repeated, at the leader.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isReadOnly, txnRequest } from '../mvcc/requests.js';
import type { TxnParts } from '../mvcc/requests.js';
import { MvccError } from '../mvcc/errors.js';
import { NodeError } from '../node/raft-node.js';
import type { KvMethod } from '../server/protocol.js';
import { ClientError } from './errors.js';

/** What to do after a failed attempt. */
export type RetryStep =
  /** Give up with `error`. */
  | { readonly kind: 'fail'; readonly error: Error; readonly failover: boolean }
  /** Try again (after a backoff), on another endpoint when `failover`. */
  | { readonly kind: 'retry'; readonly failover: boolean }
  /** Try again at the leader (`leader` is its member id, '' when the member knows none). */
  | { readonly kind: 'toLeader'; readonly leader: string };

/** Whether repeating `method` with `args` has the effect of doing it once. */
export function isSafeToRetry(method: KvMethod, args: readonly unknown[]): boolean {
  switch (method) {
    case 'range':
    case 'status':
    case 'timeToLive':
    case 'leases':
    case 'keepAlive':
    case 'alarm':
    case 'watchCancel':
    case 'watchProgress':
    case 'memberList':
    case 'snapshot':
      return true;
    case 'txn':
      return isReadOnly(txnRequest((args[0] ?? {}) as TxnParts));
    case 'put':
    case 'deleteRange':
    case 'compact':
    case 'grant':
    case 'revoke':
    case 'watch':
    case 'watchAck':
    case 'memberAdd':
    case 'memberRemove':
    case 'memberPromote':
    case 'moveLeader':
      return false;
  }
}

/** The step after `error` failed an attempt at a request that is `safe` (see {@link isSafeToRetry}) or not. */
export function nextStep(error: unknown, safe: boolean): RetryStep {
  if (error instanceof MvccError) return { kind: 'fail', error, failover: false };
  if (error instanceof NodeError) {
    switch (error.code) {
      case 'notLeader':
        // Refused before it was proposed: safe to send again, to the leader.
        return { kind: 'toLeader', leader: error.leader };
      case 'stopped':
        if (safe) return { kind: 'retry', failover: true };
        return {
          kind: 'fail',
          error: new ClientError('unavailable', 'the member stopped while serving the request', {
            outcomeUnknown: true,
            cause: error,
          }),
          failover: true,
        };
      case 'timeout':
        return safe ? { kind: 'retry', failover: false } : { kind: 'fail', error, failover: false };
      case 'badRequest':
        return { kind: 'fail', error, failover: false };
    }
  }
  if (error instanceof ClientError) {
    if (error.code !== 'unavailable') return { kind: 'fail', error, failover: false };
    if (safe || !error.outcomeUnknown) return { kind: 'retry', failover: true };
    return { kind: 'fail', error, failover: true };
  }
  return { kind: 'fail', error: error instanceof Error ? error : new Error(String(error)), failover: false };
}

/** The wait before attempt `attempt` (1, 2, ...): exponential from `baseMs` up to `maxMs`, with jitter from `random`. */
export function backoffMs(attempt: number, random: () => number, baseMs = 25, maxMs = 1_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits the backoff before attempt `attempt`; false, without waiting, if `deadline` (performance.now()) comes first. */
export async function pauseBeforeAttempt(attempt: number, deadline: number, random: () => number): Promise<boolean> {
  const wait = backoffMs(attempt, random);
  if (performance.now() + wait >= deadline) return false;
  await sleep(wait);
  return true;
}
