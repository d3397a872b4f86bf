/**
 * Label selectors (Kubernetes' labels.Selector): the requirements a set of labels must meet,
 * read from the query string syntax or from a metav1.LabelSelector object, matched against an
 * object's labels and printed in their canonical form.
 */
import { ApiError } from '../api/errors.js';
import { labelValue, qualifiedName } from '../validation/names.js';
import { lexLabelSelector } from './label-lexer.js';
import type { LabelToken, LabelTokenKind } from './label-lexer.js';

/** The operator of a label requirement (selection.Operator). */
export type LabelOperator =
  'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'GreaterThan' | 'LessThan';

/** One requirement on one label key. Invariant: `values` is sorted and has no duplicates. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/**
 * A label selector: all its requirements must hold. `nothing` marks the selector that matches
 * no object (a nil metav1.LabelSelector); no requirements and not `nothing` matches every object.
 * Invariant: requirements are sorted by key.
 */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly nothing: boolean;
}

/** The selector that matches every object (an empty selector). */
export const EVERYTHING: LabelSelector = Object.freeze({ requirements: [], nothing: false });

/** The selector that matches no object (a nil selector). */
export const NOTHING: LabelSelector = Object.freeze({ requirements: [], nothing: true });

/** A metav1.LabelSelector object, as found in a Deployment's or ReplicaSet's spec.selector. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] | null }> | null;
}

/** A requirement checked as Kubernetes' NewRequirement does; throws the aggregated problems as text. */
function requirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
  keyPath: string,
): LabelRequirement {
  const errors: string[] = [];
  const keyErrors = qualifiedName(key);
  if (keyErrors.length > 0) errors.push(`${keyPath}: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
  const list = `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        errors.push(`values: Invalid value: ${list}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1)
        errors.push(`values: Invalid value: ${list}: exact-match compatibility requires one single value`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0)
        errors.push(`values: Invalid value: ${list}: values set must be empty for exists and does not exist`);
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1)
        errors.push(`values: Invalid value: ${list}: for 'Gt', 'Lt' operators, exactly one value is required`);
      for (const [i, v] of values.entries()) {
        if (parseInt64(v) === undefined)
          errors.push(
            `values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`,
          );
      }
      break;
  }
  for (const [i, v] of values.entries()) {
    const valueErrors = labelValue(v);
    if (valueErrors.length > 0)
      errors.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${valueErrors.join('; ')}`);
  }
  if (errors.length === 1) throw new SelectorSyntaxError(errors[0] ?? '');
  if (errors.length > 1) throw new SelectorSyntaxError(`[${errors.join(', ')}]`);
  return { key, operator, values: [...new Set(values)].sort() };
}

class SelectorSyntaxError extends Error {}

/** A base-10 64-bit integer as strconv.ParseInt reads it, or undefined. */
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return n;
}

function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  return requirements
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map((x) => x.r);
}

/** A recursive-descent reader of the token list (Kubernetes' labels.Parser). */
class Parser {
  private position = 0;
  constructor(private readonly tokens: readonly LabelToken[]) {}

  /** The next token; in a value position the keywords `in`/`notin` read as identifiers. */
  lookahead(values: boolean): LabelToken {
    const token = this.tokens[this.position] ?? { kind: 'EndOfString', literal: '' };
    if (values && (token.kind === 'In' || token.kind === 'NotIn'))
      return { kind: 'Identifier', literal: token.literal };
    return token;
  }

  consume(values: boolean): LabelToken {
    const token = this.lookahead(values);
    if (this.position < this.tokens.length - 1) this.position += 1;
    return token;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const next = this.lookahead(true);
      if (next.kind === 'EndOfString') return requirements;
      if (next.kind !== 'Identifier' && next.kind !== 'DoesNotExist') {
        throw new SelectorSyntaxError(`found '${next.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof SelectorSyntaxError)
          throw new SelectorSyntaxError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const after = this.consume(true);
      if (after.kind === 'EndOfString') return requirements;
      if (after.kind !== 'Comma')
        throw new SelectorSyntaxError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = this.lookahead(true);
      if (following.kind !== 'Identifier' && following.kind !== 'DoesNotExist') {
        throw new SelectorSyntaxError(`found '${following.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    let token = this.consume(true);
    let unary: LabelOperator | undefined;
    if (token.kind === 'DoesNotExist') {
      unary = 'DoesNotExist';
      token = this.consume(true);
    }
    if (token.kind !== 'Identifier') throw new SelectorSyntaxError(`found '${token.literal}', expected: identifier`);
    const key = token.literal;
    const keyErrors = qualifiedName(key);
    if (keyErrors.length > 0) {
      throw new SelectorSyntaxError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
    }
    const after = this.lookahead(true).kind;
    if (unary === undefined && (after === 'EndOfString' || after === 'Comma')) unary = 'Exists';
    if (unary !== undefined) return requirement(key, unary, [], 'key');
    const operator = this.parseOperator();
    const values = operator === 'In' || operator === 'NotIn' ? this.parseValues() : this.parseExactValue();
    return requirement(key, operator, values, 'key');
  }

  private parseOperator(): LabelOperator {
    const token = this.consume(false);
    const operators: Partial<Record<LabelTokenKind, LabelOperator>> = {
      In: 'In',
      NotIn: 'NotIn',
      Equals: 'Equals',
      DoubleEquals: 'DoubleEquals',
      NotEquals: 'NotEquals',
      GreaterThan: 'GreaterThan',
      LessThan: 'LessThan',
    };
    const operator = operators[token.kind];
    if (operator === undefined) {
      throw new SelectorSyntaxError(`found '${token.literal}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    return operator;
  }

  private parseValues(): string[] {
    const open = this.consume(true);
    if (open.kind !== 'OpenPar') throw new SelectorSyntaxError(`found '${open.literal}' expected: '('`);
    const first = this.lookahead(true);
    if (first.kind === 'ClosedPar') {
      this.consume(true);
      return [''];
    }
    if (first.kind !== 'Identifier' && first.kind !== 'Comma') {
      throw new SelectorSyntaxError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = this.parseIdentifiers();
    const close = this.consume(true);
    if (close.kind !== 'ClosedPar') throw new SelectorSyntaxError(`found '${close.literal}', expected: ')'`);
    return values;
  }

  private parseIdentifiers(): string[] {
    const values: string[] = [];
    for (;;) {
      const token = this.consume(true);
      if (token.kind === 'Identifier') {
        values.push(token.literal);
        const next = this.lookahead(true);
        if (next.kind === 'Comma') continue;
        if (next.kind === 'ClosedPar') return values;
        throw new SelectorSyntaxError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (token.kind !== 'Comma')
        throw new SelectorSyntaxError(`found '${token.literal}', expected: ',', or identifier`);
      // Empty values around commas: `(,a)`, `(a,)`, `(a,,b)`.
      if (values.length === 0) values.push('');
      const next = this.lookahead(true);
      if (next.kind === 'ClosedPar') {
        values.push('');
        return values;
      }
      if (next.kind === 'Comma') {
        this.consume(true);
        values.push('');
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead(true);
    if (next.kind === 'EndOfString' || next.kind === 'Comma') return [''];
    const token = this.consume(true);
    if (token.kind === 'Identifier') return [token.literal];
    throw new SelectorSyntaxError(`found '${token.literal}', expected: identifier`);
  }
}

/**
 * The selector written in the label selector syntax (`a=b,c!=d,e in (f,g),!h,i>3`); the empty
 * string selects everything. Throws a 400 ApiError with Kubernetes' parse message otherwise.
 */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    const requirements = new Parser(lexLabelSelector(text)).parse();
    return { requirements: sortByKey(requirements), nothing: false };
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw ApiError.badRequest(err.message);
    throw err;
  }
}

/**
 * The selector of a metav1.LabelSelector object (LabelSelectorAsSelector): matchLabels as
 * `key=value`, matchExpressions as In/NotIn/Exists/DoesNotExist. An empty object selects every
 * object; null or undefined selects nothing. Throws a 400 ApiError for an invalid expression.
 */
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): LabelSelector {
  if (selector === null || selector === undefined) return NOTHING;
  const requirements: LabelRequirement[] = [];
  try {
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
      requirements.push(requirement(key, 'Equals', [value], 'key'));
    }
    for (const expr of selector.matchExpressions ?? []) {
      const operators: Record<string, LabelOperator> = {
        In: 'In',
        NotIn: 'NotIn',
        Exists: 'Exists',
        DoesNotExist: 'DoesNotExist',
      };
      const operator = operators[expr.operator];
      if (operator === undefined) {
        throw new SelectorSyntaxError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
      }
      requirements.push(requirement(expr.key, operator, expr.values ?? [], 'key'));
    }
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw ApiError.badRequest(err.message);
    throw err;
  }
  return { requirements: sortByKey(requirements), nothing: false };
}

function matchesRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? (labels[r.key] ?? '') : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return value !== undefined && r.values.includes(value);
    case 'NotIn':
    case 'NotEquals':
      return value === undefined || !r.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'GreaterThan':
    case 'LessThan': {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0] ?? '');
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'GreaterThan' ? actual > bound : actual < bound;
    }
  }
}

/**
 * Whether `labels` meet every requirement of `selector`. A missing label fails `=`, `in` and
 * exists, and passes `!=`, `notin` and `!key`.
 */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (selector.nothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => matchesRequirement(r, set));
}

/** Whether `selector` matches every object (no requirements). */
export function isEverything(selector: LabelSelector): boolean {
  return !selector.nothing && selector.requirements.length === 0;
}

/** Whether `selector` matches no object (from a nil metav1.LabelSelector). */
export function isNothing(selector: LabelSelector): boolean {
  return selector.nothing;
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  Equals: '=',
  DoubleEquals: '==',
  NotEquals: '!=',
  In: ' in ',
  NotIn: ' notin ',
  GreaterThan: '>',
  LessThan: '<',
  Exists: '',
  DoesNotExist: '',
};

/** One requirement in its canonical text: `a=b`, `a in (x,y)`, `!a`, `a>1`. */
export function formatRequirement(r: LabelRequirement): string {
  if (r.operator === 'DoesNotExist') return `!${r.key}`;
  if (r.operator === 'Exists') return r.key;
  const values = [...r.values].sort().join(',');
  const text = r.operator === 'In' || r.operator === 'NotIn' ? `(${values})` : values;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${text}`;
}

/**
 * The canonical text of a selector (labels.Selector.String, used for Scale's status.selector):
 * requirements sorted by key, joined by commas; the empty string for everything and for nothing.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  if (selector.nothing) return '';
  return selector.requirements.map(formatRequirement).join(',');
}
