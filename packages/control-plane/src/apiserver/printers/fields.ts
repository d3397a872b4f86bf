/**
 * Small readers for the loosely typed JSON of an object, and the cell formats several printers
 * share (label sets, label selectors, container lists). Printers read only what they print and
 * treat a missing or mistyped field as absent, as kube-apiserver does with zero values.
 */
import { isObject } from '../api/types.js';

/** The object at `value[key]`, or an empty object when absent or not an object. */
export function field(value: unknown, key: string): Record<string, unknown> {
  if (!isObject(value)) return {};
  const child = value[key];
  return isObject(child) ? child : {};
}

/** The string at `value[key]`, or `''` when absent or not a string (Go's zero value). */
export function str(value: unknown, key: string): string {
  if (!isObject(value)) return '';
  const child = value[key];
  return typeof child === 'string' ? child : '';
}

/** The number at `value[key]`, or `fallback` when absent or not a number. */
export function num(value: unknown, key: string, fallback = 0): number {
  if (!isObject(value)) return fallback;
  const child = value[key];
  return typeof child === 'number' ? child : fallback;
}

/** The objects of the array at `value[key]` (non-objects skipped), or `[]` when absent. */
export function list(value: unknown, key: string): Record<string, unknown>[] {
  if (!isObject(value)) return [];
  const child = value[key];
  return Array.isArray(child) ? child.filter(isObject) : [];
}

/** The strings of the array at `value[key]` (non-strings skipped), or `[]` when absent. */
export function strings(value: unknown, key: string): string[] {
  if (!isObject(value)) return [];
  const child = value[key];
  return Array.isArray(child) ? child.filter((v): v is string => typeof v === 'string') : [];
}

/** The number of keys of the map at `value[key]`, or 0 when absent. */
export function mapSize(value: unknown, key: string): number {
  return Object.keys(field(value, key)).length;
}

/** The string entries of the map at `value[key]`. */
export function stringMap(value: unknown, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(field(value, key))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Text order by UTF-16 code units, like Go's byte-wise string sort for ASCII keys. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A label map as `k=v,k2=v2` with keys sorted; `''` when empty. */
export function labelsString(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort(byCodeUnit)
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join(',');
}

/** A label map for a cell: `k=v,...` or `<none>` when empty (labels.FormatLabels). */
export function formatLabels(labels: Record<string, string>): string {
  return labelsString(labels) || '<none>';
}

/**
 * A metav1.LabelSelector as selector text (`app=web,tier in (a,b),!legacy`), requirements sorted by
 * key; `''` for a missing or empty selector, `undefined` when an operator is not valid.
 */
export function selectorString(selector: unknown): string | undefined {
  if (!isObject(selector)) return '';
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(stringMap(selector, 'matchLabels'))) {
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expr of list(selector, 'matchExpressions')) {
    const key = str(expr, 'key');
    const values = strings(expr, 'values');
    const shown = values.length === 1 ? values.join('') : [...values].sort(byCodeUnit).join(',');
    switch (str(expr, 'operator')) {
      case 'In':
        requirements.push({ key, text: `${key} in (${shown})` });
        break;
      case 'NotIn':
        requirements.push({ key, text: `${key} notin (${shown})` });
        break;
      case 'Exists':
        requirements.push({ key, text: key });
        break;
      case 'DoesNotExist':
        requirements.push({ key, text: `!${key}` });
        break;
      default:
        return undefined;
    }
  }
  return requirements
    .sort((a, b) => byCodeUnit(a.key, b.key))
    .map((r) => r.text)
    .join(',');
}

/** A label selector for a cell: its text, `<none>` when empty, `<error>` when invalid (metav1.FormatLabelSelector). */
export function formatLabelSelector(selector: unknown): string {
  const text = selectorString(selector);
  if (text === undefined) return '<error>';
  return text || '<none>';
}

/** The Containers and Images cells of a pod template: names and images joined with commas. */
export function containerCells(podSpec: unknown): { names: string; images: string } {
  const containers = list(podSpec, 'containers');
  return {
    names: containers.map((c) => str(c, 'name')).join(','),
    images: containers.map((c) => str(c, 'image')).join(','),
  };
}

/** Whether a timestamp-like field holds a value (Go's IsZero is false): a non-empty string. */
export function isSet(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
