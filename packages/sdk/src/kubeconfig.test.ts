import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeconfigError, loadKubeconfig } from './kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function config(options: { current?: string; clusters?: object[]; users?: object[]; contexts?: object[] }): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: options.clusters ?? [],
    users: options.users ?? [],
    contexts: options.contexts ?? [],
    ...(options.current === undefined ? {} : { 'current-context': options.current }),
  });
}

t.test('reads ~/.kube/config: current-context, data fields, namespace default', async (t) => {
  const home = t.testdir({
    '.kube': {
      config: config({
        current: 'a',
        clusters: [
          { name: 'ca', cluster: { server: 'https://10.0.0.1:6443/', 'certificate-authority-data': b64('CA-PEM') } },
        ],
        users: [{ name: 'ua', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }],
        contexts: [
          { name: 'a', context: { cluster: 'ca', user: 'ua' } },
          { name: 'b', context: { cluster: 'ca', user: 'ua', namespace: 'team' } },
        ],
      }),
    },
  });
  const a = loadKubeconfig({ env: {}, home });
  t.equal(a.contextName, 'a');
  t.equal(a.server, 'https://10.0.0.1:6443', 'trailing slash dropped');
  t.equal(a.namespace, 'default', 'no namespace in the context means default');
  t.equal(a.ca, 'CA-PEM');
  t.equal(a.cert, 'CERT');
  t.equal(a.key, 'KEY');
  t.equal(a.token, undefined);
  t.equal(a.insecureSkipTLSVerify, false);
  const b = loadKubeconfig({ env: {}, home, context: 'b' });
  t.equal(b.namespace, 'team', 'the given context wins over current-context');
});

t.test('file fields resolve against the kubeconfig directory; tokenFile and insecure', async (t) => {
  const dir = t.testdir({
    conf: {
      'kc.yaml': [
        'apiVersion: v1',
        'kind: Config',
        'current-context: x',
        'clusters:',
        '- name: c',
        '  cluster: { server: "https://h:1", certificate-authority: certs/ca.pem, insecure-skip-tls-verify: true }',
        'users:',
        '- name: u',
        '  user: { client-certificate: certs/c.pem, client-key: certs/k.pem, tokenFile: tok }',
        'contexts:',
        '- name: x',
        '  context: { cluster: c, user: u, namespace: ns1 }',
      ].join('\n'),
      certs: { 'ca.pem': 'CAFILE', 'c.pem': 'CERTFILE', 'k.pem': 'KEYFILE' },
      tok: 'secret-token\n',
    },
  });
  const r = loadKubeconfig({ path: join(dir, 'conf', 'kc.yaml') });
  t.equal(r.ca, 'CAFILE');
  t.equal(r.cert, 'CERTFILE');
  t.equal(r.key, 'KEYFILE');
  t.equal(r.token, 'secret-token');
  t.equal(r.insecureSkipTLSVerify, true);
  t.equal(r.namespace, 'ns1');
});

t.test('KUBECONFIG lists files; the first file wins per entry and for current-context', async (t) => {
  const dir = t.testdir({});
  const one = join(dir, 'one');
  const two = join(dir, 'two');
  writeFileSync(
    one,
    config({
      current: 'ctx',
      clusters: [{ name: 'shared', cluster: { server: 'http://first:1' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'shared', user: 'tok' } }],
    }),
  );
  writeFileSync(
    two,
    config({
      current: 'other',
      clusters: [
        { name: 'shared', cluster: { server: 'http://second:2' } },
        { name: 'only2', cluster: { server: 'http://only2:3' } },
      ],
      users: [{ name: 'tok', user: { token: 'abc' } }],
      contexts: [{ name: 'other', context: { cluster: 'only2' } }],
    }),
  );
  const r = loadKubeconfig({ env: { KUBECONFIG: `${one}:${join(dir, 'missing')}:${two}` } });
  t.equal(r.contextName, 'ctx', 'current-context from the first file that sets it');
  t.equal(r.server, 'http://first:1', 'the first file wins for a cluster both define');
  t.equal(r.token, 'abc', 'a user from the second file');
  t.same(r.files, [one, two], 'missing files in the list are skipped');
  const o = loadKubeconfig({ env: { KUBECONFIG: `${one}:${two}` }, context: 'other' });
  t.equal(o.server, 'http://only2:3');
  t.equal(o.userName, '');
});

t.test('clear errors', async (t) => {
  const dir = t.testdir({
    kc: config({
      current: 'a',
      clusters: [{ name: 'c', cluster: {} }],
      contexts: [
        { name: 'a', context: { cluster: 'nope' } },
        { name: 'b', context: { cluster: 'c' } },
        { name: 'u', context: { cluster: 'c', user: 'ghost' } },
      ],
    }),
    empty: '',
  });
  const path = join(dir, 'kc');
  t.throws(() => loadKubeconfig({ path, context: 'x' }), new KubeconfigError(`no context "x" in kubeconfig ${path}`));
  t.throws(() => loadKubeconfig({ path }), { message: /names cluster "nope", which is not in kubeconfig/ });
  t.throws(() => loadKubeconfig({ path, context: 'b' }), { message: /cluster "c" has no server/ });
  t.throws(() => loadKubeconfig({ path: join(dir, 'empty') }), { message: /has no current-context/ });
  t.throws(() => loadKubeconfig({ path: join(dir, 'absent') }), {
    name: 'KubeconfigError',
    message: /cannot read kubeconfig/,
  });
  const home = join(dir, 'home');
  mkdirSync(home);
  t.throws(() => loadKubeconfig({ env: {}, home }), { message: /cannot read kubeconfig .*\.kube\/config/ });
  writeFileSync(path, 'a: [');
  t.throws(() => loadKubeconfig({ path }), { message: /not valid YAML/ });
});
