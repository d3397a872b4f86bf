/** Schema tables of k8s.io/api rbac/v1 messages: Role, ClusterRole and their bindings. */
import type { MessageTable } from './schema.js';
import { always, list, msg, str } from './schema.js';

/** rbac.authorization.k8s.io/v1 messages by name. */
export const RBAC_MESSAGES: MessageTable = {
  Role: { 1: msg('metadata', 'ObjectMeta'), 2: always(list(msg('rules', 'PolicyRule'))) },
  ClusterRole: {
    1: msg('metadata', 'ObjectMeta'),
    2: always(list(msg('rules', 'PolicyRule'))),
    3: msg('aggregationRule', 'AggregationRule'),
  },
  AggregationRule: { 1: list(msg('clusterRoleSelectors', 'LabelSelector')) },
  PolicyRule: {
    1: always(list(str('verbs'))),
    2: list(str('apiGroups')),
    3: list(str('resources')),
    4: list(str('resourceNames')),
    5: list(str('nonResourceURLs')),
  },
  RoleBinding: {
    1: msg('metadata', 'ObjectMeta'),
    2: list(msg('subjects', 'Subject')),
    3: msg('roleRef', 'RoleRef'),
  },
  ClusterRoleBinding: {
    1: msg('metadata', 'ObjectMeta'),
    2: list(msg('subjects', 'Subject')),
    3: msg('roleRef', 'RoleRef'),
  },
  Subject: { 1: always(str('kind')), 2: str('apiGroup'), 3: always(str('name')), 4: str('namespace') },
  RoleRef: { 1: always(str('apiGroup')), 2: always(str('kind')), 3: always(str('name')) },
};
