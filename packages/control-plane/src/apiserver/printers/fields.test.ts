import t from 'tap';
import { containerCells, formatLabels, formatLabelSelector, selectorString } from './fields.js';

t.test('formatLabels sorts keys and prints <none> for no labels', async (t) => {
  t.equal(formatLabels({ tier: 'web', app: 'shop' }), 'app=shop,tier=web');
  t.equal(formatLabels({}), '<none>');
});

t.test('label selectors print like metav1.FormatLabelSelector', async (t) => {
  const cases: [unknown, string][] = [
    [{ matchLabels: { app: 'web' } }, 'app=web'],
    [
      {
        matchLabels: { z: '1' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['b', 'a'] },
          { key: 'env', operator: 'NotIn', values: ['prod'] },
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'canary', operator: 'Exists' },
        ],
      },
      'canary,env notin (prod),!legacy,tier in (a,b),z=1',
    ],
    [{}, '<none>'],
    [undefined, '<none>'],
    [{ matchExpressions: [{ key: 'a', operator: 'Bogus', values: [] }] }, '<error>'],
  ];
  for (const [selector, expected] of cases) t.equal(formatLabelSelector(selector), expected);
  t.equal(selectorString({}), '');
  t.equal(selectorString({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), undefined);
});

t.test('containerCells joins names and images', async (t) => {
  t.same(
    containerCells({
      containers: [
        { name: 'app', image: 'nginx:1.25' },
        { name: 'log', image: 'busybox' },
      ],
    }),
    { names: 'app,log', images: 'nginx:1.25,busybox' },
  );
  t.same(containerCells({}), { names: '', images: '' });
});
