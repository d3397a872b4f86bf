import { defineSuite } from '../suite.js';

/**
 * A baseline that shows a suite's shape and calibrates the machine: encoding and decoding a
 * pod-sized JSON object. Real suites (store, scheduler, API) sit beside this file.
 */
export default defineSuite({
  name: 'baseline',
  register(bench) {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' }, resourceVersion: '42' },
      spec: { containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
      status: { phase: 'Running', podIP: '10.42.0.7' },
    };
    const text = JSON.stringify(pod);
    bench.add('JSON.stringify pod', () => {
      JSON.stringify(pod);
    });
    bench.add('JSON.parse pod', () => {
      JSON.parse(text);
    });
  },
});
