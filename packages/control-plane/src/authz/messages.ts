/**
 * Kubernetes' 403 wording (apiserver's responsewriters.Forbidden and apierrors.NewForbidden),
 * so kubectl prints the familiar line:
 * `pods "x" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default"`.
 */
import { ApiError } from '../apiserver/api/errors.js';
import type { RequestAttributes } from './attributes.js';

/** The characters the API server escapes in a forbidden message (HTML-safe output). */
function sanitize(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A resource and its group as Kubernetes prints them: `pods`, `deployments.apps`. */
export function qualifiedResource(resource: string, group: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

/**
 * Why a request was refused, without the object prefix: `User "alice" cannot delete resource
 * "pods" in API group "" in the namespace "default"` (or `at the cluster scope`, or
 * `cannot get path "/metrics"`).
 */
export function forbiddenReasonText(attrs: RequestAttributes): string {
  const user = JSON.stringify(attrs.user.name);
  if (!attrs.resourceRequest) {
    return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  }
  const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const head = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return attrs.namespace === ''
    ? `${head} at the cluster scope`
    : `${head} in the namespace ${JSON.stringify(attrs.namespace)}`;
}

/**
 * A 403 for an object (apierrors.NewForbidden): `<resource>[.<group>] ["<name>"] is forbidden: <why>`,
 * or `forbidden: <why>` when there is no resource.
 */
export function forbiddenError(target: { resource: string; group: string; name: string }, why: string): ApiError {
  let message: string;
  if (target.resource === '' && target.group === '') message = `forbidden: ${why}`;
  else if (target.name === '') message = `${qualifiedResource(target.resource, target.group)} is forbidden: ${why}`;
  else
    message = `${qualifiedResource(target.resource, target.group)} ${JSON.stringify(target.name)} is forbidden: ${why}`;
  return new ApiError('Forbidden', message, { name: target.name, group: target.group, kind: target.resource });
}

/** The 403 the API server answers a request the authorizers refused; `reason` (if any) follows a colon. */
export function forbiddenForRequest(attrs: RequestAttributes, reason = ''): ApiError {
  const text = sanitize(forbiddenReasonText(attrs));
  const why = reason === '' ? text : `${text}: ${reason}`;
  const target = attrs.resourceRequest
    ? { resource: attrs.resource, group: attrs.apiGroup, name: attrs.name }
    : { resource: '', group: '', name: '' };
  return forbiddenError(target, why);
}
