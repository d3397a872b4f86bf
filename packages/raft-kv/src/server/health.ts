/**
 * The health of a member, as `GET /health` reports it: healthy when the member knows a leader,
 * has applied nearly everything it knows committed, and has no alarm raised (etcd's rules).
 */
import type { KV } from '../store/kv.js';

/** A health verdict, with the reason when unhealthy. */
export interface HealthReport {
  readonly healthy: boolean;
  readonly reason?: string;
}

/** Decides the member's health (called for each `GET /health`). */
export type HealthCheck = () => HealthReport | Promise<HealthReport>;

/** Options of {@link statusHealthCheck}. */
export interface StatusHealthOptions {
  /** How many committed entries may wait to be applied (100 by default). */
  readonly maxApplyLag?: number;
}

/** A health check from the store's own status: leader known, applied index close to commit, no alarms. */
export function statusHealthCheck(kv: Pick<KV, 'status'>, options: StatusHealthOptions = {}): HealthCheck {
  const maxApplyLag = options.maxApplyLag ?? 100;
  return async () => {
    const status = await kv.status();
    if (status.leader === '') return { healthy: false, reason: 'no leader' };
    const lag = status.raftIndex - status.raftAppliedIndex;
    if (lag > maxApplyLag) return { healthy: false, reason: `applied index ${lag} entries behind commit` };
    if (status.alarms.length > 0) return { healthy: false, reason: `alarms: ${status.alarms.join(',')}` };
    return { healthy: true };
  };
}

/** The verdict of `check`, unhealthy if it throws or takes longer than `timeoutMs`. */
export async function runHealthCheck(check: HealthCheck, timeoutMs: number): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthReport>((resolve) => {
    timer = setTimeout(() => resolve({ healthy: false, reason: `no verdict within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (e) {
    return { healthy: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}
