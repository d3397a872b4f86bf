// Admission, audit and encryption at rest on a real `bosun server` with the real kubectl:
// ServiceAccount admission, quotas, limit ranges, Pod Security, the audit log of mutating
// requests, and Secrets encrypted in the store's files.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Cluster, findKubectls } from './harness.js';
import type { Kubectl } from './harness.js';

const kubectls = findKubectls();
const k = kubectls.get(32) ?? kubectls.get(33) ?? kubectls.get(27) ?? [...kubectls.values()][0];

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

if (k === undefined) {
  t.skip('no kubectl on this machine');
} else {
  t.test('admission steps, the audit log and Secret encryption', async (t) => {
    const cluster = await Cluster.start({
      args: (dir) => {
        writeFileSync(
          join(dir, 'keys.yaml'),
          `keys:\n  - name: key1\n    secret: ${Buffer.alloc(32, 7).toString('base64')}\n`,
        );
        return ['--audit-log-path', join(dir, 'audit.log'), '--encryption-provider-config', join(dir, 'keys.yaml')];
      },
    });
    t.teardown(() => cluster.stop());
    const run = (args: string[]) => cluster.kubectl(k as Kubectl, args);

    // ServiceAccount admission: the default account and its token volume.
    t.equal((await run(['run', 'sa-pod', '--image=busybox'])).code, 0);
    const pod = JSON.parse((await run(['get', 'pod', 'sa-pod', '-o', 'json'])).stdout) as {
      spec: {
        serviceAccountName: string;
        volumes: { name: string; projected?: unknown }[];
        containers: { volumeMounts: { mountPath: string }[] }[];
      };
    };
    t.equal(pod.spec.serviceAccountName, 'default');
    t.match(pod.spec.volumes[0]?.name, /^kube-api-access-[a-z0-9]{5}$/);
    t.equal(pod.spec.containers[0]?.volumeMounts[0]?.mountPath, '/var/run/secrets/kubernetes.io/serviceaccount');

    // Quota: one pod fits, the second does not.
    t.equal((await run(['create', 'namespace', 'quota-ns'])).code, 0);
    t.equal((await run(['create', 'quota', 'q', '--hard=pods=1', '-n', 'quota-ns'])).code, 0);
    t.equal((await run(['run', 'one', '--image=busybox', '-n', 'quota-ns'])).code, 0);
    const two = await run(['run', 'two', '--image=busybox', '-n', 'quota-ns']);
    t.equal(two.code, 1);
    t.match(
      two.stderr,
      /Error from server \(Forbidden\): pods "two" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1/,
    );

    // LimitRange: defaults and a maximum.
    const limits = join(cluster.dir, 'limits.yaml');
    writeFileSync(
      limits,
      'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: l\n  namespace: default\nspec:\n  limits:\n  - type: Container\n    default:\n      cpu: 500m\n    defaultRequest:\n      cpu: 100m\n    max:\n      cpu: "1"\n',
    );
    t.equal((await run(['create', '-f', limits])).code, 0);
    t.equal((await run(['run', 'limited', '--image=busybox'])).code, 0);
    const limited = JSON.parse((await run(['get', 'pod', 'limited', '-o', 'json'])).stdout) as {
      spec: { containers: { resources: unknown }[] };
    };
    t.same(limited.spec.containers[0]?.resources, { limits: { cpu: '500m' }, requests: { cpu: '100m' } });
    const big = await run([
      'run',
      'big',
      '--image=busybox',
      '--overrides',
      '{"spec":{"containers":[{"name":"big","image":"busybox","resources":{"limits":{"cpu":"2"}}}]}}',
    ]);
    t.equal(big.code, 1);
    t.match(big.stderr, /maximum cpu usage per Container is 1, but limit is 2/);

    // Pod Security: a restricted namespace refuses a pod that is not.
    t.equal((await run(['create', 'namespace', 'locked'])).code, 0);
    t.equal((await run(['label', 'namespace', 'locked', 'pod-security.kubernetes.io/enforce=restricted'])).code, 0);
    const refused = await run(['run', 'loose', '--image=busybox', '-n', 'locked']);
    t.equal(refused.code, 1);
    t.match(
      refused.stderr,
      /pods "loose" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
    );

    // Secrets: encrypted in the store's files; the audit log records the writes, never the data.
    const value = 'very-secret-value-0b5e';
    t.equal((await run(['create', 'secret', 'generic', 'creds', `--from-literal=password=${value}`])).code, 0);
    const got = JSON.parse((await run(['get', 'secret', 'creds', '-o', 'json'])).stdout) as {
      data: { password: string };
    };
    t.equal(Buffer.from(got.data.password, 'base64').toString(), value, 'reads back decrypted');
    const encoded = Buffer.from(value).toString('base64');
    const onDisk = files(join(cluster.dir, 'data', 'store')).filter((f) => {
      const bytes = readFileSync(f);
      return bytes.includes(value) || bytes.includes(encoded);
    });
    t.same(onDisk, [], 'the value is in no store file, in plain or base64');
    t.equal((await run(['delete', 'secret', 'creds'])).code, 0);
    const audit = readFileSync(join(cluster.dir, 'audit.log'), 'utf8');
    t.notMatch(audit, value);
    t.notMatch(audit, encoded);
    const records = audit
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            verb: string;
            objectRef?: { resource?: string; name?: string };
            user: { username: string };
            responseStatus: { code: number };
          },
      );
    t.ok(
      records.some(
        (r) =>
          r.verb === 'create' &&
          r.objectRef?.resource === 'secrets' &&
          r.user.username === 'bosun-admin' &&
          r.responseStatus.code === 201,
      ),
      'the create is audited',
    );
    t.ok(
      records.some((r) => r.verb === 'delete' && r.objectRef?.name === 'creds'),
      'the delete is audited',
    );
    t.notOk(
      records.some((r) => r.verb === 'get' || r.verb === 'list'),
      'reads are not audited',
    );
  });
}
