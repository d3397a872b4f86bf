/**
 * Schema tables of k8s.io/api authorization/v1 messages: the access reviews `kubectl auth can-i`
 * (1.32+) sends as protobuf. `spec.extra` (a map of string lists) is skipped.
 */
import type { MessageTable } from './schema.js';
import { bool, list, msg, str } from './schema.js';

/** authorization.k8s.io/v1 messages by name. */
export const AUTHORIZATION_MESSAGES: MessageTable = {
  SelfSubjectAccessReview: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'SelfSubjectAccessReviewSpec'),
    3: msg('status', 'SubjectAccessReviewStatus'),
  },
  SelfSubjectAccessReviewSpec: {
    1: msg('resourceAttributes', 'ResourceAttributes'),
    2: msg('nonResourceAttributes', 'NonResourceAttributes'),
  },
  SubjectAccessReview: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'SubjectAccessReviewSpec'),
    3: msg('status', 'SubjectAccessReviewStatus'),
  },
  LocalSubjectAccessReview: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'SubjectAccessReviewSpec'),
    3: msg('status', 'SubjectAccessReviewStatus'),
  },
  SubjectAccessReviewSpec: {
    1: msg('resourceAttributes', 'ResourceAttributes'),
    2: msg('nonResourceAttributes', 'NonResourceAttributes'),
    3: str('user'),
    4: list(str('groups')),
    6: str('uid'),
  },
  ResourceAttributes: {
    1: str('namespace'),
    2: str('verb'),
    3: str('group'),
    4: str('version'),
    5: str('resource'),
    6: str('subresource'),
    7: str('name'),
  },
  NonResourceAttributes: { 1: str('path'), 2: str('verb') },
  SubjectAccessReviewStatus: { 1: bool('allowed'), 2: str('reason'), 3: str('evaluationError'), 4: bool('denied') },
};
