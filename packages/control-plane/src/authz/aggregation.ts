/**
 * Aggregated ClusterRoles: a ClusterRole with an aggregationRule has the union of the rules
 * of every ClusterRole its clusterRoleSelectors match. Kubernetes' aggregation controller
 * writes that union into the role; here it is computed when read, transitively (`admin`
 * selects `edit`, which selects `view`), so it is right the moment a labelled role appears.
 */
import { labelSelectorFromObject, matchesLabels } from '../apiserver/selectors/index.js';
import type { LabelSelector } from '../apiserver/selectors/index.js';
import type { ClusterRole, PolicyRule } from './types.js';

function selectorsOf(role: ClusterRole): LabelSelector[] {
  const selectors: LabelSelector[] = [];
  for (const raw of role.aggregationRule?.clusterRoleSelectors ?? []) {
    try {
      selectors.push(labelSelectorFromObject(raw));
    } catch {
      // An invalid selector (rejected by validation anyway) selects nothing.
    }
  }
  return selectors;
}

function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The rules `role` grants: its own rules, or for an aggregated role the de-duplicated union
 * of the effective rules of the other ClusterRoles in `all` its selectors match (cycles are
 * cut: a role is visited once).
 */
export function effectiveClusterRoleRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  return collect(role, all, new Set<string>());
}

function collect(role: ClusterRole, all: readonly ClusterRole[], visiting: Set<string>): PolicyRule[] {
  if (role.aggregationRule === undefined || role.aggregationRule === null) return [...(role.rules ?? [])];
  const name = role.metadata.name ?? '';
  visiting.add(name);
  const selectors = selectorsOf(role);
  const rules: PolicyRule[] = [];
  const sorted = [...all].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const other of sorted) {
    const otherName = other.metadata.name ?? '';
    if (visiting.has(otherName)) continue;
    if (!selectors.some((s) => matchesLabels(s, other.metadata.labels))) continue;
    for (const rule of collect(other, all, visiting)) {
      if (!rules.some((r) => sameRule(r, rule))) rules.push(rule);
    }
  }
  visiting.delete(name);
  return rules;
}
