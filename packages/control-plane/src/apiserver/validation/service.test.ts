import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { serviceStrategy } from './service.js';

function service(spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}

function problems(obj: KubeObject): string[] {
  serviceStrategy.defaults(obj);
  return serviceStrategy.validate(obj).map((e) => `${e.field}: ${e.message}`);
}

t.test('defaults as core/v1 SetDefaults_Service', async (t) => {
  const cluster = service({ selector: { app: 'web' }, ports: [{ port: 80 }] });
  serviceStrategy.defaults(cluster);
  t.same(cluster.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  const lb = service({ type: 'LoadBalancer', ports: [{ port: 443, targetPort: 'https' }] });
  serviceStrategy.defaults(lb);
  t.match(lb.spec, {
    externalTrafficPolicy: 'Cluster',
    allocateLoadBalancerNodePorts: true,
    ports: [{ port: 443, targetPort: 'https', protocol: 'TCP' }],
  });
  const external = service({ type: 'ExternalName', externalName: 'example.com' });
  serviceStrategy.defaults(external);
  t.same(external.spec, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
  const affinity = service({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  serviceStrategy.defaults(affinity);
  t.same((affinity.spec as Record<string, unknown>).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

t.test('valid services have no problems', async (t) => {
  const cases: Record<string, unknown>[] = [
    { ports: [{ port: 80 }] },
    { clusterIP: 'None' },
    {
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
      ],
    },
    { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
    { type: 'ExternalName', externalName: 'db.example.com.' },
    { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, targetPort: 'http' }] },
  ];
  for (const spec of cases) t.same(problems(service(spec)), [], JSON.stringify(spec));
});

t.test('invalid services report the fields Kubernetes reports', async (t) => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{}, ['spec.ports: Required value']],
    [
      { ports: [{ port: 0 }] },
      [
        'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      { ports: [{ port: 80 }, { port: 81 }] },
      ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
    ],
    [
      {
        ports: [
          { name: 'a', port: 80 },
          { name: 'a', port: 81 },
        ],
      },
      ['spec.ports[1].name: Duplicate value: "a"'],
    ],
    [
      {
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 80 },
        ],
      },
      ['spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}'],
    ],
    [
      { ports: [{ port: 80, protocol: 'HTTP' }] },
      ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    ],
    [
      { ports: [{ port: 80, targetPort: 'Http_1' }] },
      [
        'spec.ports[0].targetPort: Invalid value: "Http_1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    ],
    [
      { ports: [{ port: 80, targetPort: 70000 }] },
      ['spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ],
    [
      { ports: [{ port: 80, nodePort: 30080 }] },
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      { type: 'NodePort', ports: [{ port: 80, nodePort: 70000 }] },
      ['spec.ports[0].nodePort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ],
    [
      { type: 'Weird', ports: [{ port: 80 }] },
      [
        'spec.type: Unsupported value: "Weird": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ],
    [
      { clusterIP: '10.0.0.300', ports: [{ port: 80 }] },
      ['spec.clusterIP: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    ],
    [
      { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] },
      ['spec.clusterIP: Invalid value: "None": may not be set to \'None\' for NodePort services'],
    ],
    [{ type: 'ExternalName' }, ['spec.externalName: Required value']],
    [
      { type: 'ExternalName', externalName: 'a', clusterIP: '10.0.0.1' },
      ['spec.clusterIP: Forbidden: may not be set for ExternalName services'],
    ],
    [
      { externalTrafficPolicy: 'Local', ports: [{ port: 80 }] },
      ["spec.externalTrafficPolicy: Forbidden: may only be set when `type` is 'NodePort' or 'LoadBalancer'"],
    ],
    [
      { sessionAffinity: 'Sticky', ports: [{ port: 80 }] },
      ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
    ],
  ];
  for (const [spec, expected] of cases) t.same(problems(service(spec)), expected, JSON.stringify(spec));
});

t.test('service names are DNS-1035 labels', async (t) => {
  t.match(problems(service({ ports: [{ port: 80 }] }, '1web')), [
    /^metadata\.name: Invalid value: "1web": a DNS-1035 label/,
  ]);
  t.same(problems(service({ ports: [{ port: 80 }] }, 'web-1')), []);
});

t.test('the cluster IP is immutable once set, except across ExternalName', async (t) => {
  const old = service({ clusterIP: '10.96.0.5', clusterIPs: ['10.96.0.5'], ports: [{ port: 80 }] });
  serviceStrategy.defaults(old);
  const changed = service({ clusterIP: '10.96.0.6', ports: [{ port: 80 }] });
  serviceStrategy.defaults(changed);
  t.same(
    serviceStrategy.validateUpdate(changed, old).map((e) => `${e.field}: ${e.message}`),
    ['spec.clusterIP: Invalid value: "10.96.0.6": field is immutable'],
  );
  const kept = service({ clusterIP: '10.96.0.5', ports: [{ port: 8080 }] });
  serviceStrategy.defaults(kept);
  t.same(serviceStrategy.validateUpdate(kept, old), []);
  const toExternal = service({ type: 'ExternalName', externalName: 'example.com' });
  serviceStrategy.defaults(toExternal);
  t.same(serviceStrategy.validateUpdate(toExternal, old), []);
});

t.test('changing the type to ClusterIP tolerates the NodePort fields the old object had', async (t) => {
  const old = service({ type: 'NodePort', ports: [{ port: 80 }] });
  serviceStrategy.defaults(old);
  const next = service({ type: 'ClusterIP', externalTrafficPolicy: 'Cluster', ports: [{ port: 80 }] });
  serviceStrategy.defaults(next);
  t.same(serviceStrategy.validateUpdate(next, old), []);
  const fresh = service({ type: 'ClusterIP', externalTrafficPolicy: 'Cluster', ports: [{ port: 80 }] });
  t.equal(problems(fresh).length, 1);
});
