/**
 * The ServiceAccount strategy (ValidateServiceAccount): DNS-1123 subdomain names and the
 * names of the secrets it lists.
 */
import { fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { kindStrategy, list, record, text } from './kind-helpers.js';
import { dns1123Subdomain } from './names.js';
import type { KindStrategy } from './types.js';

function validate(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['secrets', 'imagePullSecrets'] as const) {
    for (const [i, ref] of list(obj[field]).entries()) {
      const name = text(record(ref).name);
      if (name === '') continue;
      for (const e of dns1123Subdomain(name)) errors.push(fieldError.invalid(`${field}[${i}].name`, name, e));
    }
  }
  return errors;
}

/** The ServiceAccount strategy: namespaced, names are DNS-1123 subdomains. */
export const serviceAccountStrategy: KindStrategy = kindStrategy({
  namespaced: true,
  name: dns1123Subdomain,
  validate,
});
