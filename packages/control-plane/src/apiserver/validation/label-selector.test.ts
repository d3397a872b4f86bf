import t from 'tap';
import type { FieldError } from '../api/errors.js';
import { isEmptyLabelSelector, labelSelectorMatches, validateLabelSelector } from './label-selector.js';

const brief = (errors: FieldError[]): string[] => errors.map((e) => `${e.type} ${e.field}`);

t.test('accepts valid matchLabels and matchExpressions', async (t) => {
  const selector = {
    matchLabels: { app: 'web', 'example.com/tier': 'front' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'staging'] },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  };
  t.same(validateLabelSelector(selector, 'spec.selector'), []);
});

t.test('matchLabels keys and values must be valid labels', async (t) => {
  const errors = validateLabelSelector({ matchLabels: { 'bad key!': 'ok', good: '-bad-' } }, 'spec.selector');
  t.same(brief(errors), ['FieldValueInvalid spec.selector.matchLabels', 'FieldValueInvalid spec.selector.matchLabels']);
});

t.test('In and NotIn require values', async (t) => {
  const errors = validateLabelSelector(
    { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
    'spec.selector',
  );
  t.same(brief(errors), ['FieldValueRequired spec.selector.matchExpressions[0].values']);
  t.equal(errors[0]?.message, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
});

t.test('Exists and DoesNotExist forbid values', async (t) => {
  const errors = validateLabelSelector(
    { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
    'spec.selector',
  );
  t.same(brief(errors), ['FieldValueForbidden spec.selector.matchExpressions[0].values']);
});

t.test('an unknown operator is invalid', async (t) => {
  const errors = validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, 's');
  t.same(brief(errors), ['FieldValueInvalid s.matchExpressions[0].operator']);
  t.equal(errors[0]?.message, 'Invalid value: "Equals": not a valid selector operator');
});

t.test('expression keys and values are checked', async (t) => {
  const errors = validateLabelSelector(
    { matchExpressions: [{ key: 'a b', operator: 'In', values: ['ok', 'not ok'] }] },
    's',
  );
  t.same(brief(errors), [
    'FieldValueInvalid s.matchExpressions[0].key',
    'FieldValueInvalid s.matchExpressions[0].values[1]',
  ]);
});

t.test('emptiness and matching', async (t) => {
  t.ok(isEmptyLabelSelector({}));
  t.ok(isEmptyLabelSelector({ matchLabels: {}, matchExpressions: [] }));
  t.notOk(isEmptyLabelSelector({ matchLabels: { a: 'b' } }));
  t.equal(labelSelectorMatches({ matchLabels: { app: 'web' } }, { app: 'web', x: 'y' }), true);
  t.equal(labelSelectorMatches({ matchLabels: { app: 'web' } }, { app: 'db' }), false);
  t.equal(labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {}), true);
});
