/**
 * OpenAPI v3 documents, one per group-version, as kubectl needs them for `apply`, `create -f`,
 * `replace -f` and `edit`: each resource's paths with their operations, the
 * `x-kubernetes-group-version-kind` of each, and the query parameters the server honours
 * (kubectl leaves validation to the server when PATCH lists `fieldValidation`).
 */
import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../registry/definition.js';
import { groupVersion } from '../registry/definition.js';
import type { Registry } from '../registry/registry.js';

/** The URL path segment of a group-version: `api/v1`, `apis/apps/v1`. */
export function gvPath(gv: { group: string; version: string }): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
const pathParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

function operations(def: ResourceDefinition, item: boolean): Record<string, unknown> {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const op = (action: string, params: string[]) => ({
    operationId: `${action}${def.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    parameters: params.map(query),
    responses: { '200': { description: 'OK' } },
  });
  if (item) {
    return {
      get: op('get', []),
      put: op('put', ['dryRun', 'fieldManager', 'fieldValidation']),
      patch: op('patch', ['dryRun', 'fieldManager', 'fieldValidation', 'force']),
      delete: op('delete', ['dryRun', 'gracePeriodSeconds', 'propagationPolicy']),
      parameters: [pathParam('name'), ...(def.namespaced ? [pathParam('namespace')] : [])],
    };
  }
  return {
    get: op('list', ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'watch']),
    post: op('post', ['dryRun', 'fieldManager', 'fieldValidation']),
    delete: op('deletecollection', ['labelSelector', 'fieldSelector', 'dryRun']),
    ...(def.namespaced ? { parameters: [pathParam('namespace')] } : {}),
  };
}

/** The OpenAPI v3 document of one group-version; undefined when it is not served. */
export function openApiV3Document(registry: Registry, group: string, version: string): object | undefined {
  // Access reviews (virtual, create-only) are left out: no client validates them.
  const defs = registry.inGroupVersion(group, version).filter((d) => !d.virtual);
  if (defs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const def of defs) {
    const base = `/${gvPath(def)}/${def.namespaced ? 'namespaces/{namespace}/' : ''}${def.plural}`;
    paths[base] = operations(def, false);
    paths[`${base}/{name}`] = operations(def, true);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Bosun', version: groupVersion({ group, version }) },
    paths,
    components: { schemas: {} },
  };
}

/** `GET /openapi/v3`: every group-version's document URL, with a content hash as cache-buster. */
export function openApiV3Root(registry: Registry): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of registry.groupVersions()) {
    const document = openApiV3Document(registry, gv.group, gv.version);
    if (document === undefined) continue;
    const doc = JSON.stringify(document);
    const hash = createHash('sha512').update(doc).digest('hex').slice(0, 32).toUpperCase();
    paths[gvPath(gv)] = { serverRelativeURL: `/openapi/v3/${gvPath(gv)}?hash=${hash}` };
  }
  return { paths };
}
