/**
 * Field selectors (Kubernetes' fields.Selector): comma-separated `field=value`, `field==value`
 * and `field!=value` terms, with `\,`, `\=` and `\\` escaping special characters in values.
 */
import { ApiError } from '../api/errors.js';

/** One term of a field selector. `==` reads as `Equals`. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: 'Equals' | 'NotEquals';
  /** The value, unescaped. */
  readonly value: string;
}

/** A field selector: every term must hold; no terms select everything. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

/** The terms of `text`, split at commas not escaped by a backslash. */
function splitTerms(text: string): string[] {
  if (text === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** A term split at its first operator (`!=`, then `==`, then `=` at each position). */
function splitTerm(term: string): [string, 'Equals' | 'NotEquals', string] | undefined {
  for (let i = 0; i < term.length; i += 1) {
    const rest = term.slice(i);
    if (rest.startsWith('!=')) return [term.slice(0, i), 'NotEquals', term.slice(i + 2)];
    if (rest.startsWith('==')) return [term.slice(0, i), 'Equals', term.slice(i + 2)];
    if (rest.startsWith('=')) return [term.slice(0, i), 'Equals', term.slice(i + 1)];
  }
  return undefined;
}

/** A value with its escapes removed; throws on an unknown escape or an unescaped `,` or `=`. */
function unescapeValue(value: string): string {
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw ApiError.badRequest(`invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune as its number.
      throw ApiError.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw ApiError.badRequest('invalid escape sequence: \\');
  return out;
}

/**
 * The selector written as `a=b,c!=d`; the empty string selects everything. Throws a 400
 * ApiError with Kubernetes' message for a term without an operator or a badly escaped value.
 */
export function parseFieldSelector(text: string): FieldSelector {
  const terms = splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) throw ApiError.badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [field, operator, value] = parts;
    requirements.push({ field, operator, value: unescapeValue(value) });
  }
  return { requirements };
}

/** A value with `\`, `,` and `=` escaped, so that it reads back as itself (fields.EscapeValue). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Whether an object meets every term, `get` giving its value of a field (undefined reads as the
 * empty string, as Kubernetes' fields.Set does).
 */
export function matchesFields(selector: FieldSelector, get: (field: string) => string | undefined): boolean {
  return selector.requirements.every((r) => {
    const actual = get(r.field) ?? '';
    return r.operator === 'Equals' ? actual === r.value : actual !== r.value;
  });
}

/** The terms of a selector, for the caller to check that it supports each field. */
export function fieldSelectorRequirements(selector: FieldSelector): readonly FieldRequirement[] {
  return selector.requirements;
}

/** The value `field` must equal when the selector pins it (`field=value`), for index lookups. */
export function exactMatch(selector: FieldSelector, field: string): string | undefined {
  return selector.requirements.find((r) => r.field === field && r.operator === 'Equals')?.value;
}

/** Whether the selector has no terms (selects everything). */
export function isEverythingFields(selector: FieldSelector): boolean {
  return selector.requirements.length === 0;
}

/** The canonical text of a field selector: its terms, values escaped, joined by commas. */
export function formatFieldSelector(selector: FieldSelector): string {
  return selector.requirements
    .map((r) => `${r.field}${r.operator === 'Equals' ? '=' : '!='}${escapeFieldValue(r.value)}`)
    .join(',');
}
