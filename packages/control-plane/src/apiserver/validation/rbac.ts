/**
 * The RBAC strategies (rbac.authorization.k8s.io/v1 defaults and validation): Role and
 * ClusterRole rules, RoleBinding and ClusterRoleBinding role references and subjects.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { sameJson } from './json-equal.js';
import { kindStrategy, list, record, text } from './kind-helpers.js';
import { dns1123Subdomain } from './names.js';
import type { KindStrategy } from './types.js';

/** The API group of RBAC objects. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The problems of an RBAC name: any path segment (`system:controller:x` is fine), not `.`, `..`, `/` or `%`. */
export function rbacName(name: string): string[] {
  if (name === '.') return ["may not be '.'"];
  if (name === '..') return ["may not be '..'"];
  const errors: string[] = [];
  if (name.includes('/')) errors.push("may not contain '/'");
  if (name.includes('%')) errors.push("may not contain '%'");
  return errors;
}

function validateRule(raw: unknown, path: string, namespaced: boolean): FieldError[] {
  const rule = record(raw);
  const errors: FieldError[] = [];
  if (list(rule.verbs).length === 0)
    errors.push(fieldError.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = list(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) {
      errors.push(
        fieldError.invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'),
      );
    }
    if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0) {
      errors.push(
        fieldError.invalid(
          `${path}.nonResourceURLs`,
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    }
    return errors;
  }
  if (list(rule.apiGroups).length === 0) {
    errors.push(fieldError.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  }
  if (list(rule.resources).length === 0) {
    errors.push(fieldError.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  }
  return errors;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  return list(obj.rules).flatMap((rule, i) => validateRule(rule, `rules[${i}]`, namespaced));
}

function validateAggregation(obj: KubeObject): FieldError[] {
  if (!isObject(obj.aggregationRule)) return [];
  const selectors = list(obj.aggregationRule.clusterRoleSelectors);
  if (selectors.length === 0) {
    return [
      fieldError.required(
        'aggregationRule.clusterRoleSelectors',
        'at least one clusterRoleSelector required if aggregationRule is non-nil',
      ),
    ];
  }
  return [];
}

/** Binding defaults: roleRef.apiGroup and User/Group subjects' apiGroup are the RBAC group. */
function bindingDefaults(obj: KubeObject): void {
  if (isObject(obj.roleRef) && text(obj.roleRef.apiGroup) === '') obj.roleRef.apiGroup = RBAC_GROUP;
  for (const subject of list(obj.subjects)) {
    if (!isObject(subject) || text(subject.apiGroup) !== '') continue;
    // A ServiceAccount's group is the core group, left empty.
    if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}

function validateSubject(raw: unknown, path: string, namespaced: boolean): FieldError[] {
  const subject = record(raw);
  const errors: FieldError[] = [];
  const name = text(subject.name);
  if (name === '') errors.push(fieldError.required(`${path}.name`));
  const apiGroup = text(subject.apiGroup);
  switch (subject.kind) {
    case 'ServiceAccount': {
      if (name !== '') for (const e of dns1123Subdomain(name)) errors.push(fieldError.invalid(`${path}.name`, name, e));
      if (apiGroup !== '') errors.push(fieldError.notSupported(`${path}.apiGroup`, apiGroup, ['']));
      // In a RoleBinding an empty namespace means the binding's own.
      if (!namespaced && text(subject.namespace) === '') errors.push(fieldError.required(`${path}.namespace`));
      break;
    }
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errors.push(fieldError.notSupported(`${path}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errors.push(fieldError.notSupported(`${path}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errors;
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const roleRef = record(obj.roleRef);
  if (roleRef.apiGroup !== RBAC_GROUP) {
    errors.push(fieldError.notSupported('roleRef.apiGroup', roleRef.apiGroup ?? '', [RBAC_GROUP]));
  }
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(text(roleRef.kind)))
    errors.push(fieldError.notSupported('roleRef.kind', roleRef.kind ?? '', kinds));
  const name = text(roleRef.name);
  if (name === '') errors.push(fieldError.required('roleRef.name'));
  else for (const e of rbacName(name)) errors.push(fieldError.invalid('roleRef.name', name, e));
  for (const [i, subject] of list(obj.subjects).entries()) {
    errors.push(...validateSubject(subject, `subjects[${i}]`, namespaced));
  }
  return errors;
}

/** A binding's roleRef never changes: delete and recreate the binding instead. */
function validateBindingChange(obj: KubeObject, old: KubeObject): FieldError[] {
  if (sameJson(obj.roleRef, old.roleRef)) return [];
  return [fieldError.invalid('roleRef', obj.roleRef ?? {}, 'cannot change roleRef')];
}

/** The Role strategy: namespaced; rules need verbs, api groups and resources. */
export const roleStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: rbacName,
  validate: (obj) => validateRules(obj, true),
});

/** The ClusterRole strategy: cluster-scoped; rules may name non-resource URLs instead of resources. */
export const clusterRoleStrategy: KindStrategy = kindStrategy({
  namespaced: false,
  name: rbacName,
  validate: (obj) => [...validateRules(obj, false), ...validateAggregation(obj)],
});

/** The RoleBinding strategy: namespaced; binds a Role or ClusterRole; roleRef is immutable. */
export const roleBindingStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: rbacName,
  defaults: bindingDefaults,
  validate: (obj) => validateBinding(obj, true),
  validateChange: validateBindingChange,
});

/** The ClusterRoleBinding strategy: cluster-scoped; binds a ClusterRole; subjects' namespaces required for service accounts. */
export const clusterRoleBindingStrategy: KindStrategy = kindStrategy({
  namespaced: false,
  name: rbacName,
  defaults: bindingDefaults,
  validate: (obj) => validateBinding(obj, false),
  validateChange: validateBindingChange,
});
