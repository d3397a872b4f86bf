import t from 'tap';
import { apiVersionOf, collectionPath, RESOURCES, resourceFor } from './resources.js';

t.test('resourceFor maps plurals, singulars, kinds, short names and group-qualified names', async (t) => {
  for (const name of ['pods', 'pod', 'po', 'Pod', ' PODS ']) t.equal(resourceFor(name), RESOURCES.pods, name);
  t.equal(resourceFor('deploy'), RESOURCES.deployments);
  t.equal(resourceFor('deployments.apps'), RESOURCES.deployments);
  t.equal(resourceFor('svc'), RESOURCES.services);
  t.equal(resourceFor('ep'), RESOURCES.endpoints);
  t.equal(resourceFor('cm'), RESOURCES.configMaps);
  t.equal(resourceFor('rs'), RESOURCES.replicaSets);
  t.equal(resourceFor('ns'), RESOURCES.namespaces);
  t.equal(resourceFor('no'), RESOURCES.nodes);
  t.equal(resourceFor('sa'), RESOURCES.serviceAccounts);
  t.equal(resourceFor('ev'), RESOURCES.events);
  t.equal(resourceFor('clusterrolebinding'), RESOURCES.clusterRoleBindings);
  t.equal(resourceFor('leases.coordination.k8s.io'), RESOURCES.leases);
  t.equal(resourceFor('widgets'), undefined);
  t.equal(Object.keys(RESOURCES).length, 16);
});

t.test('paths and apiVersions', async (t) => {
  t.equal(apiVersionOf(RESOURCES.pods), 'v1');
  t.equal(apiVersionOf(RESOURCES.roles), 'rbac.authorization.k8s.io/v1');
  t.equal(collectionPath(RESOURCES.pods, 'a b'), '/api/v1/namespaces/a%20b/pods');
  t.equal(collectionPath(RESOURCES.pods), '/api/v1/pods', 'all namespaces');
  t.equal(collectionPath(RESOURCES.deployments, 'x'), '/apis/apps/v1/namespaces/x/deployments');
  t.equal(collectionPath(RESOURCES.nodes, 'ignored'), '/api/v1/nodes', 'cluster scope ignores the namespace');
});
