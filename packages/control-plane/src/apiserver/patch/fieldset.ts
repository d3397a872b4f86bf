/**
 * FieldSet: a set of field paths, in the tree shape of Kubernetes' `fieldsV1`. A path element
 * is `f:<field>` (a struct or map field), `k:<json of keys>` (a list item by its keys),
 * `v:<json value>` (a set item) or `i:<index>`; `.` in fieldsV1 marks a node that is itself a
 * member when it also has children.
 */
import { isObject } from '../api/types.js';
import type { JsonObject } from '../api/types.js';

/** One node of a field set: whether the path to it is a member, and its children. */
export class FieldSet {
  /** Whether the path ending at this node is in the set. */
  member = false;
  readonly children = new Map<string, FieldSet>();

  /** A field set from its fieldsV1 form. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (!isObject(fields)) return set;
    for (const [key, value] of Object.entries(fields)) {
      if (key === '.') set.member = true;
      else set.children.set(key, FieldSet.fromFieldsV1Node(value));
    }
    return set;
  }

  private static fromFieldsV1Node(value: unknown): FieldSet {
    const node = FieldSet.fromFieldsV1(value);
    if (node.children.size === 0) node.member = true;
    return node;
  }

  /** This set in fieldsV1 form. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const key of [...this.children.keys()].sort()) {
      const child = this.children.get(key);
      if (child !== undefined && !child.isEmpty()) out[key] = child.toFieldsV1();
    }
    return out;
  }

  /** Whether the set has no member. */
  isEmpty(): boolean {
    if (this.member) return false;
    for (const child of this.children.values()) if (!child.isEmpty()) return false;
    return true;
  }

  /** The node at `key`, created if absent. */
  child(key: string): FieldSet {
    let node = this.children.get(key);
    if (node === undefined) {
      node = new FieldSet();
      this.children.set(key, node);
    }
    return node;
  }

  /** Adds `path` as a member. */
  insert(path: readonly string[]): void {
    const [first, ...rest] = path;
    if (first === undefined) this.member = true;
    else this.child(first).insert(rest);
  }

  /** The node at `path`, if present. */
  private find(path: readonly string[]): FieldSet | undefined {
    const [first, ...rest] = path;
    if (first === undefined) return this;
    return this.children.get(first)?.find(rest);
  }

  /** Whether `path` is a member. */
  has(path: readonly string[]): boolean {
    return this.find(path)?.member ?? false;
  }

  /** Whether `path` or any path below it is a member. */
  touches(path: readonly string[]): boolean {
    const node = this.find(path);
    return node !== undefined && !node.isEmpty();
  }

  /** Removes `path` and every path below it. */
  removeUnder(path: readonly string[]): void {
    const last = path.at(-1);
    if (last === undefined) {
      this.member = false;
      this.children.clear();
      return;
    }
    this.find(path.slice(0, -1))?.children.delete(last);
  }

  /** Every member path, parents before their children. */
  paths(prefix: readonly string[] = []): string[][] {
    const out: string[][] = [];
    if (this.member) out.push([...prefix]);
    for (const [key, child] of this.children) out.push(...child.paths([...prefix, key]));
    return out;
  }

  /** A new set with the members of both. */
  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const path of other.paths()) out.insert(path);
    return out;
  }

  /** A new set with the members of this set that are not in `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const path of this.paths()) if (!other.has(path)) out.insert(path);
    return out;
  }

  /** A copy of this set. */
  copy(): FieldSet {
    const out = new FieldSet();
    for (const path of this.paths()) out.insert(path);
    return out;
  }
}

/** A path in the readable form of conflict messages: `.spec.containers[name="nginx"].image`. */
export function formatPath(path: readonly string[]): string {
  return path
    .map((pe) => {
      const kind = pe.slice(0, 2);
      const rest = pe.slice(2);
      if (kind === 'f:') return `.${rest}`;
      if (kind === 'i:') return `[${rest}]`;
      if (kind === 'v:') return `[=${rest}]`;
      if (kind === 'k:') {
        const keys = JSON.parse(rest) as Record<string, unknown>;
        return `[${Object.entries(keys)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return pe;
    })
    .join('');
}
