/**
 * What a kind's strategy does on writes: fill defaults, then validate (on create) or validate
 * the change (on update), as Kubernetes' registry strategies do.
 */
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';

/** The defaulting and validation of one kind. */
export interface KindStrategy {
  /** Fills defaults in place (Kubernetes' SetDefaults_*), on create and on update. */
  defaults(obj: KubeObject): void;
  /** The problems of a new object (empty when valid). */
  validate(obj: KubeObject): FieldError[];
  /** The problems of `obj` replacing `old`: the object's own, plus changes to immutable fields. */
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
}
