import t from 'tap';
import {
  ALL_SERVICE_ACCOUNTS_GROUP,
  ANONYMOUS_USER,
  nodeUserName,
  serviceAccountGroup,
  serviceAccountUserName,
} from './user.js';

t.test("Kubernetes' well-known names", async (t) => {
  t.equal(ANONYMOUS_USER, 'system:anonymous');
  t.equal(ALL_SERVICE_ACCOUNTS_GROUP, 'system:serviceaccounts');
  t.equal(serviceAccountGroup('kube-system'), 'system:serviceaccounts:kube-system');
  t.equal(serviceAccountUserName('default', 'builder'), 'system:serviceaccount:default:builder');
  t.equal(nodeUserName('node-a'), 'system:node:node-a');
});
