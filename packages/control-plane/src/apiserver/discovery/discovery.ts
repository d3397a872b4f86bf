/**
 * API discovery documents, built from the registry: legacy discovery (`/api`, `/apis`,
 * `/api/v1`, `/apis/<group>/<version>`) and aggregated discovery (apidiscovery.k8s.io v2 and
 * v2beta1, answered in the version the client asked for, recognised by its Content-Type).
 */
import type { ResourceDefinition, Subresource } from '../registry/definition.js';
import { groupVersion } from '../registry/definition.js';
import type { Registry } from '../registry/registry.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The verbs and response kind of a subresource. */
function subresourceInfo(
  def: ResourceDefinition,
  sub: Subresource,
): { verbs: string[]; group: string; version: string; kind: string } {
  switch (sub) {
    case 'status':
      return { verbs: ['get', 'patch', 'update'], group: def.group, version: def.version, kind: def.kind };
    case 'scale':
      return { verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1', kind: 'Scale' };
    case 'binding':
      return { verbs: ['create'], group: '', version: 'v1', kind: 'Binding' };
    case 'eviction':
      return { verbs: ['create'], group: 'policy', version: 'v1', kind: 'Eviction' };
    case 'log':
      return { verbs: ['get'], group: '', version: 'v1', kind: 'Pod' };
    case 'exec':
    case 'attach':
    case 'portforward':
      return { verbs: ['create', 'get'], group: '', version: 'v1', kind: 'PodExecOptions' };
    case 'token':
      return { verbs: ['create'], group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
    case 'proxy':
      return {
        verbs: ['create', 'delete', 'get', 'patch', 'update'],
        group: '',
        version: 'v1',
        kind: def.kind === 'Node' ? 'NodeProxyOptions' : 'ServiceProxyOptions',
      };
  }
}

/** `GET /api`. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** One group in `GET /apis`. */
function apiGroup(registry: Registry, group: string): object {
  const versions = registry
    .groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: groupVersion(gv), version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** The named groups (not the core group). */
function namedGroups(registry: Registry): string[] {
  return [...new Set(registry.groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
}

/** `GET /apis`. */
export function apiGroupList(registry: Registry): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups(registry).map((g) => apiGroup(registry, g)) };
}

/** `GET /apis/<group>`; undefined when the group is not served. */
export function apiGroupDoc(registry: Registry, group: string): object | undefined {
  if (!namedGroups(registry).includes(group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(registry, group) };
}

/** `GET /api/v1` or `/apis/<group>/<version>`; undefined when not served. */
export function apiResourceList(registry: Registry, group: string, version: string): object | undefined {
  const defs = registry.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const resources: object[] = [];
  for (const def of defs) {
    resources.push({
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.virtual ? ['create'] : VERBS,
      ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
      ...(def.categories.length > 0 ? { categories: def.categories } : {}),
    });
    for (const sub of def.subresources) {
      const info = subresourceInfo(def, sub);
      resources.push({
        name: `${def.plural}/${sub}`,
        singularName: '',
        namespaced: def.namespaced,
        ...(info.group !== def.group || info.version !== def.version
          ? { group: info.group, version: info.version }
          : {}),
        kind: info.kind,
        verbs: info.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

/** The aggregated discovery version a client's Accept header asks for, if any. */
export function aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const clause of (accept ?? '').split(',')) {
    const params = clause.split(';').map((s) => s.trim());
    if (params[0] !== 'application/json') continue;
    const p = Object.fromEntries(params.slice(1).map((x) => x.split('=') as [string, string]));
    if (p.g === 'apidiscovery.k8s.io' && p.as === 'APIGroupDiscoveryList' && (p.v === 'v2' || p.v === 'v2beta1'))
      return p.v;
  }
  return undefined;
}

/** The Content-Type of an aggregated discovery answer. */
export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** Aggregated discovery: `/api` (the core group) or `/apis` (the named groups). */
export function aggregatedDiscovery(registry: Registry, version: 'v2' | 'v2beta1', core: boolean): object {
  const groups = core ? [''] : namedGroups(registry);
  const items = groups.map((group) => ({
    metadata: group === '' ? {} : { name: group },
    versions: registry
      .groupVersions()
      .filter((gv) => gv.group === group)
      .map((gv) => ({
        version: gv.version,
        freshness: 'Current',
        resources: registry.inGroupVersion(gv.group, gv.version).map((def) => ({
          resource: def.plural,
          responseKind: { group: def.group, version: def.version, kind: def.kind },
          scope: def.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: def.singular,
          verbs: def.virtual ? ['create'] : VERBS,
          ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
          ...(def.categories.length > 0 ? { categories: def.categories } : {}),
          ...(def.subresources.length > 0
            ? {
                subresources: def.subresources.map((sub) => {
                  const info = subresourceInfo(def, sub);
                  return {
                    subresource: sub,
                    responseKind: { group: info.group, version: info.version, kind: info.kind },
                    verbs: info.verbs,
                  };
                }),
              }
            : {}),
        })),
      })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
