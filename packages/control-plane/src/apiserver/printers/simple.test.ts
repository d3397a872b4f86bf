import t from 'tap';
import type { KubeObject } from '../api/types.js';
import {
  configMapPrinter,
  defaultPrinter,
  leasePrinter,
  namespacePrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './simple.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const meta = { name: 'x', namespace: 'default', creationTimestamp: '2024-04-23T12:00:00Z' };
const obj = (fields: Record<string, unknown>): KubeObject => ({ metadata: meta, ...fields });

t.test('column sets', async (t) => {
  const cases: [string, string[][]][] = [
    ['namespace', namespacePrinter.columns.map((c) => [c.name, c.type])],
    ['configmap', configMapPrinter.columns.map((c) => [c.name, c.type])],
    ['secret', secretPrinter.columns.map((c) => [c.name, c.type])],
    ['serviceaccount', serviceAccountPrinter.columns.map((c) => [c.name, c.type])],
    ['lease', leasePrinter.columns.map((c) => [c.name, c.type])],
    ['default', defaultPrinter.columns.map((c) => [c.name, c.type])],
  ];
  const expected: Record<string, string[][]> = {
    namespace: [
      ['Name', 'string'],
      ['Status', 'string'],
      ['Age', 'string'],
    ],
    configmap: [
      ['Name', 'string'],
      ['Data', 'string'],
      ['Age', 'string'],
    ],
    secret: [
      ['Name', 'string'],
      ['Type', 'string'],
      ['Data', 'string'],
      ['Age', 'string'],
    ],
    serviceaccount: [
      ['Name', 'string'],
      ['Secrets', 'string'],
      ['Age', 'string'],
    ],
    lease: [
      ['Name', 'string'],
      ['Holder', 'string'],
      ['Age', 'string'],
    ],
    default: [
      ['Name', 'string'],
      ['Age', 'string'],
    ],
  };
  for (const [kind, columns] of cases) t.same(columns, expected[kind], kind);
});

t.test('rows', async (t) => {
  const cases: [string, unknown[], unknown[]][] = [
    ['namespace', namespacePrinter.cells(obj({ status: { phase: 'Active' } }), NOW), ['x', 'Active', '8d']],
    [
      'terminating namespace',
      namespacePrinter.cells(obj({ status: { phase: 'Terminating' } }), NOW),
      ['x', 'Terminating', '8d'],
    ],
    [
      'configmap counts data and binaryData',
      configMapPrinter.cells(obj({ data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), NOW),
      ['x', 3, '8d'],
    ],
    ['empty configmap', configMapPrinter.cells(obj({}), NOW), ['x', 0, '8d']],
    [
      'secret counts data only',
      secretPrinter.cells(obj({ type: 'Opaque', data: { user: 'YQ==', pass: 'Yg==' } }), NOW),
      ['x', 'Opaque', 2, '8d'],
    ],
    [
      'tls secret',
      secretPrinter.cells(obj({ type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }), NOW),
      ['x', 'kubernetes.io/tls', 2, '8d'],
    ],
    ['serviceaccount without secrets', serviceAccountPrinter.cells(obj({}), NOW), ['x', 0, '8d']],
    [
      'serviceaccount with a secret',
      serviceAccountPrinter.cells(obj({ secrets: [{ name: 'x-token' }] }), NOW),
      ['x', 1, '8d'],
    ],
    [
      'held lease',
      leasePrinter.cells(obj({ spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } }), NOW),
      ['x', 'node-1', '8d'],
    ],
    ['free lease', leasePrinter.cells(obj({ spec: {} }), NOW), ['x', '', '8d']],
    ['default', defaultPrinter.cells(obj({}), NOW), ['x', '8d']],
    ['default without timestamp', defaultPrinter.cells({ metadata: { name: 'y' } }, NOW), ['y', '<unknown>']],
  ];
  for (const [name, actual, expected] of cases) t.same(actual, expected, name);
});
