import t from 'tap';
import { attributesFor } from './attributes.js';
import { userOf } from './testing.js';

const user = userOf('alice');

t.test('HTTP requests map to Kubernetes verbs', async (t) => {
  const cases: Array<[string, string, string, string]> = [
    ['GET', '/api/v1/namespaces/default/pods/web', '', 'get'],
    ['HEAD', '/api/v1/namespaces/default/pods/web', '', 'get'],
    ['GET', '/api/v1/namespaces/default/pods', '', 'list'],
    ['GET', '/api/v1/namespaces/default/pods', 'watch=true', 'watch'],
    ['GET', '/api/v1/namespaces/default/pods', 'watch=1', 'watch'],
    ['GET', '/api/v1/namespaces/default/pods/web', 'watch=true', 'watch'],
    ['POST', '/api/v1/namespaces/default/pods', '', 'create'],
    ['PUT', '/api/v1/namespaces/default/pods/web', '', 'update'],
    ['PATCH', '/api/v1/namespaces/default/pods/web', '', 'patch'],
    ['DELETE', '/api/v1/namespaces/default/pods/web', '', 'delete'],
    ['DELETE', '/api/v1/namespaces/default/pods', '', 'deletecollection'],
    ['POST', '/api/v1/namespaces/default/pods/web/binding', '', 'create'],
  ];
  for (const [method, path, query, verb] of cases) {
    const attrs = attributesFor({ user, method, path, query: new URLSearchParams(query) });
    t.equal(attrs.verb, verb, `${method} ${path}?${query}`);
    t.equal(attrs.resourceRequest, true);
  }
});

t.test('resource attributes', async (t) => {
  t.match(attributesFor({ user, method: 'GET', path: '/apis/apps/v1/namespaces/ns1/deployments/d/scale' }), {
    apiGroup: 'apps',
    apiVersion: 'v1',
    resource: 'deployments',
    subresource: 'scale',
    namespace: 'ns1',
    name: 'd',
    path: '/apis/apps/v1/namespaces/ns1/deployments/d/scale',
  });
  t.match(
    attributesFor({ user, method: 'GET', path: '/api/v1/pods' }),
    { verb: 'list', namespace: '', name: '' },
    'all namespaces',
  );
  t.match(
    attributesFor({ user, method: 'GET', path: '/api/v1/namespaces/team' }),
    { resource: 'namespaces', name: 'team', namespace: 'team' },
    'a namespace is in itself',
  );
  t.match(attributesFor({ user, method: 'GET', path: '/api/v1/namespaces' }), {
    verb: 'list',
    resource: 'namespaces',
    namespace: '',
  });
  t.match(
    attributesFor({
      user,
      method: 'GET',
      path: '/api/v1/namespaces/default/secrets',
      query: new URLSearchParams('watch=true&fieldSelector=metadata.name%3Dtok'),
    }),
    { verb: 'watch', name: 'tok' },
    'a list or watch for one name is about that name',
  );
  t.match(
    attributesFor({
      user,
      method: 'GET',
      path: '/api/v1/namespaces/default/secrets',
      query: new URLSearchParams('fieldSelector=metadata.name%3Da,metadata.namespace%3Ddefault'),
    }),
    { verb: 'list', name: 'a' },
  );
});

t.test('non-resource requests use the lower-case method', async (t) => {
  for (const [method, path] of [
    ['GET', '/healthz'],
    ['GET', '/api'],
    ['GET', '/apis/apps'],
    ['GET', '/apis/apps/v1'],
    ['POST', '/metrics'],
  ] as const) {
    const attrs = attributesFor({ user, method, path });
    t.equal(attrs.resourceRequest, false, path);
    t.equal(attrs.verb, method.toLowerCase());
    t.equal(attrs.path, path);
  }
});
