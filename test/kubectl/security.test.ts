// The door of a default (secure) `bosun server`, with the real kubectl: users from client
// certificates and tokens, RBAC as Kubernetes has it, the node authorizer, and 401 for
// anyone who cannot prove who they are.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  ensureClusterPki,
  issueClientCertificate,
  issueServiceAccountToken,
  kubeconfigYaml,
  SERVICE_ACCOUNT_AUDIENCE,
} from '@bosun/control-plane';
import { Cluster, findKubectls } from './harness.js';
import type { Kubectl } from './harness.js';

const BIN = new URL('../../packages/cli/src/bin.ts', import.meta.url).pathname;
const kubectls = findKubectls();
const k = kubectls.get(32) ?? kubectls.get(33) ?? kubectls.get(27) ?? [...kubectls.values()][0];

/** A GET with no credentials at all (trusting the cluster CA). */
function anonymous(url: string, path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

if (k === undefined) {
  t.skip('no kubectl on this machine');
} else {
  t.test('users, RBAC, nodes and the 401s of a secure server', async (t) => {
    const cluster = await Cluster.start();
    const scratch = mkdtempSync(join(tmpdir(), 'bosun-security-test-'));
    t.teardown(async () => {
      await cluster.stop();
      rmSync(scratch, { recursive: true, force: true });
    });
    t.match(cluster.url, /^https:\/\//, 'TLS by default');
    // The cluster's own CA (as an operator holding the data dir would issue credentials).
    const pki = await ensureClusterPki(join(cluster.dir, 'data', 'pki'), { hostnames: [], ips: ['127.0.0.1'] });
    const ca = pki.ca.certPem;
    const kubeconfigFor = async (name: string, organizations: string[], signer = pki) => {
      const cert = await issueClientCertificate(signer, { commonName: name, organizations, validityDays: 1 });
      const path = join(scratch, `${name.replace(/[^a-z0-9]/gi, '_')}-${signer === pki ? 'ok' : 'forged'}.yaml`);
      writeFileSync(
        path,
        kubeconfigYaml({
          server: cluster.url,
          caData: ca,
          clientCertificateData: cert.certPem,
          clientKeyData: cert.keyPem,
          userName: name,
        }),
      );
      return path;
    };
    const as = (kubeconfig: string, args: string[]) =>
      cluster.kubectl(k as Kubectl, ['--kubeconfig', kubeconfig, ...args]);
    const admin = (args: string[]) => cluster.kubectl(k as Kubectl, args);

    const open = await anonymous(cluster.url, '/healthz', ca);
    t.equal(open.status, 200, 'health is public');
    const closed = await anonymous(cluster.url, '/api/v1/namespaces/default/pods', ca);
    t.equal(closed.status, 401);
    t.match(closed.body, /"reason":"Unauthorized"/);

    t.equal((await admin(['run', 'web', '--image=nginx'])).code, 0);
    const alice = await kubeconfigFor('alice', []);
    const bob = await kubeconfigFor('bob', ['developers']);
    t.equal((await admin(['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice'])).code, 0);
    const get = await as(alice, ['get', 'pods']);
    t.equal(get.code, 0, get.stderr);
    t.match(get.stdout, /^NAME\s+READY\s+STATUS/);
    const del = await as(alice, ['delete', 'pod', 'web']);
    t.equal(del.code, 1);
    t.match(
      del.stderr,
      'Error from server (Forbidden): pods "web" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default"',
    );
    t.match((await as(alice, ['auth', 'can-i', 'get', 'pods'])).stdout, /^yes/);
    const cannot = await as(alice, ['auth', 'can-i', 'delete', 'pods']);
    t.equal(cannot.code, 1);
    t.match(cannot.stdout, /^no/);
    const nobody = await as(bob, ['get', 'pods']);
    t.equal(nobody.code, 1);
    t.match(
      nobody.stderr,
      /Error from server \(Forbidden\): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"/,
    );
    t.match((await as(bob, ['get', 'nodes'])).stderr, /Forbidden/, 'no binding: forbidden everywhere');

    // Escalation: bob may write roles, but not grant what he does not hold.
    t.equal((await admin(['create', 'clusterrole', 'role-writer', '--verb=create,get', '--resource=roles'])).code, 0);
    t.equal(
      (await admin(['create', 'rolebinding', 'bob-writes-roles', '--clusterrole=role-writer', '--group=developers']))
        .code,
      0,
    );
    const escalate = await as(bob, ['create', 'role', 'secret-reader', '--verb=get', '--resource=secrets']);
    t.equal(escalate.code, 1);
    t.match(escalate.stderr, /is attempting to grant RBAC permissions not currently held/);
    t.equal(
      (await as(bob, ['create', 'role', 'role-reader', '--verb=get', '--resource=roles'])).code,
      0,
      'a role within his own permissions is fine',
    );

    // Credentials that do not prove anything: another CA's certificate, a tampered token.
    const otherCa = await ensureClusterPki(join(scratch, 'other-pki'), { hostnames: [], ips: [] });
    const forged = await kubeconfigFor('bosun-admin', ['system:masters'], otherCa);
    const forgedRun = await as(forged, ['get', 'pods']);
    t.equal(forgedRun.code, 1);
    t.match(forgedRun.stderr, /Unauthorized/);
    t.equal((await admin(['create', 'serviceaccount', 'robot'])).code, 0);
    const robot = JSON.parse((await admin(['get', 'serviceaccount', 'robot', '-o', 'json'])).stdout) as {
      metadata: { uid: string };
    };
    const token = issueServiceAccountToken(pki.serviceAccountKey.privateKeyPem, {
      issuer: SERVICE_ACCOUNT_AUDIENCE,
      audiences: [SERVICE_ACCOUNT_AUDIENCE],
      namespace: 'default',
      serviceAccount: { name: 'robot', uid: robot.metadata.uid },
      now: Date.now(),
      expirationSeconds: 600,
    });
    const tokenConfig = join(scratch, 'robot.yaml');
    writeFileSync(tokenConfig, kubeconfigYaml({ server: cluster.url, caData: ca, token, userName: 'robot' }));
    const robotRun = await as(tokenConfig, ['get', 'pods']);
    t.match(
      robotRun.stderr,
      /User "system:serviceaccount:default:robot" cannot list resource "pods"/,
      'a valid token authenticates',
    );
    // The TokenRequest API: kubectl create token.
    const requested = await admin(['create', 'token', 'robot']);
    t.equal(requested.code, 0, requested.stderr);
    writeFileSync(
      tokenConfig,
      kubeconfigYaml({ server: cluster.url, caData: ca, token: requested.stdout.trim(), userName: 'robot' }),
    );
    t.match(
      (await as(tokenConfig, ['get', 'pods'])).stderr,
      /User "system:serviceaccount:default:robot" cannot list/,
      'a requested token authenticates',
    );
    // A join token from `bosun token create` authenticates as a bootstrapper.
    const joinRun = spawnSync(
      process.execPath,
      ['--import', 'tsx', BIN, 'token', 'create', '--kubeconfig', cluster.kubeconfig, '--ttl', '1h'],
      { encoding: 'utf8' },
    );
    t.equal(joinRun.status, 0, joinRun.stderr);
    const joinToken = joinRun.stdout.trim();
    t.match(joinToken, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    writeFileSync(
      tokenConfig,
      kubeconfigYaml({ server: cluster.url, caData: ca, token: joinToken, userName: 'joiner' }),
    );
    t.match(
      (await as(tokenConfig, ['get', 'pods'])).stderr,
      new RegExp(`User "system:bootstrap:${joinToken.slice(0, 6)}" cannot list`),
      'the join token authenticates',
    );
    // A new namespace gets its default ServiceAccount at once.
    t.equal((await admin(['create', 'namespace', 'fresh'])).code, 0);
    t.equal((await admin(['get', 'serviceaccount', 'default', '-n', 'fresh'])).code, 0);
    const tampered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    writeFileSync(tokenConfig, kubeconfigYaml({ server: cluster.url, caData: ca, token: tampered, userName: 'robot' }));
    const tamperedRun = await as(tokenConfig, ['get', 'pods']);
    t.equal(tamperedRun.code, 1);
    t.match(tamperedRun.stderr, /Unauthorized/);

    // A node reads what its own pods need, and writes only itself.
    for (const args of [
      ['create', 'secret', 'generic', 's1', '--from-literal=a=1'],
      ['create', 'secret', 'generic', 's2', '--from-literal=a=2'],
    ]) {
      t.equal((await admin(args)).code, 0);
    }
    const nodeYaml = (name: string) => `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\n`;
    const podYaml = (name: string, node: string, secret: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  nodeName: ${node}\n  containers:\n  - name: c\n    image: busybox\n    env:\n    - name: S\n      valueFrom:\n        secretKeyRef:\n          name: ${secret}\n          key: a\n`;
    const manifest = join(scratch, 'nodes.yaml');
    writeFileSync(
      manifest,
      [nodeYaml('n1'), nodeYaml('n2'), podYaml('p1', 'n1', 's1'), podYaml('p2', 'n2', 's2')].join('---\n'),
    );
    const created = await admin(['create', '-f', manifest]);
    t.equal(created.code, 0, created.stderr);
    const n1 = await kubeconfigFor('system:node:n1', ['system:nodes']);
    t.equal((await as(n1, ['get', 'secret', 's1'])).code, 0, "a node reads its own pod's secret");
    const other = await as(n1, ['get', 'secret', 's2']);
    t.equal(other.code, 1);
    t.match(other.stderr, /Forbidden/);
    t.equal((await as(n1, ['label', 'node', 'n1', 'zone=a'])).code, 0, 'a node updates itself');
    const otherNode = await as(n1, ['label', 'node', 'n2', 'zone=a']);
    t.equal(otherNode.code, 1);
    t.match(otherNode.stderr, /Forbidden/);
  });
}
