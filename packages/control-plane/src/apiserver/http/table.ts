/** meta.k8s.io Table responses from a kind's printer (server-side printing for `kubectl get`). */
import type { KubeObject } from '../api/types.js';
import type { ResourceDefinition } from '../registry/definition.js';

/** Which object each row carries (the `includeObject` parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The Table of `items`, with list metadata. */
export function toTable(
  def: ResourceDefinition,
  items: readonly KubeObject[],
  options: {
    version: 'v1' | 'v1beta1';
    include: IncludeObject;
    now: number;
    resourceVersion?: string;
    continue?: string;
    remainingItemCount?: number;
  },
): Record<string, unknown> {
  const apiVersion = `meta.k8s.io/${options.version}`;
  const metadata: Record<string, unknown> = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue !== undefined && options.continue !== '') metadata.continue = options.continue;
  if (options.remainingItemCount !== undefined) metadata.remainingItemCount = options.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: def.printer.columns,
    rows: items.map((obj) => {
      const row: Record<string, unknown> = { cells: def.printer.cells(obj, options.now) };
      if (options.include === 'Object') row.object = obj;
      else if (options.include === 'Metadata')
        row.object = { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
      return row;
    }),
  };
}

/** The Content-Type of a Table response. */
export function tableContentType(version: 'v1' | 'v1beta1'): string {
  return `application/json;as=Table;v=${version};g=meta.k8s.io`;
}
