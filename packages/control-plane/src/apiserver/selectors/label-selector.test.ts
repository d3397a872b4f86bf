import t from 'tap';
import { ApiError } from '../api/errors.js';
import {
  formatLabelSelector,
  isEverything,
  isNothing,
  labelSelectorFromObject,
  matchesLabels,
  parseLabelSelector,
} from './label-selector.js';

function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (err) {
    if (err instanceof ApiError) return `${err.code} ${err.message}`;
    throw err;
  }
  return 'no error';
}

t.test('the string syntax matches as Kubernetes documents', async (t) => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', { a: 'b' }, true],
    ['', undefined, true],
    ['a=b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a==b', { a: 'b' }, true],
    ['a!=b', { a: 'c' }, true],
    ['a!=b', { a: 'b' }, false],
    ['a!=b', {}, true], // without the label at all
    ['a in (x,y)', { a: 'y' }, true],
    ['a in (x,y)', { a: 'z' }, false],
    ['a in (x)', {}, false],
    ['a notin (x)', {}, true],
    ['a notin (x)', { a: 'x' }, false],
    ['a notin (x)', { a: 'y' }, true],
    ['a', { a: '' }, true],
    ['a', {}, false],
    ['!a', {}, true],
    ['!a', { a: 'b' }, false],
    ['a>1', { a: '2' }, true],
    ['a>1', { a: '1' }, false],
    ['a>1', { a: 'x' }, false],
    ['a>1', {}, false],
    ['a<1', { a: '0' }, true],
    ['a<1', { a: '-5' }, true],
    ['a=', { a: '' }, true],
    ['a=', { a: 'x' }, false],
    ['a in ()', { a: '' }, true],
    ['  a = b ,  c  ', { a: 'b', c: '1' }, true],
    ['a=b,c', { a: 'b' }, false],
    ['x in (in,notin)', { x: 'notin' }, true],
    ['example.com/app=web,tier notin (db)', { 'example.com/app': 'web', tier: 'fe' }, true],
  ];
  for (const [text, labels, expected] of cases) {
    t.equal(
      matchesLabels(parseLabelSelector(text), labels),
      expected,
      `${JSON.stringify(text)} on ${JSON.stringify(labels)}`,
    );
  }
});

t.test('parse errors carry Kubernetes messages as 400', async (t) => {
  const cases: [string, string][] = [
    ['a in b', "400 unable to parse requirement: found 'b' expected: '('"],
    ['a in (x', "400 unable to parse requirement: found '', expected: ',' or ')'"],
    ['a b', "400 unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['!a=b', "400 found '=', expected: ',' or 'end of string'"],
    ['a,', "400 found '', expected: identifier after ','"],
    [',a', "400 found ',', expected: !, identifier, or 'end of string'"],
    ['a=b=c', "400 found '=', expected: ',' or 'end of string'"],
    ['=b', "400 found '=', expected: !, identifier, or 'end of string'"],
    [
      'a>x',
      "400 unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [
      'a_=b',
      "400 unable to parse requirement: <nil>: Invalid value: \"a_\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
    [
      'a=-b',
      "400 unable to parse requirement: values[0][a]: Invalid value: \"-b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  ];
  for (const [text, expected] of cases) t.equal(parseError(text), expected, text);
});

t.test('canonical text sorts requirements by key and values within sets', async (t) => {
  const cases: [string, string][] = [
    ['b=1,a=2', 'a=2,b=1'],
    ['a in (z,x,y)', 'a in (x,y,z)'],
    ['a notin (x), !b, c', 'a notin (x),!b,c'],
    ['x==1,y!=2,z>3,w<4', 'w<4,x==1,y!=2,z>3'],
    ['', ''],
  ];
  for (const [text, expected] of cases) t.equal(formatLabelSelector(parseLabelSelector(text)), expected, text);
});

t.test('metav1.LabelSelector objects: empty selects everything, nil selects nothing', async (t) => {
  t.ok(isEverything(labelSelectorFromObject({})));
  t.equal(matchesLabels(labelSelectorFromObject({}), { a: 'b' }), true);
  t.ok(isNothing(labelSelectorFromObject(undefined)));
  t.ok(isNothing(labelSelectorFromObject(null)));
  t.equal(matchesLabels(labelSelectorFromObject(null), { a: 'b' }), false);
  t.equal(matchesLabels(labelSelectorFromObject(undefined), {}), false);
  const sel = labelSelectorFromObject({
    matchLabels: { app: 'web', env: 'prod' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['fe', 'be'] },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  t.equal(formatLabelSelector(sel), 'app=web,!canary,env=prod,tier in (be,fe)');
  t.equal(matchesLabels(sel, { app: 'web', env: 'prod', tier: 'fe' }), true);
  t.equal(matchesLabels(sel, { app: 'web', env: 'prod', tier: 'fe', canary: 'y' }), false);
  t.equal(formatLabelSelector(labelSelectorFromObject({ matchLabels: { app: 'nginx' } })), 'app=nginx');
});

t.test('invalid metav1.LabelSelector objects are 400', async (t) => {
  const cases: [Parameters<typeof labelSelectorFromObject>[0], string][] = [
    [
      { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      '"Gt" is not a valid label selector operator',
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    ],
  ];
  for (const [obj, message] of cases) {
    t.throws(() => labelSelectorFromObject(obj), { code: 400, message }, message);
  }
});
