/** `-o yaml|json|name` printing of objects and lists, as kubectl prints them. */
import { stringify } from 'yaml';

/** An object as the CLI handles it (any Kubernetes kind, untyped). */
export interface AnyObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** The output formats `-o` accepts besides tables. */
export type ObjectFormat = 'yaml' | 'json' | 'name';

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string | undefined): string {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash === -1 ? '' : (apiVersion ?? '').slice(0, slash);
}

/** kubectl's `kind.group` prefix of an object: `pod`, `deployment.apps`. */
export function kindGroup(obj: { apiVersion?: string; kind?: string }): string {
  const kind = (obj.kind ?? '').toLowerCase();
  const group = groupOf(obj.apiVersion);
  return group === '' ? kind : `${kind}.${group}`;
}

/** `-o name` of an object: `pod/nginx`, `deployment.apps/web`. */
export function objectName(obj: AnyObject): string {
  return `${kindGroup(obj)}/${obj.metadata?.name ?? ''}`;
}

/** A copy of `value` with object keys sorted (Go prints maps sorted, so kubectl does). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** One YAML document as kubectl prints it (sorted keys, unindented sequences). */
export function toYaml(value: unknown): string {
  return stringify(sortKeys(value), { indentSeq: false, lineWidth: 0 });
}

/** kubectl's JSON: sorted keys, 4-space indent. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

/** Several objects as the `kind: List` kubectl prints for more than one (or a list query). */
export function asList(items: readonly AnyObject[]): AnyObject {
  return { apiVersion: 'v1', items: [...items], kind: 'List', metadata: { resourceVersion: '' } };
}

/**
 * Prints objects in `format`. `single` says the query named one object (then yaml/json
 * print it bare); otherwise yaml/json print a `kind: List`. `name` prints one line each.
 */
export function printObjects(items: readonly AnyObject[], format: ObjectFormat, single: boolean): string {
  if (format === 'name') return items.map((o) => `${objectName(o)}\n`).join('');
  const value = single && items.length === 1 ? items[0] : asList(items);
  return format === 'yaml' ? toYaml(value) : toJson(value);
}
