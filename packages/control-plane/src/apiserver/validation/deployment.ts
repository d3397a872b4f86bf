/**
 * The Deployment strategy (apps/v1): Kubernetes' SetDefaults_Deployment and
 * ValidateDeploymentSpec, with an immutable selector on update.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import { isObject } from '../api/types.js';
import type { KubeObject } from '../api/types.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { dns1123Subdomain } from './names.js';
import {
  defaultPodTemplate,
  validateNonNegative,
  validateReplicatedSpec,
  validateSelectorUnchanged,
} from './replicaset.js';
import type { KindStrategy } from './types.js';

type JsonMap = Record<string, unknown>;

const STRATEGY_TYPES = ['Recreate', 'RollingUpdate'] as const;
const PERCENT = /^[0-9]+%$/;

/** Deployments (apps/v1): defaults, validation on create and on update. */
export const deploymentStrategy: KindStrategy = {
  defaults(obj: KubeObject): void {
    if (!isObject(obj['spec'])) obj['spec'] = {};
    const spec = obj['spec'] as JsonMap;
    spec['replicas'] ??= 1;
    if (!isObject(spec['strategy'])) spec['strategy'] = {};
    const strategy = spec['strategy'] as JsonMap;
    if ((strategy['type'] ?? '') === '') strategy['type'] = 'RollingUpdate';
    if (strategy['type'] === 'RollingUpdate') {
      if (!isObject(strategy['rollingUpdate'])) strategy['rollingUpdate'] = {};
      const rollingUpdate = strategy['rollingUpdate'] as JsonMap;
      rollingUpdate['maxUnavailable'] ??= '25%';
      rollingUpdate['maxSurge'] ??= '25%';
    }
    spec['revisionHistoryLimit'] ??= 10;
    spec['progressDeadlineSeconds'] ??= 600;
    defaultPodTemplate(spec);
  },

  validate(obj: KubeObject): FieldError[] {
    const spec = isObject(obj['spec']) ? obj['spec'] : {};
    return [
      ...validateObjectMeta(obj.metadata, { namespaced: true, name: dns1123Subdomain }),
      ...validateDeploymentSpec(spec, 'spec'),
    ];
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return [
      ...deploymentStrategy.validate(obj),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateSelectorUnchanged(obj['spec'], old['spec']),
    ];
  },
};

/** The problems of a DeploymentSpec at `path`. */
export function validateDeploymentSpec(spec: JsonMap, path: string): FieldError[] {
  const errors = validateReplicatedSpec(spec, path);
  errors.push(...validateStrategy(spec['strategy'], `${path}.strategy`));
  errors.push(...validateNonNegative(spec['revisionHistoryLimit'], `${path}.revisionHistoryLimit`));
  const deadline = spec['progressDeadlineSeconds'];
  if (deadline !== undefined && deadline !== null) {
    const problems = validateNonNegative(deadline, `${path}.progressDeadlineSeconds`);
    errors.push(...problems);
    const minReady = typeof spec['minReadySeconds'] === 'number' ? spec['minReadySeconds'] : 0;
    if (problems.length === 0 && (deadline as number) <= minReady) {
      errors.push(
        fieldError.invalid(`${path}.progressDeadlineSeconds`, deadline, 'must be greater than minReadySeconds'),
      );
    }
  }
  return errors;
}

function validateStrategy(strategy: unknown, path: string): FieldError[] {
  if (!isObject(strategy)) return [fieldError.required(`${path}.type`)];
  const rollingUpdate = strategy['rollingUpdate'];
  switch (strategy['type']) {
    case 'Recreate':
      if (rollingUpdate === undefined || rollingUpdate === null) return [];
      return [fieldError.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")];
    case 'RollingUpdate':
      if (!isObject(rollingUpdate)) {
        return [fieldError.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      }
      return validateRollingUpdate(rollingUpdate, `${path}.rollingUpdate`);
    default:
      return [fieldError.notSupported(`${path}.type`, strategy['type'] ?? '', STRATEGY_TYPES)];
  }
}

function validateRollingUpdate(rollingUpdate: JsonMap, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const maxUnavailable = rollingUpdate['maxUnavailable'];
  const maxSurge = rollingUpdate['maxSurge'];
  errors.push(...validateIntOrPercent(maxUnavailable, `${path}.maxUnavailable`));
  errors.push(...validateIntOrPercent(maxSurge, `${path}.maxSurge`));
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    errors.push(fieldError.invalid(`${path}.maxUnavailable`, maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  const percent = intOrPercentValue(maxUnavailable);
  if (typeof maxUnavailable === 'string' && percent !== undefined && percent > 100) {
    errors.push(fieldError.invalid(`${path}.maxUnavailable`, maxUnavailable, 'must not be greater than 100%'));
  }
  return errors;
}

/** The problems of an int-or-percent field: a non-negative integer or a string like `25%`. */
function validateIntOrPercent(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    if (PERCENT.test(value)) return [];
    return [
      fieldError.invalid(
        path,
        value,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  }
  return validateNonNegative(value, path);
}

/** The number an int-or-percent holds (a percentage without its '%'); undefined when malformed or absent. */
function intOrPercentValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && PERCENT.test(value)) return Number(value.slice(0, -1));
  return undefined;
}
