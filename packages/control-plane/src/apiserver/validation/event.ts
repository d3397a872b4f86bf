/**
 * The core/v1 Event strategy (ValidateEventCreate, legacy rules): the involved object and its
 * namespace, the event type, and for new-style events (with eventTime) the reporting fields
 * and length limits.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { kindStrategy, record, text } from './kind-helpers.js';
import { dns1123Subdomain, qualifiedName } from './names.js';
import type { KindStrategy } from './types.js';

/** The longest reason and action of a new-style event. */
export const REASON_LENGTH_LIMIT = 128;
/** The longest message (note) of a new-style event. */
export const NOTE_LENGTH_LIMIT = 1024;
/** The longest reportingInstance of a new-style event. */
export const REPORTING_INSTANCE_LENGTH_LIMIT = 128;

function validateReporting(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const controller = text(obj.reportingComponent);
  if (controller === '') errors.push(fieldError.required('reportingComponent'));
  else for (const e of qualifiedName(controller)) errors.push(fieldError.invalid('reportingComponent', controller, e));
  const instance = text(obj.reportingInstance);
  if (instance === '') errors.push(fieldError.required('reportingInstance'));
  if (instance.length > REPORTING_INSTANCE_LENGTH_LIMIT) {
    errors.push(
      fieldError.invalid('reportingInstance', '', `can have at most ${REPORTING_INSTANCE_LENGTH_LIMIT} characters`),
    );
  }
  const action = text(obj.action);
  if (action === '') errors.push(fieldError.required('action'));
  if (action.length > REASON_LENGTH_LIMIT) {
    errors.push(fieldError.invalid('action', '', `can have at most ${REASON_LENGTH_LIMIT} characters`));
  }
  const reason = text(obj.reason);
  if (reason === '') errors.push(fieldError.required('reason'));
  if (reason.length > REASON_LENGTH_LIMIT) {
    errors.push(fieldError.invalid('reason', '', `can have at most ${REASON_LENGTH_LIMIT} characters`));
  }
  if (text(obj.message).length > NOTE_LENGTH_LIMIT) {
    errors.push(fieldError.invalid('message', '', `can have at most ${NOTE_LENGTH_LIMIT} characters`));
  }
  return errors;
}

function validate(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(obj.involvedObject)) {
    errors.push(fieldError.required('involvedObject'));
    return errors;
  }
  const involvedNamespace = text(record(obj.involvedObject).namespace);
  const namespace = obj.metadata.namespace ?? '';
  const newStyle = text(obj.eventTime) !== '';
  const mismatch = newStyle
    ? involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system'
    : involvedNamespace === ''
      ? namespace !== '' && namespace !== 'default'
      : namespace !== involvedNamespace;
  if (mismatch) {
    errors.push(fieldError.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
  }
  if (newStyle) errors.push(...validateReporting(obj));
  const type = obj.type;
  if (type !== undefined && type !== '' && type !== 'Normal' && type !== 'Warning') {
    errors.push(fieldError.notSupported('type', type, ['Normal', 'Warning']));
  }
  return errors;
}

/** The core/v1 Event strategy: namespaced, names are DNS-1123 subdomains. */
export const eventStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  validate,
});
