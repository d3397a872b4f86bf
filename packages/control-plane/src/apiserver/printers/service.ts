/** The Service printer: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S) and the wide SELECTOR. */
import type { KubeObject } from '../api/types.js';
import { ageCell } from './age.js';
import { AGE_COLUMN, NAME_COLUMN, column, wideColumn } from './columns.js';
import { field, formatLabels, list, num, str, stringMap, strings } from './fields.js';
import type { TablePrinter } from './types.js';

/** spec.type, `ClusterIP` when unset (the API default). */
function serviceType(service: KubeObject): string {
  return str(field(service, 'spec'), 'type') || 'ClusterIP';
}

/** The load balancer's ingress points: IPs, or hostnames where there is no IP, sorted and de-duplicated. */
function ingressPoints(service: KubeObject): string[] {
  const points = new Set<string>();
  for (const ingress of list(field(field(service, 'status'), 'loadBalancer'), 'ingress')) {
    const point = str(ingress, 'ip') || str(ingress, 'hostname');
    if (point !== '') points.add(point);
  }
  return [...points].sort();
}

/**
 * The EXTERNAL-IP cell: spec.externalIPs (after the load balancer's ingress points for a
 * LoadBalancer), `<pending>` for a LoadBalancer with neither, spec.externalName for ExternalName,
 * `<none>` otherwise. The API server prints wide, so long lists are not clipped.
 */
export function serviceExternalIP(service: KubeObject): string {
  const externalIPs = strings(field(service, 'spec'), 'externalIPs');
  switch (serviceType(service)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...ingressPoints(service), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(field(service, 'spec'), 'externalName');
    default:
      return '<unknown>';
  }
}

/** The PORT(S) cell: `port/PROTOCOL` or `port:nodePort/PROTOCOL` joined by commas, `<none>` without ports. */
export function servicePorts(service: KubeObject): string {
  const ports = list(field(service, 'spec'), 'ports').map((p) => {
    const protocol = str(p, 'protocol') || 'TCP';
    const nodePort = num(p, 'nodePort');
    return nodePort > 0 ? `${num(p, 'port')}:${nodePort}/${protocol}` : `${num(p, 'port')}/${protocol}`;
  });
  return ports.length > 0 ? ports.join(',') : '<none>';
}

/** How `kubectl get services` prints a Service. */
export const servicePrinter: TablePrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The virtual IP of the service inside the cluster (None when headless).'),
    column('External-IP', 'string', 'Addresses reachable from outside the cluster.'),
    column('Port(s)', 'string', 'Service ports, with node ports, and protocols.'),
    AGE_COLUMN,
    wideColumn('Selector', 'string', 'Labels of the pods that back the service.'),
  ],
  cells(service, now) {
    const spec = field(service, 'spec');
    const clusterIP = strings(spec, 'clusterIPs')[0] ?? (str(spec, 'clusterIP') || '<none>');
    return [
      service.metadata.name ?? '',
      serviceType(service),
      clusterIP,
      serviceExternalIP(service),
      servicePorts(service),
      ageCell(service.metadata.creationTimestamp, now),
      formatLabels(stringMap(spec, 'selector')),
    ];
  },
};
