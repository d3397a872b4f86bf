/**
 * Resource quantities (Kubernetes' resource.Quantity) as exact fractions: `100m`, `1Gi`, `0.5`,
 * `1e3`. Enough to check a quantity's syntax, compare requests with limits and sum them.
 */

/** A parsed quantity: the exact value `num / den` (den > 0). */
export interface Quantity {
  readonly num: bigint;
  readonly den: bigint;
}

/** The syntax Kubernetes accepts, as its error messages quote it. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const NUMBER = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Exponents beyond this are rejected rather than expanded into huge integers. */
const MAX_EXPONENT = 1000;

/** A quantity parsed from its text (or a JSON number); undefined when malformed. */
export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || text === '') return undefined;
  const split = /^([+-]?[0-9.]+)(.*)$/.exec(text);
  if (split === null) return undefined;
  const number = NUMBER.exec(split[1] ?? '');
  if (number === null) return undefined;
  const [, sign = '', whole = '', fraction = ''] = number;
  if (whole === '' && fraction === '') return undefined;
  let num = BigInt(`${whole}${fraction}` || '0');
  let den = 10n ** BigInt(fraction.length);
  const suffix = split[2] ?? '';
  const binary = BINARY[suffix];
  const decimal = DECIMAL[suffix];
  let pow10 = 0;
  if (binary !== undefined) num *= 2n ** BigInt(binary);
  else if (decimal !== undefined) pow10 = decimal;
  else {
    const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (exp === null) return undefined;
    pow10 = Number(exp[1]);
    if (Math.abs(pow10) > MAX_EXPONENT) return undefined;
  }
  if (pow10 > 0) num *= 10n ** BigInt(pow10);
  else if (pow10 < 0) den *= 10n ** BigInt(-pow10);
  if (sign === '-') num = -num;
  return { num, den };
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The sum of two quantities. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

/** The quantity zero. */
export const ZERO_QUANTITY: Quantity = Object.freeze({ num: 0n, den: 1n });
