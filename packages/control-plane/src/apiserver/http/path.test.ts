import t from 'tap';
import { parsePath } from './path.js';

t.test('resource paths name group, version, namespace, resource, name and subresource', async (t) => {
  t.same(parsePath('/api/v1/namespaces/default/pods'), {
    type: 'resource',
    target: { group: '', version: 'v1', namespace: 'default', resource: 'pods', subresource: '' },
  });
  t.same(parsePath('/api/v1/namespaces/default/pods/web/status'), {
    type: 'resource',
    target: { group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'web', subresource: 'status' },
  });
  t.same(parsePath('/apis/apps/v1/namespaces/ns1/deployments/d/scale'), {
    type: 'resource',
    target: {
      group: 'apps',
      version: 'v1',
      namespace: 'ns1',
      resource: 'deployments',
      name: 'd',
      subresource: 'scale',
    },
  });
  t.same(parsePath('/apis/apps/v1/deployments'), {
    type: 'resource',
    target: { group: 'apps', version: 'v1', resource: 'deployments', subresource: '' },
  });
  t.same(parsePath('/api/v1/nodes/n1'), {
    type: 'resource',
    target: { group: '', version: 'v1', resource: 'nodes', name: 'n1', subresource: '' },
  });
});

t.test('namespaces/<name> is the namespace itself; its status and finalize are subresources', async (t) => {
  t.same(parsePath('/api/v1/namespaces/kube-system'), {
    type: 'resource',
    target: { group: '', version: 'v1', resource: 'namespaces', name: 'kube-system', subresource: '' },
  });
  t.same(parsePath('/api/v1/namespaces/x/status'), {
    type: 'resource',
    target: { group: '', version: 'v1', resource: 'namespaces', name: 'x', subresource: 'status' },
  });
  t.same(parsePath('/api/v1/namespaces'), {
    type: 'resource',
    target: { group: '', version: 'v1', resource: 'namespaces', subresource: '' },
  });
});

t.test('discovery paths and others', async (t) => {
  t.same(parsePath('/api'), { type: 'api' });
  t.same(parsePath('/apis'), { type: 'apis' });
  t.same(parsePath('/api/v1'), { type: 'groupVersion', group: '', version: 'v1' });
  t.same(parsePath('/apis/apps'), { type: 'group', group: 'apps' });
  t.same(parsePath('/apis/apps/v1'), { type: 'groupVersion', group: 'apps', version: 'v1' });
  t.same(parsePath('/version'), { type: 'other', path: '/version' });
  t.same(parsePath('/api/v1/namespaces/a/pods/b/log/extra'), {
    type: 'other',
    path: '/api/v1/namespaces/a/pods/b/log/extra',
  });
});
