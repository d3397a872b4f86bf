import t from 'tap';
import { alignColumns, formatCell, formatLabels, noResourcesMessage, printTable } from './table.js';
import type { Table } from './table.js';

const pods: Table = {
  kind: 'Table',
  columnDefinitions: [
    { name: 'Name', type: 'string', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0 },
    { name: 'Status', type: 'string', priority: 0 },
    { name: 'Age', type: 'string', priority: 0 },
    { name: 'Nominated Node', type: 'string', priority: 1 },
  ],
  rows: [
    {
      cells: ['nginx', '0/1', 'Pending', '5s', '<none>'],
      object: { metadata: { name: 'nginx', namespace: 'default', labels: { run: 'nginx', a: 'b' } } },
    },
    {
      cells: ['a-much-longer-name', '1/1', 'Running', 12, '<none>'],
      object: { metadata: { name: 'x', namespace: 'kube-system' } },
    },
  ],
};

t.test('prints like kubectl: upper-case headers, 3-space gaps, last column unpadded', async (t) => {
  t.equal(
    printTable(pods),
    'NAME                 READY   STATUS    AGE\n' +
      'nginx                0/1     Pending   5s\n' +
      'a-much-longer-name   1/1     Running   12\n',
  );
});

t.test('-o wide adds priority columns; -A namespace first; --show-labels last', async (t) => {
  t.equal(
    printTable(pods, { wide: true, withNamespace: true, showLabels: true }),
    'NAMESPACE     NAME                 READY   STATUS    AGE   NOMINATED NODE   LABELS\n' +
      'default       nginx                0/1     Pending   5s    <none>           a=b,run=nginx\n' +
      'kube-system   a-much-longer-name   1/1     Running   12    <none>           <none>\n',
  );
});

t.test('name prefix, no headers, empty tables', async (t) => {
  t.equal(
    printTable(pods, { namePrefix: 'pod', noHeaders: true }).split('\n')[0],
    `pod/nginx${' '.repeat(16)}0/1   Pending   5s`,
  );
  t.equal(printTable({ columnDefinitions: pods.columnDefinitions, rows: [] }), '');
  t.equal(noResourcesMessage('default'), 'No resources found in default namespace.\n');
  t.equal(noResourcesMessage(undefined), 'No resources found\n');
});

t.test('cells and labels', async (t) => {
  const cases: [unknown, string][] = [
    ['a\nb', 'a...'],
    [3, '3'],
    [true, 'true'],
    [null, ''],
    ['plain', 'plain'],
  ];
  for (const [cell, want] of cases) t.equal(formatCell(cell), want);
  t.equal(formatLabels(undefined), '<none>');
  t.equal(formatLabels({ z: '1', a: '2' }), 'a=2,z=1');
  t.equal(
    alignColumns([
      ['a', 'bb'],
      ['ccc', 'd'],
    ]),
    'a     bb\nccc   d\n',
  );
});
