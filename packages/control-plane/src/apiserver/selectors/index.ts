/**
 * Label and field selectors: parsing (query strings and metav1.LabelSelector objects),
 * matching and canonical text.
 */
export {
  EVERYTHING,
  NOTHING,
  formatLabelSelector,
  formatRequirement,
  isEverything,
  isNothing,
  labelSelectorFromObject,
  matchesLabels,
  parseLabelSelector,
} from './label-selector.js';
export type { LabelOperator, LabelRequirement, LabelSelector, LabelSelectorObject } from './label-selector.js';
export {
  escapeFieldValue,
  exactMatch,
  fieldSelectorRequirements,
  formatFieldSelector,
  isEverythingFields,
  matchesFields,
  parseFieldSelector,
} from './field-selector.js';
export type { FieldRequirement, FieldSelector } from './field-selector.js';
export { lexLabelSelector } from './label-lexer.js';
export type { LabelToken, LabelTokenKind } from './label-lexer.js';
