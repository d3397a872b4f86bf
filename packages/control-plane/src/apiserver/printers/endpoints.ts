/** The Endpoints printer: the first three `ip:port` pairs and how many more there are. */
import type { KubeObject } from '../api/types.js';
import { ageCell } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './columns.js';
import { list, num, str } from './fields.js';
import type { TablePrinter } from './types.js';

const SHOWN = 3;

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * The ENDPOINTS cell: every ready address paired with every port of its subset (bare IPs for a
 * subset without ports), the first three joined by commas and then ` + N more...`; `<none>`
 * without subsets.
 */
export function formatEndpoints(endpoints: KubeObject): string {
  const subsets = list(endpoints, 'subsets');
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const ips = list(subset, 'addresses').map((a) => str(a, 'ip'));
    const ports = list(subset, 'ports');
    const entries = ports.length === 0 ? [ips] : ports.map((p) => ips.map((ip) => hostPort(ip, num(p, 'port'))));
    for (const group of entries) {
      count += group.length;
      for (const entry of group) if (shown.length < SHOWN) shown.push(entry);
    }
  }
  const text = shown.join(',');
  return count > SHOWN ? `${text} + ${count - SHOWN} more...` : text;
}

/** How `kubectl get endpoints` prints an Endpoints object. */
export const endpointsPrinter: TablePrinter = {
  columns: [NAME_COLUMN, column('Endpoints', 'string', 'Ready addresses and ports behind the service.'), AGE_COLUMN],
  cells(endpoints, now) {
    return [
      endpoints.metadata.name ?? '',
      formatEndpoints(endpoints),
      ageCell(endpoints.metadata.creationTimestamp, now),
    ];
  },
};
