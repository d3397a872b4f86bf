/**
 * The ResourceQuota and LimitRange printers, as kubectl shows them: a quota's REQUEST and LIMIT
 * columns list `resource: used/hard` from its status (limits.* in LIMIT, the rest in REQUEST);
 * a LimitRange shows its name and creation time.
 */
import type { KubeObject } from '../api/types.js';
import { canonicalQuantity } from '../validation/resource-quota.js';
import { ageCell } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, column } from './columns.js';
import { field } from './fields.js';
import { createdAtCell } from './rbac.js';
import type { TablePrinter } from './types.js';

/** The REQUEST and LIMIT cells of a quota: `name: used/hard` for each name in status.hard, sorted. */
export function quotaCells(quota: KubeObject): { request: string; limit: string } {
  const status = field(quota, 'status');
  const hard = field(status, 'hard');
  const used = field(status, 'used');
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const cell = `${name}: ${canonicalQuantity(used[name] ?? '0')}/${canonicalQuantity(hard[name])}`;
    (name.split('.')[0] === 'limits' && name.includes('.') ? limit : request).push(cell);
  }
  return { request: request.join(', '), limit: limit.join(', ') };
}

/** How `kubectl get resourcequotas` prints a ResourceQuota. */
export const resourceQuotaPrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  cells(quota, now) {
    const { request, limit } = quotaCells(quota);
    return [quota.metadata.name ?? '', ageCell(quota.metadata.creationTimestamp, now), request, limit];
  },
};

/** How `kubectl get limitranges` prints a LimitRange: Name and Created At. */
export const limitRangePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    { name: 'Created At', type: 'date', format: '', description: 'When the object was created.', priority: 0 },
  ],
  cells(lr) {
    return [lr.metadata.name ?? '', createdAtCell(lr.metadata.creationTimestamp)];
  },
};
