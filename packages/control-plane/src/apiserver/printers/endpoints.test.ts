import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { endpointsPrinter, formatEndpoints } from './endpoints.js';

function endpoints(subsets: object[] | undefined): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' },
    ...(subsets === undefined ? {} : { subsets }),
  };
}
const addresses = (...ips: string[]) => ips.map((ip) => ({ ip }));

t.test('ENDPOINTS shows three ip:port pairs and counts the rest', async (t) => {
  const cases: [string, object[] | undefined, string][] = [
    ['no subsets', undefined, '<none>'],
    ['empty subsets', [], '<none>'],
    ['one address', [{ addresses: addresses('10.0.0.1'), ports: [{ port: 80 }] }], '10.0.0.1:80'],
    [
      'exactly three',
      [{ addresses: addresses('10.0.0.1', '10.0.0.2', '10.0.0.3'), ports: [{ port: 80 }] }],
      '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80',
    ],
    [
      'five addresses',
      [{ addresses: addresses('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'), ports: [{ port: 80 }] }],
      '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...',
    ],
    [
      'every port of a subset pairs with every address',
      [{ addresses: addresses('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }, { port: 443 }] }],
      '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
    ],
    [
      'counts run across subsets',
      [
        { addresses: addresses('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }] },
        { addresses: addresses('10.0.1.1', '10.0.1.2', '10.0.1.3'), ports: [{ port: 8080 }] },
      ],
      '10.0.0.1:80,10.0.0.2:80,10.0.1.1:8080 + 2 more...',
    ],
    ['headless without ports shows bare IPs', [{ addresses: addresses('10.0.0.1', '10.0.0.2') }], '10.0.0.1,10.0.0.2'],
    ['IPv6 addresses are bracketed', [{ addresses: addresses('fd00::1'), ports: [{ port: 80 }] }], '[fd00::1]:80'],
    ['only not-ready addresses', [{ notReadyAddresses: addresses('10.0.0.1'), ports: [{ port: 80 }] }], ''],
  ];
  for (const [name, subsets, expected] of cases) t.equal(formatEndpoints(endpoints(subsets)), expected, name);
});

t.test('endpoints row', async (t) => {
  t.same(
    endpointsPrinter.columns.map((c) => c.name),
    ['Name', 'Endpoints', 'Age'],
  );
  const now = Date.parse('2024-05-01T12:00:00Z');
  t.same(endpointsPrinter.cells(endpoints([{ addresses: addresses('10.0.0.1'), ports: [{ port: 80 }] }]), now), [
    'web',
    '10.0.0.1:80',
    '60m',
  ]);
});
