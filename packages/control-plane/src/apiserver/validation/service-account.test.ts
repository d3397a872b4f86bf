import t from 'tap';
import type { KubeObject } from '../api/types.js';
import { serviceAccountStrategy } from './service-account.js';

t.test('service accounts: subdomain names, namespaced, secret names', async (t) => {
  const sa = (
    name: string,
    body: Record<string, unknown> = {},
    namespace: string | undefined = 'default',
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
    ...body,
  });
  t.same(serviceAccountStrategy.validate(sa('build.bot')), []);
  t.same(
    serviceAccountStrategy.validate(sa('Bot')).map((e) => e.field),
    ['metadata.name'],
  );
  t.same(
    serviceAccountStrategy
      .validate({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot' } })
      .map((e) => e.field),
    ['metadata.namespace'],
  );
  t.same(
    serviceAccountStrategy.validate(sa('bot', { imagePullSecrets: [{ name: 'Reg_Cred' }] })).map((e) => e.field),
    ['imagePullSecrets[0].name'],
  );
});
