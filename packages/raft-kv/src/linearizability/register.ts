/**
 * The sequential specification of one key: a register with put, get and compare-and-swap.
 * The search asks it, for a state and an operation, whether the operation's output is
 * possible there and what state follows.
 */
import type { KvInput, KvOutput } from './types.js';

/** The value of a register: a string, or `undefined` while the key is absent (its initial state). */
export type RegisterValue = string | undefined;

/**
 * The result of stepping the register: the next value if the operation, linearized here,
 * could have produced its output; `accepted: false` if not.
 */
export type RegisterStep = { readonly accepted: true; readonly next: RegisterValue } | { readonly accepted: false };

const REJECTED: RegisterStep = { accepted: false };

/**
 * Steps the register in state `value` with `input`. With `output` undefined (outcome
 * unknown) every output is accepted, and the operation has the effect it would have had.
 */
export function stepRegister(value: RegisterValue, input: KvInput, output: KvOutput | undefined): RegisterStep {
  switch (input.kind) {
    case 'put':
      return { accepted: true, next: input.value };
    case 'get':
      if (output?.kind === 'get' && output.value !== value) return REJECTED;
      return { accepted: true, next: value };
    case 'cas': {
      const swapped = value === input.expected;
      if (output?.kind === 'cas' && output.ok !== swapped) return REJECTED;
      return { accepted: true, next: swapped ? input.value : value };
    }
  }
}

/** Encodes a register value as a string that tells `undefined` apart from every string. */
export function encodeRegisterValue(value: RegisterValue): string {
  return value === undefined ? '!' : `=${value}`;
}
