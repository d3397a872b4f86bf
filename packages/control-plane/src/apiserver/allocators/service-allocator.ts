/**
 * Service allocations, as kube-apiserver makes them: a cluster IP from the service CIDR for
 * every Service that is not headless or ExternalName, and node ports from the node port range
 * for NodePort and LoadBalancer Services. Each allocation is a key of its own
 * (`/registry/allocations/serviceips/<ip>`, `/registry/allocations/nodeports/<port>`) created in
 * the same txn as the Service, guarded by "key does not exist": two concurrent creates can
 * never get the same address, and a failed create leaves nothing allocated.
 */
import type { Compare, KV, RequestOp } from '@bosun/raft-kv';
import { ApiError, fieldError } from '../api/errors.js';
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { AdmissionStep } from '../admission/types.js';
import { storeCall } from '../storage/object-store.js';
import type { TxnExtra } from '../storage/object-store.js';
import type { Cidr } from './ipv4.js';
import { cidrContains, formatIPv4, parseIPv4 } from './ipv4.js';

const IP_PREFIX = '/registry/allocations/serviceips/';
const PORT_PREFIX = '/registry/allocations/nodeports/';

/** The ranges allocations come from. */
export interface ServiceRanges {
  readonly serviceCidr: Cidr;
  /** Inclusive node port range, 30000-32767 by default. */
  readonly nodePorts: { readonly min: number; readonly max: number };
}

interface ServicePort {
  port?: number;
  nodePort?: number;
  protocol?: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

/** A Service's spec (typed loosely: validation has checked the shapes that matter). */
function specOf(obj: KubeObject): ServiceSpec {
  return (obj.spec ?? {}) as ServiceSpec;
}

function wantsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

function wantsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

/** The first usable address of the range: the `kubernetes` Service's cluster IP. */
export function apiServerServiceIP(ranges: ServiceRanges): string {
  return formatIPv4(ranges.serviceCidr.base + 1);
}

/**
 * Fills in what an update left out that the old object had allocated (its cluster IPs and node
 * ports), as kube-apiserver does, so that `replace -f` and apply with a manifest keep them.
 */
export function keepAllocatedValues(obj: KubeObject, old: KubeObject): void {
  const spec = specOf(obj);
  const before = specOf(old);
  if (
    wantsClusterIP(spec) &&
    wantsClusterIP(before) &&
    (spec.clusterIP ?? '') === '' &&
    before.clusterIP !== undefined
  ) {
    spec.clusterIP = before.clusterIP;
    spec.clusterIPs = before.clusterIPs ?? [before.clusterIP];
  }
  if (
    (spec.clusterIPs === undefined || spec.clusterIPs.length === 0) &&
    spec.clusterIP !== undefined &&
    spec.clusterIP !== ''
  ) {
    spec.clusterIPs = [spec.clusterIP];
  }
  if (wantsNodePorts(spec) && wantsNodePorts(before)) {
    for (const port of spec.ports ?? []) {
      if (port.nodePort !== undefined && port.nodePort !== 0) continue;
      const match = (before.ports ?? []).find(
        (p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
      );
      if (match?.nodePort !== undefined) port.nodePort = match.nodePort;
    }
  }
  if (!wantsNodePorts(spec)) {
    // Changing the type to ClusterIP drops the node ports the old type had.
    for (const port of spec.ports ?? []) {
      const had = (before.ports ?? []).some((p) => p.nodePort === port.nodePort);
      if (had) delete port.nodePort;
    }
  }
}

/** The service allocation admission step. */
export function serviceAllocator(kv: KV, ranges: ServiceRanges, random: () => number = Math.random): AdmissionStep {
  const portCount = ranges.nodePorts.max - ranges.nodePorts.min + 1;

  async function taken(prefix: string): Promise<Set<string>> {
    const res = await storeCall(() => kv.range(prefix, { rangeEnd: prefix.slice(0, -1) + '0', keysOnly: true }));
    return new Set(res.kvs.map((k) => Buffer.from(k.key).toString('utf8').slice(prefix.length)));
  }

  function pick(used: Set<string>, size: number, candidate: (i: number) => string | undefined): string | undefined {
    const start = Math.floor(random() * size);
    for (let i = 0; i < size; i++) {
      const c = candidate((start + i) % size);
      if (c !== undefined && !used.has(c)) return c;
    }
    return undefined;
  }

  function claim(
    prefix: string,
    value: string,
    owner: string,
    extra: { compare: Compare[]; success: RequestOp[] },
  ): void {
    const key = prefix + value;
    extra.compare.push({ key, target: 'createRevision', result: '=', value: 0 });
    extra.success.push({ type: 'put', key, value: owner });
  }

  function release(prefix: string, value: string, extra: { success: RequestOp[] }): void {
    extra.success.push({ type: 'deleteRange', key: prefix + value });
  }

  async function allocate(obj: KubeObject, old: KubeObject | undefined): Promise<TxnExtra> {
    const spec = specOf(obj);
    const before = old === undefined ? {} : specOf(old);
    const owner = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const extra = { compare: [] as Compare[], success: [] as RequestOp[] };
    const errors: FieldError[] = [];

    const oldIP = wantsClusterIP(before) ? before.clusterIP : undefined;
    if (wantsClusterIP(spec)) {
      const requested = spec.clusterIP ?? '';
      if (requested !== '' && requested === oldIP) {
        // Kept from before.
      } else if (requested !== '') {
        const addr = parseIPv4(requested);
        if (addr === undefined || !cidrContains(ranges.serviceCidr, addr) || addr === ranges.serviceCidr.base) {
          errors.push(
            fieldError.invalid(
              'spec.clusterIPs',
              [requested],
              `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${ranges.serviceCidr.text}`,
            ),
          );
        } else if ((await taken(IP_PREFIX)).has(requested)) {
          errors.push(
            fieldError.invalid(
              'spec.clusterIPs',
              [requested],
              `failed to allocate IP ${requested}: provided IP is already allocated`,
            ),
          );
        } else {
          claim(IP_PREFIX, requested, owner, extra);
        }
      } else {
        const used = await taken(IP_PREFIX);
        // Skip the network address and the broadcast address.
        const ip = pick(used, ranges.serviceCidr.size - 2, (i) => formatIPv4(ranges.serviceCidr.base + 1 + i));
        if (ip === undefined) throw new ApiError('InternalError', `failed to allocate a serviceIP: range is full`);
        spec.clusterIP = ip;
        claim(IP_PREFIX, ip, owner, extra);
      }
      if (spec.clusterIP !== undefined && spec.clusterIP !== '') spec.clusterIPs = [spec.clusterIP];
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    }
    if (oldIP !== undefined && oldIP !== '' && oldIP !== spec.clusterIP) release(IP_PREFIX, oldIP, extra);

    const oldPorts = new Set(
      wantsNodePorts(before) ? (before.ports ?? []).map((p) => p.nodePort).filter((p) => p !== undefined) : [],
    );
    const keptPorts = new Set<number>();
    if (wantsNodePorts(spec)) {
      let used: Set<string> | undefined;
      for (const [i, port] of (spec.ports ?? []).entries()) {
        const requested = port.nodePort ?? 0;
        if (requested !== 0 && oldPorts.has(requested)) {
          keptPorts.add(requested);
          continue;
        }
        used ??= await taken(PORT_PREFIX);
        if (requested !== 0) {
          if (requested < ranges.nodePorts.min || requested > ranges.nodePorts.max) {
            errors.push(
              fieldError.invalid(
                `spec.ports[${i}].nodePort`,
                requested,
                `provided port is not in the valid range. The range of valid ports is ${ranges.nodePorts.min}-${ranges.nodePorts.max}`,
              ),
            );
          } else if (used.has(String(requested)) || keptPorts.has(requested)) {
            errors.push(
              fieldError.invalid(`spec.ports[${i}].nodePort`, requested, 'provided port is already allocated'),
            );
          } else {
            claim(PORT_PREFIX, String(requested), owner, extra);
            used.add(String(requested));
            keptPorts.add(requested);
          }
          continue;
        }
        const chosen = pick(used, portCount, (n) => String(ranges.nodePorts.min + n));
        if (chosen === undefined) throw new ApiError('InternalError', 'failed to allocate a nodePort: range is full');
        port.nodePort = Number(chosen);
        used.add(chosen);
        keptPorts.add(port.nodePort);
        claim(PORT_PREFIX, chosen, owner, extra);
      }
    }
    for (const p of oldPorts) if (!keptPorts.has(p)) release(PORT_PREFIX, String(p), extra);

    if (errors.length > 0) throw ApiError.invalid({ group: '', kind: 'Service' }, obj.metadata.name ?? '', errors);
    return extra;
  }

  return {
    name: 'ServiceAllocation',
    async admit(req) {
      if (req.def.group !== '' || req.def.kind !== 'Service') return;
      if (req.operation === 'DELETE') {
        const extra = { success: [] as RequestOp[] };
        const spec = specOf(req.object);
        if (wantsClusterIP(spec) && spec.clusterIP) release(IP_PREFIX, spec.clusterIP, extra);
        if (wantsNodePorts(spec))
          for (const p of spec.ports ?? []) if (p.nodePort) release(PORT_PREFIX, String(p.nodePort), extra);
        return extra;
      }
      if (req.subresource !== '') return;
      if (req.operation === 'UPDATE' && req.old !== undefined) keepAllocatedValues(req.object, req.old);
      return allocate(req.object, req.old);
    },
  };
}
