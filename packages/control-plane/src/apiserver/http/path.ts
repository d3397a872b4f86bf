/**
 * Request paths of the Kubernetes API, parsed into what they address (Kubernetes'
 * RequestInfoFactory): `/api/v1/namespaces/default/pods/web/status` is the `status` subresource
 * of pod `web` in `default`.
 */

/** A resource request's target. */
export interface ResourceTarget {
  readonly group: string;
  readonly version: string;
  /** The namespace the path names (undefined: all namespaces, or a cluster-scoped resource). */
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource: string;
}

/** What a path addresses: an API resource, or one of the server's other endpoints. */
export type PathTarget =
  | { readonly type: 'resource'; readonly target: ResourceTarget }
  | { readonly type: 'groupVersion'; readonly group: string; readonly version: string }
  | { readonly type: 'group'; readonly group: string }
  | { readonly type: 'api' }
  | { readonly type: 'apis' }
  | { readonly type: 'other'; readonly path: string };

/** Parses a request path (without the query). */
export function parsePath(path: string): PathTarget {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'api' };
    const version = parts[1] as string;
    if (parts.length === 2) return { type: 'groupVersion', group: '', version };
    const target = resourcePath('', version, parts.slice(2));
    return target === undefined ? { type: 'other', path } : { type: 'resource', target };
  }
  if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'apis' };
    const group = parts[1] as string;
    if (parts.length === 2) return { type: 'group', group };
    const version = parts[2] as string;
    if (parts.length === 3) return { type: 'groupVersion', group, version };
    const target = resourcePath(group, version, parts.slice(3));
    return target === undefined ? { type: 'other', path } : { type: 'resource', target };
  }
  return { type: 'other', path };
}

/**
 * The rest of a resource path: `[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]`.
 * `namespaces/<name>[/<subresource>]` addresses the Namespace itself when what follows the
 * name is not a resource: `status` and `finalize` are namespace subresources.
 */
function resourcePath(group: string, version: string, rest: string[]): ResourceTarget | undefined {
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    group === '' &&
    (rest[2] === 'status' || rest[2] === 'finalize') &&
    rest.length === 3
  ) {
    return { group, version, resource: 'namespaces', name: rest[1] as string, subresource: rest[2] as string };
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, resource, name, subresource, ...extra] = rest as [
      string,
      string,
      string,
      string?,
      string?,
      ...string[],
    ];
    if (extra.length > 0) return undefined;
    return {
      group,
      version,
      namespace,
      resource,
      ...(name === undefined ? {} : { name }),
      subresource: subresource ?? '',
    };
  }
  const [resource, name, subresource, ...extra] = rest as [string, string?, string?, ...string[]];
  if (extra.length > 0) return undefined;
  return { group, version, resource, ...(name === undefined ? {} : { name }), subresource: subresource ?? '' };
}
