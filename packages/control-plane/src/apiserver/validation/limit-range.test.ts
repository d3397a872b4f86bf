import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { limitRangeStrategy } from './limit-range.js';

const lr = (...limits: unknown[]): KubeObject => ({ metadata: { name: 'l', namespace: 'default' }, spec: { limits } });

t.test('Container items are defaulted from max, default and min', async (t) => {
  const obj = lr({ type: 'Container', max: { cpu: '2' }, min: { memory: '1Mi' } });
  limitRangeStrategy.defaults(obj);
  t.same((obj.spec as { limits: unknown[] }).limits[0], {
    type: 'Container',
    max: { cpu: '2' },
    min: { memory: '1Mi' },
    default: { cpu: '2' },
    defaultRequest: { cpu: '2', memory: '1Mi' },
  });
});

t.test('inconsistent items are refused with Kubernetes messages', async (t) => {
  const messages = (obj: KubeObject) => limitRangeStrategy.validate(obj).map((e) => `${e.field}: ${e.message}`);
  t.same(messages(lr({ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' }, default: { cpu: '500m' } })), []);
  t.same(messages(lr({ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } })), [
    'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
  ]);
  t.same(messages(lr({ type: 'Container', default: { cpu: '2' }, max: { cpu: '1000m' } })), [
    'spec.limits[0].default[cpu]: Invalid value: "1": default value 2 is greater than max value 1',
  ]);
  t.match(messages(lr({ type: 'Pod', default: { cpu: '1' } })), [/default: Forbidden: may not be specified/]);
  t.match(messages(lr({ type: 'Nope' })), [/type: Unsupported value: "Nope"/]);
  t.match(messages(lr({ type: 'Pod' }, { type: 'Pod' })), [/limits\[1\].type: Duplicate value/]);
  t.match(messages(lr({ type: 'Container', maxLimitRequestRatio: { cpu: '500m' } })), [/ratio 500m is less than 1/]);
});
