import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { endpointIP, endpointsStrategy } from './endpoints.js';

function endpoints(subsets: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets };
}

const problems = (obj: KubeObject): string[] => {
  endpointsStrategy.defaults(obj);
  return endpointsStrategy.validate(obj).map((e) => `${e.field}: ${e.message}`);
};

t.test('endpoint IPs are valid and not special', async (t) => {
  const cases: [string, number][] = [
    ['10.244.1.5', 0],
    ['fd00::5', 0],
    ['10.244.1', 1],
    ['127.0.0.1', 1],
    ['::1', 1],
    ['169.254.1.1', 1],
    ['0.0.0.0', 1],
    ['224.0.0.1', 1],
  ];
  for (const [ip, count] of cases) t.equal(endpointIP(ip).length, count, ip);
});

t.test('subsets: addresses, ports and protocol defaults', async (t) => {
  const ok = endpoints([{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-1' }], ports: [{ port: 80 }] }]);
  t.same(problems(ok), []);
  t.same((ok.subsets as { ports: unknown[] }[])[0]?.ports, [{ port: 80, protocol: 'TCP' }]);
  t.same(problems(endpoints([{ ports: [{ port: 80 }] }])), [
    'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
  ]);
  t.same(problems(endpoints([{ notReadyAddresses: [{ ip: '10.1.1.1' }], ports: [{ port: 80 }, { port: 81 }] }])), [
    'subsets[0].ports[0].name: Required value',
    'subsets[0].ports[1].name: Required value',
  ]);
  t.same(problems(endpoints([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 0 }] }])), [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
  t.same(problems(endpoints([])), []);
});
