import t from 'tap';
import type { ApiError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { plainResource } from '../testing.js';
import { limitRangeStrategy } from '../validation/limit-range.js';
import { LIMIT_RANGER_ANNOTATION, applyLimitRangeDefaults, limitRanger, limitRangeViolations } from './limit-ranger.js';

const pods = plainResource({ kind: 'Pod', plural: 'pods' });

function limitRange(...limits: Record<string, unknown>[]): KubeObject {
  const lr: KubeObject = { kind: 'LimitRange', metadata: { name: 'lr', namespace: 'default' }, spec: { limits } };
  limitRangeStrategy.defaults(lr);
  return lr;
}

function pod(...resources: Record<string, unknown>[]): KubeObject {
  return {
    kind: 'Pod',
    metadata: { name: 'x', namespace: 'default' },
    spec: { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'nginx', resources: r })) },
  };
}

const resourcesOf = (p: KubeObject, i = 0) =>
  ((p.spec as { containers: { resources: unknown }[] }).containers[i]?.resources ?? {}) as Record<string, unknown>;

t.test('defaults: table of LimitRange items and container resources', async (t) => {
  const cases: { name: string; item: Record<string, unknown>; given: Record<string, unknown>; want: unknown }[] = [
    {
      name: 'default and defaultRequest fill an empty container',
      item: { type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } },
      given: {},
      want: { limits: { cpu: '500m' }, requests: { cpu: '100m' } },
    },
    {
      name: 'defaultRequest defaults to default',
      item: { type: 'Container', default: { memory: '1Gi' } },
      given: {},
      want: { limits: { memory: '1Gi' }, requests: { memory: '1Gi' } },
    },
    {
      name: 'default limit comes from max, request from min when no default',
      item: { type: 'Container', max: { cpu: '2' }, min: { memory: '10Mi' } },
      given: {},
      want: { limits: { cpu: '2' }, requests: { cpu: '2', memory: '10Mi' } },
    },
    {
      name: 'stated values are kept',
      item: { type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } },
      given: { limits: { cpu: '1' }, requests: { cpu: '1' } },
      want: { limits: { cpu: '1' }, requests: { cpu: '1' } },
    },
    {
      name: 'Pod items set nothing',
      item: { type: 'Pod', max: { cpu: '2' } },
      given: {},
      want: {},
    },
  ];
  for (const c of cases) {
    const p = pod(structuredClone(c.given));
    applyLimitRangeDefaults(p, [limitRange(c.item)]);
    t.same(resourcesOf(p), c.want, c.name);
  }
  const p = pod({});
  applyLimitRangeDefaults(p, [limitRange({ type: 'Container', default: { cpu: '1', memory: '1Gi' } })]);
  t.equal(
    p.metadata.annotations?.[LIMIT_RANGER_ANNOTATION],
    'LimitRanger plugin set: cpu, memory request for container c0; cpu, memory limit for container c0',
  );
});

t.test('min, max and ratio: table of violations in Kubernetes words', async (t) => {
  const cases: { name: string; item: Record<string, unknown>; res: Record<string, unknown>[]; want: string[] }[] = [
    {
      name: 'limit over max',
      item: { type: 'Container', max: { cpu: '1' } },
      res: [{ limits: { cpu: '2' }, requests: { cpu: '500m' } }],
      want: ['maximum cpu usage per Container is 1, but limit is 2'],
    },
    {
      name: 'request over max',
      item: { type: 'Container', max: { cpu: '1000m' } },
      res: [{ limits: { cpu: '1' }, requests: { cpu: '1500m' } }],
      want: ['maximum cpu usage per Container is 1, but request is 1500m'],
    },
    {
      name: 'no limit with a max',
      item: { type: 'Container', max: { memory: '1Gi' }, default: {} },
      res: [{ requests: { memory: '1Mi' } }],
      want: ['maximum memory usage per Container is 1Gi.  No limit is specified'],
    },
    {
      name: 'request under min',
      item: { type: 'Container', min: { memory: '64Mi' } },
      res: [{ requests: { memory: '32Mi' } }],
      want: ['minimum memory usage per Container is 64Mi, but request is 32Mi'],
    },
    {
      name: 'no request with a min',
      item: { type: 'Container', min: { cpu: '100m' } },
      res: [{}],
      want: ['minimum cpu usage per Container is 100m.  No request is specified'],
    },
    {
      name: 'ratio exceeded',
      item: { type: 'Container', maxLimitRequestRatio: { cpu: '2' } },
      res: [{ limits: { cpu: '1' }, requests: { cpu: '250m' } }],
      want: ['cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000'],
    },
    {
      name: 'within bounds',
      item: { type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '4' } },
      res: [{ limits: { cpu: '1' }, requests: { cpu: '250m' } }],
      want: [],
    },
    {
      name: 'Pod sums its containers',
      item: { type: 'Pod', max: { cpu: '1' } },
      res: [
        { limits: { cpu: '600m' }, requests: { cpu: '100m' } },
        { limits: { cpu: '600m' }, requests: { cpu: '100m' } },
      ],
      want: ['maximum cpu usage per Pod is 1, but limit is 1200m'],
    },
  ];
  for (const c of cases) {
    t.same(limitRangeViolations(pod(...c.res), [limitRange(c.item)]), c.want, c.name);
  }
});

t.test('the steps default then refuse with 403, only on pod creates', async (t) => {
  const ranges = [limitRange({ type: 'Container', max: { cpu: '1' }, default: { cpu: '500m' } })];
  const asked: string[] = [];
  const steps = limitRanger(async (ns) => {
    asked.push(ns);
    return ranges;
  });
  const ok = pod({});
  const req = { operation: 'CREATE' as const, def: pods, subresource: '', object: ok, dryRun: false };
  await steps.mutating.admit(req);
  await steps.validating.admit(req);
  t.same(resourcesOf(ok), { limits: { cpu: '500m' }, requests: { cpu: '500m' } });
  t.same(asked, ['default', 'default']);

  const bad = pod({ limits: { cpu: '2' }, requests: { cpu: '2' } });
  const err = (await steps.validating.admit({ ...req, object: bad }).then(
    () => undefined,
    (e: unknown) => e,
  )) as ApiError | undefined;
  t.equal(err?.code, 403);
  t.equal(err?.message, 'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  const upd = pod({ limits: { cpu: '2' } });
  await steps.validating.admit({ ...req, operation: 'UPDATE', object: upd, old: upd });
  t.same(asked.length, 3, 'updates are not looked at');
});
