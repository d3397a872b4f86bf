/**
 * A resource's declaration: its names, scope, subresources, selectable fields and behaviour
 * (defaults and validation, Table printing, strategic-merge schema). Adding a kind to the API
 * server is adding one declaration; the HTTP layer, storage, watch cache, discovery and
 * OpenAPI documents are generic over it.
 */
import type { KubeObject } from '../api/types.js';
import { kindKey } from '../api/types.js';
import type { TablePrinter } from '../printers/types.js';
import type { KindStrategy } from '../validation/types.js';

/** The subresources a resource may serve. */
export type Subresource =
  'status' | 'scale' | 'binding' | 'log' | 'exec' | 'attach' | 'portforward' | 'eviction' | 'proxy' | 'token';

/** Reads one selectable field of an object as the string a field selector compares. */
export type FieldGetter = (obj: KubeObject) => string | undefined;

/** The behaviour of one kind that the generic registry calls. */
export interface KindBehaviour {
  readonly strategy: KindStrategy;
  readonly printer: TablePrinter;
  /** The strategic-merge schema (opaque here; the patch engine reads it). */
  readonly patchSchema: unknown;
}

/** One served resource. */
export interface ResourceDefinition extends KindBehaviour {
  /** The API group; "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource name in URLs: `pods`. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly Subresource[];
  /** Field selectors beyond metadata.name and metadata.namespace (which every resource has). */
  readonly selectableFields: Readonly<Record<string, FieldGetter>>;
  /** Fields the watch cache indexes for exact-match field selectors (e.g. pods' spec.nodeName). */
  readonly indexedFields: readonly string[];
  /** Whether a change of anything but metadata and status bumps metadata.generation. */
  readonly hasGeneration: boolean;
  /** Not stored: only `create` is served, and answered by the server (access reviews). */
  readonly virtual: boolean;
  /** `kindKey(group, kind)`. */
  readonly key: string;
}

/** What a declaration gives; the rest has defaults. */
export interface ResourceDeclaration {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources?: readonly Subresource[];
  readonly selectableFields?: Readonly<Record<string, FieldGetter>>;
  readonly indexedFields?: readonly string[];
  readonly hasGeneration?: boolean;
  readonly virtual?: boolean;
}

/** A resource from its declaration and its kind's behaviour. */
export function defineResource(decl: ResourceDeclaration, behaviour: KindBehaviour): ResourceDefinition {
  return {
    ...behaviour,
    group: decl.group,
    version: decl.version,
    kind: decl.kind,
    plural: decl.plural,
    singular: decl.kind.toLowerCase(),
    namespaced: decl.namespaced,
    shortNames: decl.shortNames ?? [],
    categories: decl.categories ?? [],
    subresources: decl.subresources ?? [],
    selectableFields: {
      'metadata.name': (o) => o.metadata.name,
      'metadata.namespace': (o) => o.metadata.namespace ?? '',
      ...decl.selectableFields,
    },
    indexedFields: decl.indexedFields ?? [],
    hasGeneration: decl.hasGeneration ?? false,
    virtual: decl.virtual ?? false,
    key: kindKey(decl.group, decl.kind),
  };
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(def: { group: string; version: string }): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** The value of a dotted path in an object (`spec.nodeName`), as a field selector sees it. */
export function fieldPath(obj: unknown, path: string): string | undefined {
  let value: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
