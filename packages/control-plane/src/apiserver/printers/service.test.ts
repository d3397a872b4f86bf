import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { serviceExternalIP, servicePorts, servicePrinter } from './service.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function service(spec: object, status: object = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:55:00Z' },
    spec,
    status,
  };
}

t.test('service EXTERNAL-IP for each type', async (t) => {
  const cases: [string, KubeObject, string][] = [
    ['ClusterIP', service({ type: 'ClusterIP' }), '<none>'],
    [
      'ClusterIP with externalIPs',
      service({ type: 'ClusterIP', externalIPs: ['1.2.3.4', '5.6.7.8'] }),
      '1.2.3.4,5.6.7.8',
    ],
    ['NodePort', service({ type: 'NodePort' }), '<none>'],
    ['NodePort with externalIPs', service({ type: 'NodePort', externalIPs: ['1.2.3.4'] }), '1.2.3.4'],
    ['LoadBalancer without ingress', service({ type: 'LoadBalancer' }), '<pending>'],
    [
      'LoadBalancer with ingress IPs and hostnames, sorted',
      service(
        { type: 'LoadBalancer' },
        { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.1' }] } },
      ),
      '203.0.113.1,203.0.113.9,lb.example.com',
    ],
    [
      'LoadBalancer ingress then externalIPs',
      service(
        { type: 'LoadBalancer', externalIPs: ['1.2.3.4'] },
        { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } },
      ),
      '203.0.113.1,1.2.3.4',
    ],
    ['LoadBalancer with only externalIPs', service({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }), '1.2.3.4'],
    [
      'long LoadBalancer lists are not clipped (the server prints wide)',
      service(
        { type: 'LoadBalancer' },
        { loadBalancer: { ingress: [{ hostname: 'a-very-long-name.elb.example.com' }] } },
      ),
      'a-very-long-name.elb.example.com',
    ],
    ['ExternalName', service({ type: 'ExternalName', externalName: 'db.example.com' }), 'db.example.com'],
  ];
  for (const [name, svc, expected] of cases) t.equal(serviceExternalIP(svc), expected, name);
});

t.test('service PORT(S)', async (t) => {
  const cases: [object[] | undefined, string][] = [
    [[{ port: 80, protocol: 'TCP' }], '80/TCP'],
    [
      [
        { name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' },
        { name: 'https', port: 443, protocol: 'TCP' },
      ],
      '80:30080/TCP,443/TCP',
    ],
    [[{ port: 53, protocol: 'UDP' }], '53/UDP'],
    [[], '<none>'],
    [undefined, '<none>'],
  ];
  for (const [ports, expected] of cases) t.equal(servicePorts(service({ ports })), expected, expected);
});

t.test('service rows', async (t) => {
  t.same(
    servicePrinter.columns.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ],
  );
  t.same(
    servicePrinter.cells(
      service({
        type: 'NodePort',
        clusterIP: '10.96.12.7',
        clusterIPs: ['10.96.12.7'],
        selector: { app: 'web' },
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
      }),
      NOW,
    ),
    ['web', 'NodePort', '10.96.12.7', '<none>', '80:30080/TCP', '5m', 'app=web'],
  );
  t.same(
    servicePrinter.cells(
      service({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, protocol: 'TCP' }] }),
      NOW,
    ),
    ['web', 'ClusterIP', 'None', '<none>', '80/TCP', '5m', '<none>'],
  );
  t.same(servicePrinter.cells(service({ type: 'ExternalName', externalName: 'db.example.com' }), NOW), [
    'web',
    'ExternalName',
    '<none>',
    'db.example.com',
    '<none>',
    '5m',
    '<none>',
  ]);
});
