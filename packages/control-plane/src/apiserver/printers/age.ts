/**
 * Ages as `kubectl get` shows them: the apimachinery duration.HumanDuration rounding (about two
 * significant figures) and the `<unknown>` placeholder for a missing timestamp.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * A duration in milliseconds as Kubernetes' HumanDuration prints it: `<invalid>` below -1s (clock
 * skew up to that is tolerated as `0s`), `Ns` below 2 minutes, `NmSs` below 10 minutes, `Nm` below
 * 3 hours, `NhMm` below 8 hours, `Nh` below 2 days, `NdHh` below 8 days, `Nd` below 2 years,
 * `NyDd` below 8 years, then `Ny`. Units are truncated, never rounded; zero remainders are dropped.
 */
export function formatAge(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 8 * 24) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 2 * 365 * 24) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 8 * 365 * 24) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** The epoch milliseconds of an RFC 3339 timestamp, or undefined when missing or unparsable. */
export function parseTimestamp(timestamp: unknown): number | undefined {
  if (typeof timestamp !== 'string' || timestamp === '') return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The time since `timestamp` at `now` as a cell, or `<unknown>` when the timestamp is missing. */
export function ageCell(timestamp: unknown, now: number): string {
  const at = parseTimestamp(timestamp);
  return at === undefined ? '<unknown>' : formatAge(now - at);
}
