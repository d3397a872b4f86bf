/** Deep equality of JSON values, as validation compares old and new fields. */
import { isObject } from '../api/types.js';

/** Whether two JSON values are equal, ignoring key order and treating null, undefined and an absent key alike. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameJson(a[k], b[k]));
  }
  return (a === undefined || a === null) && (b === undefined || b === null);
}
