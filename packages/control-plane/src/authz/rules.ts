/**
 * Whether one RBAC rule allows a request (Kubernetes' rbac.RuleAllows): verbs, API groups,
 * resources with subresources (`pods/log`, `*`, `*\/scale`), resource names, and non-resource
 * URLs with a trailing `*` prefix match.
 */
import type { RequestAttributes } from './attributes.js';
import type { PolicyRule } from './types.js';

/** The wildcard of verbs, API groups, resources and non-resource URLs. */
export const ALL = '*';

/** Whether `rule` lists `verb` (or `*`). */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

/** Whether `rule` lists `group` (or `*`). */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/**
 * Whether `rule` covers `resource` with `subresource`: `*`, the exact `resource/subresource`,
 * or `*\/subresource` for any resource's subresource.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  return (rule.resources ?? []).some(
    (r) => r === ALL || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

/** Whether `rule` names `name` (a rule without resourceNames matches every name, including none). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** Whether a rule's non-resource URL pattern covers `path`: `*`, exact, or `prefix*`. */
export function nonResourceURLMatches(pattern: string, path: string): boolean {
  if (pattern === ALL || pattern === path) return true;
  return pattern.endsWith('*') && path.startsWith(pattern.replace(/\*+$/, ''));
}

/** Whether `rule` allows the request `attrs`. */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (attrs.resourceRequest) {
    return (
      apiGroupMatches(rule, attrs.apiGroup) &&
      resourceMatches(rule, attrs.resource, attrs.subresource) &&
      resourceNameMatches(rule, attrs.name)
    );
  }
  return (rule.nonResourceURLs ?? []).some((pattern) => nonResourceURLMatches(pattern, attrs.path));
}

/** Whether any of `rules` allows the request `attrs`. */
export function rulesAllow(attrs: RequestAttributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((rule) => ruleAllows(attrs, rule));
}
