import t from 'tap';
import {
  exactMatch,
  fieldSelectorRequirements,
  formatFieldSelector,
  matchesFields,
  parseFieldSelector,
} from './field-selector.js';

const pod: Record<string, string> = {
  'metadata.name': 'web-1',
  'metadata.namespace': 'default',
  'spec.nodeName': 'node-a',
  'status.phase': 'Running',
  'metadata.annotations': 'a=b,c',
};

t.test('terms match as Kubernetes fields selectors do', async (t) => {
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name==web-1', true],
    ['metadata.name=web-2', false],
    ['metadata.name!=web-2', true],
    ['status.phase!=Running', false],
    ['spec.nodeName=node-a,status.phase=Running', true],
    ['spec.nodeName=node-a,status.phase=Pending', false],
    ['spec.nodeName=', false],
    ['spec.missing=', true], // an absent field reads as ""
    ['spec.missing!=x', true],
    ['metadata.annotations=a\\=b\\,c', true],
    [',metadata.name=web-1,', true],
  ];
  for (const [text, expected] of cases) {
    t.equal(
      matchesFields(parseFieldSelector(text), (f) => pod[f]),
      expected,
      text,
    );
  }
});

t.test('parse errors are 400 with Kubernetes messages', async (t) => {
  const cases: [string, string][] = [
    ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
    ['a=b,foo', "invalid selector: 'a=b,foo'; can't understand 'foo'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid escape sequence: \\x'],
    ['a=b\\', 'invalid escape sequence: \\'],
  ];
  for (const [text, message] of cases) t.throws(() => parseFieldSelector(text), { code: 400, message }, text);
});

t.test('requirements, exact matches and canonical text', async (t) => {
  const sel = parseFieldSelector('status.phase!=Failed,spec.nodeName==node-a');
  t.same(
    fieldSelectorRequirements(sel).map((r) => `${r.field} ${r.operator} ${r.value}`),
    ['spec.nodeName Equals node-a', 'status.phase NotEquals Failed'],
  );
  t.equal(exactMatch(sel, 'spec.nodeName'), 'node-a');
  t.equal(exactMatch(sel, 'status.phase'), undefined);
  t.equal(exactMatch(parseFieldSelector(''), 'spec.nodeName'), undefined);
  t.equal(formatFieldSelector(parseFieldSelector('b=x\\,y,a!=1')), 'a!=1,b=x\\,y');
});
