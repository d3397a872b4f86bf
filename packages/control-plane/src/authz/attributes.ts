/**
 * The attributes of a request that authorization decides on (Kubernetes'
 * authorizer.Attributes, built like its RequestInfoFactory): who, which verb, and either a
 * resource (group, resource, subresource, namespace, name) or a non-resource path.
 */
import { parsePath } from '../apiserver/http/path.js';
import type { PathTarget } from '../apiserver/http/path.js';
import type { UserInfo } from '../auth/user.js';

/** What a request asks to do, and who asks. */
export interface RequestAttributes {
  readonly user: UserInfo;
  /** `get list watch create update patch delete deletecollection` (resources) or the lower-case HTTP method (paths). */
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  /** Empty for cluster-scoped requests and for lists across all namespaces. */
  readonly namespace: string;
  /** Empty for collections (a list or watch with `fieldSelector=metadata.name=x` names x). */
  readonly name: string;
  readonly resourceRequest: boolean;
  /** The request path without the query. */
  readonly path: string;
}

/** The parts of an HTTP request that {@link attributesFor} reads. */
export interface AttributesRequest {
  readonly user: UserInfo;
  /** HTTP method (any case). */
  readonly method: string;
  /** The request path without the query. */
  readonly path: string;
  /** The parsed path, if the caller already has it; parsed from `path` otherwise. */
  readonly target?: PathTarget;
  readonly query?: URLSearchParams;
}

const METHOD_VERBS: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The `metadata.name=x` (or `==`) term of a field selector, if it has exactly one. */
function nameFromFieldSelector(selector: string | null): string {
  if (selector === null || selector === '') return '';
  const names = selector
    .split(',')
    .map((term) => /^metadata\.name==?(.*)$/.exec(term.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => m[1] ?? '');
  return names.length === 1 ? (names[0] ?? '') : '';
}

/**
 * The attributes of an HTTP request. Resource verbs follow Kubernetes: GET on an object is
 * `get`, on a collection `list`, with `watch=true` `watch`; POST `create`, PUT `update`, PATCH
 * `patch`, DELETE on an object `delete`, on a collection `deletecollection`. A request for a
 * Namespace is in that namespace. Anything else is a non-resource request whose verb is the
 * lower-case method.
 */
export function attributesFor(req: AttributesRequest): RequestAttributes {
  const target = req.target ?? parsePath(req.path);
  const method = req.method.toUpperCase();
  const base = {
    user: req.user,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path: req.path,
  };
  const verb = METHOD_VERBS[method];
  if (target.type !== 'resource' || verb === undefined) {
    return { ...base, verb: method.toLowerCase(), resourceRequest: false };
  }
  const t = target.target;
  let name = t.name ?? '';
  let resolved = verb;
  const watch = req.query?.get('watch');
  if (verb === 'get' && name === '') resolved = 'list';
  if ((resolved === 'get' || resolved === 'list') && (watch === 'true' || watch === '1')) resolved = 'watch';
  if (verb === 'delete' && name === '') resolved = 'deletecollection';
  if ((resolved === 'list' || resolved === 'watch') && name === '') {
    name = nameFromFieldSelector(req.query?.get('fieldSelector') ?? null);
  }
  const namespace = t.resource === 'namespaces' && t.group === '' && name !== '' ? name : (t.namespace ?? '');
  return {
    ...base,
    verb: resolved,
    apiGroup: t.group,
    apiVersion: t.version,
    resource: t.resource,
    subresource: t.subresource,
    namespace,
    name,
    resourceRequest: true,
  };
}
