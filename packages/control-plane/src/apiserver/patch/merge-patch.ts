/** RFC 7386 JSON merge patch (`application/merge-patch+json`). */
import { isObject } from '../api/types.js';
import { cloneJson } from './json.js';

/**
 * The result of applying a JSON merge patch to `target`: objects merge key by key, `null`
 * deletes a key, anything else (arrays included) replaces. Neither input is mutated.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const out: Record<string, unknown> = isObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
