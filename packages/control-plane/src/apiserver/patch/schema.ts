/**
 * PatchSchema: what strategic merge patch and server-side apply need to know about a kind's
 * fields (Kubernetes' `patchStrategy` / `patchMergeKey` struct tags, and the list map keys
 * and atomic structs of server-side apply).
 */

/** A field's patch strategy (the `x-kubernetes-patch-strategy` values). */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

/**
 * The patch description of one value. Fields without a schema merge recursively if they are
 * maps and are replaced if they are lists (atomic), as Kubernetes does for untagged fields.
 */
export interface PatchSchema {
  /** The schemas of a struct's fields. */
  readonly fields?: Readonly<Record<string, PatchSchema>>;
  /** The schema of a list's items. */
  readonly items?: PatchSchema;
  /** How a list (or a struct, for retainKeys) is patched. */
  readonly strategy?: PatchStrategy;
  /** The key that identifies an item of a merged list of objects (`name`, `containerPort`). */
  readonly mergeKey?: string;
  /** Server-side apply's list map keys, when more than the merge key (ports: containerPort, protocol). */
  readonly listMapKeys?: readonly string[];
  /**
   * Defaults of list map key fields (ports' `protocol: TCP`): server-side apply fills them into
   * an applied item that leaves them out, so that it names the same item as the stored,
   * defaulted one (structured-merge-diff takes key defaults from the schema the same way).
   */
  readonly keyDefaults?: Readonly<Record<string, unknown>>;
  /** Server-side apply owns this struct as a whole (`+structType=atomic`, e.g. a label selector). */
  readonly atomic?: boolean;
}

/** Whether `schema` describes a list merged item by item (or as a set, for primitives). */
export function mergesList(schema: PatchSchema | undefined): boolean {
  return schema?.strategy === 'merge' || schema?.strategy === 'merge,retainKeys';
}

/** The schema of `field` inside `schema`, if any. */
export function fieldSchema(schema: PatchSchema | undefined, field: string): PatchSchema | undefined {
  return schema?.fields?.[field];
}

/** The keys server-side apply identifies a list item by. */
export function itemKeys(schema: PatchSchema | undefined): readonly string[] {
  if (schema?.listMapKeys !== undefined) return schema.listMapKeys;
  return schema?.mergeKey === undefined ? [] : [schema.mergeKey];
}
