/**
 * The lexer of the label selector string syntax (Kubernetes' labels.Lexer): identifiers,
 * the keywords `in` and `notin`, and the operator symbols `= == != ! > < ( ) ,`.
 */

/** The kind of a label selector token. */
export type LabelTokenKind =
  | 'Identifier'
  | 'In'
  | 'NotIn'
  | 'Equals'
  | 'DoubleEquals'
  | 'NotEquals'
  | 'DoesNotExist'
  | 'GreaterThan'
  | 'LessThan'
  | 'OpenPar'
  | 'ClosedPar'
  | 'Comma'
  | 'EndOfString'
  | 'Error';

/** One token of a label selector: its kind and the text it was read from. */
export interface LabelToken {
  readonly kind: LabelTokenKind;
  readonly literal: string;
}

const SYMBOLS: ReadonlyMap<string, LabelTokenKind> = new Map<string, LabelTokenKind>([
  ['=', 'Equals'],
  ['==', 'DoubleEquals'],
  ['!=', 'NotEquals'],
  ['!', 'DoesNotExist'],
  ['>', 'GreaterThan'],
  ['<', 'LessThan'],
  ['(', 'OpenPar'],
  [')', 'ClosedPar'],
  [',', 'Comma'],
]);

const KEYWORDS: ReadonlyMap<string, LabelTokenKind> = new Map<string, LabelTokenKind>([
  ['in', 'In'],
  ['notin', 'NotIn'],
]);

function isSpecial(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** The tokens of `text`, ending with one EndOfString token. */
export function lexLabelSelector(text: string): LabelToken[] {
  const tokens: LabelToken[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && isWhitespace(text[i] ?? '')) i += 1;
    if (i >= text.length) {
      tokens.push({ kind: 'EndOfString', literal: '' });
      return tokens;
    }
    const ch = text[i] ?? '';
    if (isSpecial(ch)) {
      // The longest run of symbols that still names a token (`!=` rather than `!`, `=` of `=(`).
      let buffer = '';
      let last: LabelToken | undefined;
      while (i < text.length && isSpecial(text[i] ?? '')) {
        const next = buffer + (text[i] ?? '');
        const kind = SYMBOLS.get(next);
        if (kind !== undefined) last = { kind, literal: next };
        else if (last !== undefined) break;
        buffer = next;
        i += 1;
      }
      tokens.push(last ?? { kind: 'Error', literal: `error expected: keyword found '${buffer}'` });
      if (last === undefined) {
        tokens.push({ kind: 'EndOfString', literal: '' });
        return tokens;
      }
      continue;
    }
    let literal = '';
    while (i < text.length && !isSpecial(text[i] ?? '') && !isWhitespace(text[i] ?? '')) {
      literal += text[i];
      i += 1;
    }
    tokens.push({ kind: KEYWORDS.get(literal) ?? 'Identifier', literal });
  }
}
