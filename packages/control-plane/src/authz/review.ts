/**
 * Access reviews (authorization.k8s.io/v1): SubjectAccessReview ("may this user do this?"),
 * LocalSubjectAccessReview (the same, within a namespace) and SelfSubjectAccessReview
 * ("may I?", what `kubectl auth can-i` sends). The request's spec is evaluated by the
 * authorizer chain and returned with its status.
 */
import { ApiError, fieldError } from '../apiserver/api/errors.js';
import type { FieldError } from '../apiserver/api/errors.js';
import { isObject } from '../apiserver/api/types.js';
import type { KubeObject } from '../apiserver/api/types.js';
import type { UserInfo } from '../auth/user.js';
import type { RequestAttributes } from './attributes.js';
import type { Authorizer } from './types.js';

/** The API group of access reviews. */
export const AUTHORIZATION_API_GROUP = 'authorization.k8s.io';

/** SubjectAccessReviewStatus. */
export interface AccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** An access review as returned: the request with `status` set. */
export interface AccessReview extends KubeObject {
  spec: Record<string, unknown>;
  status: AccessReviewStatus;
}

type ReviewKind = 'SubjectAccessReview' | 'LocalSubjectAccessReview' | 'SelfSubjectAccessReview';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function extraOf(value: unknown): Record<string, string[]> | undefined {
  if (!isObject(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strings(v)]));
}

function specOf(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw ApiError.badRequest('the request body must be a JSON object');
  return isObject(body.spec) ? body.spec : {};
}

function attributeErrors(spec: Record<string, unknown>): FieldError[] {
  const hasResource = isObject(spec.resourceAttributes);
  const hasNonResource = isObject(spec.nonResourceAttributes);
  if (hasResource && hasNonResource) {
    return [
      fieldError.invalid(
        'spec.nonResourceAttributes',
        spec.nonResourceAttributes,
        'cannot be specified in combination with resourceAttributes',
      ),
    ];
  }
  if (!hasResource && !hasNonResource) {
    return [
      fieldError.invalid(
        'spec.resourceAttributes',
        null,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    ];
  }
  return [];
}

function attributesOf(spec: Record<string, unknown>, user: UserInfo): RequestAttributes {
  if (isObject(spec.resourceAttributes)) {
    const r = spec.resourceAttributes;
    return {
      user,
      verb: text(r.verb),
      apiGroup: text(r.group),
      apiVersion: text(r.version),
      resource: text(r.resource),
      subresource: text(r.subresource),
      namespace: text(r.namespace),
      name: text(r.name),
      resourceRequest: true,
      path: '',
    };
  }
  const n = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return {
    user,
    verb: text(n.verb),
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    resourceRequest: false,
    path: text(n.path),
  };
}

function respond(
  kind: ReviewKind,
  body: unknown,
  spec: Record<string, unknown>,
  attrs: RequestAttributes,
  authorizer: Authorizer,
): AccessReview {
  const result = authorizer.authorize(attrs);
  const status: AccessReviewStatus = { allowed: result.allowed };
  if (result.denied === true) status.denied = true;
  if (result.reason !== '') status.reason = result.reason;
  const metadata = isObject(body) && isObject(body.metadata) ? { ...body.metadata } : {};
  return {
    kind,
    apiVersion: `${AUTHORIZATION_API_GROUP}/v1`,
    metadata: { ...metadata, creationTimestamp: null },
    spec,
    status,
  };
}

function invalid(kind: ReviewKind, errors: FieldError[]): ApiError {
  return ApiError.invalid({ group: AUTHORIZATION_API_GROUP, kind }, '', errors);
}

function subjectUser(spec: Record<string, unknown>): UserInfo {
  const uid = text(spec.uid);
  const extra = extraOf(spec.extra);
  return {
    name: text(spec.user),
    groups: strings(spec.groups),
    ...(uid === '' ? {} : { uid }),
    ...(extra === undefined ? {} : { extra }),
  };
}

/** Evaluates a SubjectAccessReview for the user or groups its spec names. Throws a 400/422 ApiError on bad input. */
export function evaluateSubjectAccessReview(body: unknown, authorizer: Authorizer): AccessReview {
  const spec = specOf(body);
  const errors = attributeErrors(spec);
  const user = subjectUser(spec);
  if (user.name === '' && user.groups.length === 0) {
    errors.push(fieldError.invalid('spec.user', '', 'at least one of user or group must be specified'));
  }
  if (errors.length > 0) throw invalid('SubjectAccessReview', errors);
  return respond('SubjectAccessReview', body, spec, attributesOf(spec, user), authorizer);
}

/**
 * Evaluates a LocalSubjectAccessReview posted to `namespace`: like a SubjectAccessReview, for
 * resource attributes in that namespace only.
 */
export function evaluateLocalSubjectAccessReview(
  body: unknown,
  namespace: string,
  authorizer: Authorizer,
): AccessReview {
  const spec = specOf(body);
  const errors = attributeErrors(spec);
  const user = subjectUser(spec);
  if (user.name === '' && user.groups.length === 0) {
    errors.push(fieldError.invalid('spec.user', '', 'at least one of user or group must be specified'));
  }
  if (errors.length > 0) throw invalid('LocalSubjectAccessReview', errors);
  if (!isObject(spec.resourceAttributes) || text(spec.resourceAttributes.namespace) !== namespace) {
    throw ApiError.badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
  }
  return respond('LocalSubjectAccessReview', body, spec, attributesOf(spec, user), authorizer);
}

/** Evaluates a SelfSubjectAccessReview for `user`, the requester (`kubectl auth can-i`). */
export function evaluateSelfSubjectAccessReview(body: unknown, user: UserInfo, authorizer: Authorizer): AccessReview {
  const spec = specOf(body);
  const errors = attributeErrors(spec);
  if (errors.length > 0) throw invalid('SelfSubjectAccessReview', errors);
  return respond('SelfSubjectAccessReview', body, spec, attributesOf(spec, user), authorizer);
}
