/** Pure edits the verbs compute before patching: label/annotate changes and `set image` container patches. */
import { UsageError } from './errors.js';

/** `k=v` sets and `k-` removals, as label and annotate take them. */
export interface KeyChanges {
  set: Record<string, string>;
  remove: string[];
}

/** Splits label/annotate arguments into resource arguments and changes. */
export function splitChanges(args: readonly string[]): { resourceArgs: string[]; changes: KeyChanges } {
  const resourceArgs: string[] = [];
  const changes: KeyChanges = { set: {}, remove: [] };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq > 0) changes.set[arg.slice(0, eq)] = arg.slice(eq + 1);
    else if (arg.endsWith('-') && arg.length > 1 && resourceArgs.length > 0) changes.remove.push(arg.slice(0, -1));
    else resourceArgs.push(arg);
  }
  return { resourceArgs, changes };
}

/**
 * The merge patch of a label/annotate change against the object's current map, or undefined
 * when nothing changes. Refuses to change an existing value without `overwrite`, like kubectl.
 */
export function keyChangesPatch(
  field: 'labels' | 'annotations',
  current: Record<string, string> | undefined,
  changes: KeyChanges,
  overwrite: boolean,
): Record<string, unknown> | undefined {
  const map: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(changes.set)) {
    const old = current?.[key];
    if (old === value) continue;
    if (old !== undefined && !overwrite) {
      throw new UsageError(`'${key}' already has a value (${old}), and --overwrite is false`);
    }
    map[key] = value;
  }
  for (const key of changes.remove) {
    if (current?.[key] !== undefined) map[key] = null;
  }
  if (Object.keys(map).length === 0) return undefined;
  return { metadata: { [field]: map } };
}

/** The containers of a Pod or of a workload's pod template. */
export function containersOf(obj: { kind?: string; spec?: unknown }): { name: string; image?: string }[] {
  const spec = (obj.spec ?? {}) as { containers?: unknown; template?: { spec?: { containers?: unknown } } };
  const list = obj.kind === 'Pod' ? spec.containers : spec.template?.spec?.containers;
  return Array.isArray(list) ? (list as { name: string; image?: string }[]) : [];
}

/** The strategic merge patch of `set image` (`name=image`, `*=image` for all), or a usage error for unknown containers. */
export function setImagePatch(
  obj: { kind?: string; spec?: unknown },
  assignments: Record<string, string>,
): Record<string, unknown> {
  const containers = containersOf(obj);
  const changed: { name: string; image: string }[] = [];
  for (const [name, image] of Object.entries(assignments)) {
    const matching = name === '*' ? containers : containers.filter((c) => c.name === name);
    if (matching.length === 0) throw new UsageError(`unable to find container named "${name}"`);
    for (const c of matching) changed.push({ name: c.name, image });
  }
  const list = { containers: changed };
  return obj.kind === 'Pod' ? { spec: list } : { spec: { template: { spec: list } } };
}
