/**
 * The ReplicaSet strategy (apps/v1), and the selector-and-template checks ReplicaSets share with
 * Deployments (Kubernetes' ValidateReplicaSetSpec and ValidatePodTemplateSpecForReplicaSet).
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import type { KubeObject } from '../api/types.js';
import { sameJson } from './json-equal.js';
import { isEmptyLabelSelector, labelSelectorMatches, validateLabelSelector } from './label-selector.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { dns1123Subdomain } from './names.js';
import { defaultPodSpec, validatePodTemplateSpec } from './pod-spec.js';
import type { KindStrategy } from './types.js';

type JsonMap = Record<string, unknown>;

/** The problems of a count that must not be negative (ValidateNonnegativeField). */
export function validateNonNegative(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (!Number.isInteger(value)) return [fieldError.typeInvalid(path, value, 'must be an integer')];
  return (value as number) < 0 ? [fieldError.invalid(path, value, 'must be greater than or equal to 0')] : [];
}

/**
 * The problems of a replicated workload's spec at `path`: replicas, minReadySeconds, a required
 * non-empty selector, and a pod template whose labels the selector matches and that restarts Always.
 */
export function validateReplicatedSpec(spec: JsonMap, path: string): FieldError[] {
  const errors: FieldError[] = [];
  errors.push(...validateNonNegative(spec['replicas'], `${path}.replicas`));
  errors.push(...validateNonNegative(spec['minReadySeconds'], `${path}.minReadySeconds`));
  const selector = spec['selector'];
  if (selector === undefined || selector === null) errors.push(fieldError.required(`${path}.selector`));
  else {
    errors.push(...validateLabelSelector(selector, `${path}.selector`));
    if (isObject(selector) && isEmptyLabelSelector(selector)) {
      errors.push(fieldError.invalid(`${path}.selector`, selector, 'empty selector is invalid for deployment'));
    }
  }
  // A missing selector selects nothing, so Kubernetes also reports the template's labels.
  const matches = isObject(selector) ? labelSelectorMatches(selector, templateLabels(spec)) : false;
  if (matches === undefined) {
    errors.push(fieldError.invalid(`${path}.selector`, selector, 'invalid label selector'));
    return errors;
  }
  errors.push(...validateTemplateForReplicas(spec['template'], `${path}.template`, matches));
  return errors;
}

function templateLabels(spec: JsonMap): unknown {
  const template = spec['template'];
  return isObject(template) && isObject(template['metadata']) ? template['metadata']['labels'] : undefined;
}

function validateTemplateForReplicas(template: unknown, path: string, matches: boolean): FieldError[] {
  if (!isObject(template)) return [fieldError.required(path)];
  const errors: FieldError[] = [];
  if (!matches) {
    const labels = templateLabels({ template }) ?? {};
    errors.push(fieldError.invalid(`${path}.metadata.labels`, labels, '`selector` does not match template `labels`'));
  }
  errors.push(...validatePodTemplateSpec(template, path));
  const spec = isObject(template['spec']) ? template['spec'] : {};
  if (spec['restartPolicy'] !== 'Always') {
    errors.push(fieldError.notSupported(`${path}.spec.restartPolicy`, spec['restartPolicy'] ?? '', ['Always']));
  }
  if (spec['activeDeadlineSeconds'] !== undefined && spec['activeDeadlineSeconds'] !== null) {
    errors.push(
      fieldError.forbidden(
        `${path}.spec.activeDeadlineSeconds`,
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  }
  return errors;
}

/** Fills a pod template's spec defaults in place (the template itself is created when missing). */
export function defaultPodTemplate(spec: JsonMap): void {
  if (!isObject(spec['template'])) return;
  const template = spec['template'];
  if (!isObject(template['spec'])) template['spec'] = {};
  defaultPodSpec(template['spec'] as JsonMap);
}

/** The problem of changing an immutable `spec.selector` (apps/v1). */
export function validateSelectorUnchanged(spec: unknown, old: unknown): FieldError[] {
  const now = isObject(spec) ? spec['selector'] : undefined;
  const before = isObject(old) ? old['selector'] : undefined;
  return sameJson(now, before) ? [] : [fieldError.invalid('spec.selector', now ?? null, 'field is immutable')];
}

/** ReplicaSets (apps/v1): defaults, validation on create and on update. */
export const replicaSetStrategy: KindStrategy = {
  defaults(obj: KubeObject): void {
    if (!isObject(obj['spec'])) obj['spec'] = {};
    const spec = obj['spec'] as JsonMap;
    spec['replicas'] ??= 1;
    defaultPodTemplate(spec);
  },

  validate(obj: KubeObject): FieldError[] {
    const spec = isObject(obj['spec']) ? obj['spec'] : {};
    return [
      ...validateObjectMeta(obj.metadata, { namespaced: true, name: dns1123Subdomain }),
      ...validateReplicatedSpec(spec, 'spec'),
    ];
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return [
      ...replicaSetStrategy.validate(obj),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateSelectorUnchanged(obj['spec'], old['spec']),
    ];
  },
};
