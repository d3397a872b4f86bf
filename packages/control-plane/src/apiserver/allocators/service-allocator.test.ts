import t from 'tap';
import type { Test } from 'tap';
import type { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { runAdmission } from '../admission/types.js';
import { ObjectStore } from '../storage/object-store.js';
import { plainResource, tempStore } from '../testing.js';
import { parseCidr } from './ipv4.js';
import { apiServerServiceIP, keepAllocatedValues, serviceAllocator } from './service-allocator.js';
import type { ServiceRanges } from './service-allocator.js';

const services = plainResource({ kind: 'Service', plural: 'services' });
const svc = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec,
});
const small: ServiceRanges = { serviceCidr: parseCidr('10.0.0.0/29'), nodePorts: { min: 30000, max: 30003 } };

async function setup(t: Test, ranges = small) {
  const { store, close } = await tempStore();
  t.teardown(close);
  const objects = new ObjectStore(store);
  const step = serviceAllocator(store, ranges);
  /** Creates through admission and the store, as the REST layer does (one txn). */
  const create = async (obj: KubeObject) => {
    const extra = await runAdmission([step], {
      operation: 'CREATE',
      def: services,
      subresource: '',
      object: obj,
      dryRun: false,
    });
    return objects.create(services, obj, extra);
  };
  const remove = async (obj: KubeObject) => {
    const extra = await runAdmission([step], {
      operation: 'DELETE',
      def: services,
      subresource: '',
      object: obj,
      old: obj,
      dryRun: false,
    });
    return objects.delete(services, obj, Number(obj.metadata.resourceVersion), extra);
  };
  const update = async (obj: KubeObject, old: KubeObject) => {
    const extra = await runAdmission([step], {
      operation: 'UPDATE',
      def: services,
      subresource: '',
      object: obj,
      old,
      dryRun: false,
    });
    return objects.update(services, obj, Number(old.metadata.resourceVersion), extra);
  };
  return { store, objects, create, remove, update };
}

const spec = (o: KubeObject) =>
  o.spec as { clusterIP?: string; clusterIPs?: string[]; ports: { port: number; nodePort?: number }[] };

t.test('the first address is the kubernetes Service; others come from the rest of the range', async (t) => {
  t.equal(apiServerServiceIP(small), '10.0.0.1');
  const { create } = await setup(t);
  const a = await create(svc('a', { ports: [{ port: 80 }] }));
  t.match(spec(a).clusterIP, /^10\.0\.0\.[1-6]$/);
  t.same(spec(a).clusterIPs, [spec(a).clusterIP]);
  const headless = await create(svc('h', { clusterIP: 'None', ports: [{ port: 80 }] }));
  t.same(spec(headless).clusterIPs, ['None']);
  const external = await create(svc('e', { type: 'ExternalName', externalName: 'example.com' }));
  t.equal(spec(external).clusterIP, undefined);
});

t.test('concurrent creates never share an address; a full range fails clearly', async (t) => {
  const { create } = await setup(t);
  const results = await Promise.allSettled(
    Array.from({ length: 6 }, (_, i) => create(svc(`s${i}`, { ports: [{ port: 80 }] }))),
  );
  const ips = results.flatMap((r) => (r.status === 'fulfilled' ? [spec(r.value).clusterIP] : []));
  t.equal(new Set(ips).size, ips.length, `distinct: ${ips.join(',')}`);
  // Losers of a race fail with a retryable conflict, never with a duplicate.
  for (const r of results) if (r.status === 'rejected') t.match((r.reason as ApiError).reason, 'Conflict');
  // Fill the rest sequentially; the seventh address does not exist.
  for (let i = ips.length; i < 6; i++) await create(svc(`f${i}`, { ports: [{ port: 80 }] }));
  const err = await create(svc('x', { ports: [{ port: 80 }] })).catch((e: unknown) => e);
  t.match((err as ApiError).message, /range is full/);
});

t.test('a requested address is honoured, or refused with 422 when taken or outside the range', async (t) => {
  const { create } = await setup(t);
  const a = await create(svc('a', { clusterIP: '10.0.0.5', ports: [{ port: 80 }] }));
  t.equal(spec(a).clusterIP, '10.0.0.5');
  const taken = (await create(svc('b', { clusterIP: '10.0.0.5', ports: [{ port: 80 }] })).catch(
    (e: unknown) => e,
  )) as ApiError;
  t.equal(taken.code, 422);
  t.match(taken.message, /provided IP is already allocated/);
  const outside = (await create(svc('c', { clusterIP: '10.1.0.5', ports: [{ port: 80 }] })).catch(
    (e: unknown) => e,
  )) as ApiError;
  t.equal(outside.code, 422);
  t.match(outside.message, /not in the valid range. The range of valid IPs is 10.0.0.0\/29/);
});

t.test('node ports for NodePort and LoadBalancer, released on delete and on a type change', async (t) => {
  const { create, remove, update, store } = await setup(t);
  const np = await create(svc('np', { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] }));
  const ports = spec(np).ports.map((p) => p.nodePort);
  t.equal(ports.length, 2);
  for (const p of ports) t.ok(p !== undefined && p >= 30000 && p <= 30003);
  t.not(ports[0], ports[1]);
  const fixed = (await create(svc('dup', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] })).catch(
    (e: unknown) => e,
  )) as ApiError;
  t.match(fixed.message, /spec.ports\[0\].nodePort: Invalid value: \d+: provided port is already allocated/);
  const out = (await create(svc('out', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })).catch(
    (e: unknown) => e,
  )) as ApiError;
  t.match(out.message, /provided port is not in the valid range. The range of valid ports is 30000-30003/);

  const lb = await create(svc('lb', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
  const lbPort = spec(lb).ports[0]?.nodePort;
  t.ok(lbPort);
  // LoadBalancer -> ClusterIP drops its node port.
  const asClusterIP = structuredClone(lb);
  (asClusterIP.spec as { type: string }).type = 'ClusterIP';
  keepAllocatedValues(asClusterIP, lb);
  t.equal(spec(asClusterIP).ports[0]?.nodePort, undefined);
  await update(asClusterIP, lb);
  await remove(np);
  const left = await store.range('/registry/allocations/nodeports/', { prefix: true });
  t.equal(left.kvs.length, 0, 'every node port is free again');
  const ips = await store.range('/registry/allocations/serviceips/', { prefix: true });
  t.equal(ips.kvs.length, 1, 'only lb keeps its cluster IP');
});

t.test('an update keeps the allocated values a manifest leaves out', async (t) => {
  const old = svc('a', {
    type: 'NodePort',
    clusterIP: '10.0.0.3',
    clusterIPs: ['10.0.0.3'],
    ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }],
  });
  const next = svc('a', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] });
  keepAllocatedValues(next, old);
  t.equal(spec(next).clusterIP, '10.0.0.3');
  t.equal(spec(next).ports[0]?.nodePort, 30001);
});
