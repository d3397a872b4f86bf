/**
 * Validation of a metav1.LabelSelector object (Kubernetes' ValidateLabelSelector): matchLabels
 * keys and values, and matchExpressions with their operators and values.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import { labelSelectorFromObject, matchesLabels } from '../selectors/index.js';
import type { LabelSelectorObject } from '../selectors/index.js';
import { validateLabels } from './meta.js';
import { labelValue, qualifiedName } from './names.js';

/** The problems of the label selector object at `path` (e.g. `spec.selector`). */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (selector === undefined || selector === null) return [];
  if (!isObject(selector)) return [fieldError.typeInvalid(path, selector, 'must be an object')];
  const errors = validateLabels(selector['matchLabels'], `${path}.matchLabels`);
  const expressions = selector['matchExpressions'];
  if (expressions === undefined || expressions === null) return errors;
  if (!Array.isArray(expressions)) {
    errors.push(fieldError.typeInvalid(`${path}.matchExpressions`, expressions, 'must be a list'));
    return errors;
  }
  for (const [i, expression] of expressions.entries()) {
    errors.push(...validateRequirement(expression, `${path}.matchExpressions[${i}]`));
  }
  return errors;
}

function validateRequirement(requirement: unknown, path: string): FieldError[] {
  if (!isObject(requirement)) return [fieldError.typeInvalid(path, requirement, 'must be an object')];
  const errors: FieldError[] = [];
  const values = requirement['values'] ?? [];
  const count = Array.isArray(values) ? values.length : 0;
  const operator = requirement['operator'];
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (count === 0) {
        errors.push(fieldError.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (count > 0) {
        errors.push(
          fieldError.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      }
      break;
    default:
      errors.push(fieldError.invalid(`${path}.operator`, operator, 'not a valid selector operator'));
  }
  const key = requirement['key'];
  if (typeof key !== 'string' || key === '') errors.push(fieldError.required(`${path}.key`));
  else for (const e of qualifiedName(key)) errors.push(fieldError.invalid(`${path}.key`, key, e));
  if (!Array.isArray(values)) {
    errors.push(fieldError.typeInvalid(`${path}.values`, values, 'must be a list of strings'));
    return errors;
  }
  for (const [j, value] of values.entries()) {
    if (typeof value !== 'string')
      errors.push(fieldError.typeInvalid(`${path}.values[${j}]`, value, 'must be a string'));
    else for (const e of labelValue(value)) errors.push(fieldError.invalid(`${path}.values[${j}]`, value, e));
  }
  return errors;
}

/** Whether the selector object has no requirement at all (`{}`), which selects everything. */
export function isEmptyLabelSelector(selector: Record<string, unknown>): boolean {
  const labels = selector['matchLabels'];
  const expressions = selector['matchExpressions'];
  const noLabels = !isObject(labels) || Object.keys(labels).length === 0;
  const noExpressions = !Array.isArray(expressions) || expressions.length === 0;
  return noLabels && noExpressions;
}

/**
 * Whether a valid selector object matches `labels`; undefined when the selector cannot be
 * turned into requirements (its problems are reported by {@link validateLabelSelector}).
 */
export function labelSelectorMatches(selector: Record<string, unknown>, labels: unknown): boolean | undefined {
  try {
    const parsed = labelSelectorFromObject(selector as LabelSelectorObject);
    return matchesLabels(parsed, isObject(labels) ? (labels as Record<string, string>) : undefined);
  } catch {
    return undefined;
  }
}
