import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { AuditEvent, AuditRequest } from './event.js';
import { AuditLog } from './log.js';

const SECRET_DATA = Buffer.from('correct horse battery staple').toString('base64');
const secretBody = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: SECRET_DATA } };

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-audit-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A request as the HTTP handler would describe it, with a body attached the way a careless caller might. */
function secretRequest(verb: string, method: string, code: number, name?: string): AuditRequest {
  return {
    requestURI: `/api/v1/namespaces/default/secrets${name === undefined ? '' : `/${name}`}`,
    verb,
    user: { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'kubectl/v1.31.0 (linux/amd64)',
    target: { group: '', version: 'v1', namespace: 'default', resource: 'secrets', name, subresource: '' },
    code,
    receivedAtMs: 1_000,
    // Not part of AuditRequest: must be ignored.
    ...({ method, requestObject: secretBody, responseObject: secretBody, body: JSON.stringify(secretBody) } as object),
  };
}

const lines = async (path: string): Promise<AuditEvent[]> =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditEvent);

t.test('create, patch and delete of a Secret: one line each, no Secret data, no bodies', async (t) => {
  const path = join(await tempDir(t), 'audit.log');
  let clock = 1_000;
  let id = 0;
  const log = await AuditLog.open(path, { now: () => (clock += 7), newAuditID: () => `id-${++id}` });
  t.ok(log.record(secretRequest('create', 'POST', 201, undefined)));
  t.notOk(log.record(secretRequest('get', 'GET', 200, 'db')), 'reads are not audited');
  t.notOk(log.record(secretRequest('watch', 'GET', 200, undefined)));
  t.ok(log.record(secretRequest('patch', 'PATCH', 200, 'db')));
  t.ok(log.record(secretRequest('delete', 'DELETE', 200, 'db')));
  await log.close();
  const text = await readFile(path, 'utf8');
  t.notMatch(text, SECRET_DATA, 'the Secret data never appears');
  t.notMatch(text, /requestObject|responseObject|"body"|"data"|password/);
  const events = await lines(path);
  t.same(
    events.map((e) => [e.auditID, e.verb, e.responseStatus.code, e.objectRef?.name, e.latencyMs]),
    [
      ['id-1', 'create', 201, undefined, 7],
      ['id-2', 'patch', 200, 'db', 14],
      ['id-3', 'delete', 200, 'db', 21],
    ],
  );
  t.match(events[0], {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
    objectRef: { resource: 'secrets', namespace: 'default', apiVersion: 'v1' },
    sourceIPs: ['127.0.0.1'],
  });
  t.equal(log.stats().written, 3);
  t.equal((await stat(path)).mode & 0o777, 0o600, 'the file is private');
});

t.test('the file is appended to, not replaced', async (t) => {
  const path = join(await tempDir(t), 'audit.log');
  await writeFile(path, '{"earlier":true}\n');
  const log = await AuditLog.open(path);
  log.record(secretRequest('deletecollection', 'DELETE', 200, undefined));
  await log.close();
  const text = (await readFile(path, 'utf8')).split('\n');
  t.equal(text[0], '{"earlier":true}');
  t.match(JSON.parse(text[1] ?? '{}'), { verb: 'deletecollection' });
  t.equal(text.length, 3, 'each record ends with a newline');
});

t.test('failures never throw: they are counted and reported once', async (t) => {
  const path = join(await tempDir(t), 'audit.log');
  const reported: string[] = [];
  let ids = 0;
  const log = await AuditLog.open(path, {
    newAuditID: () => {
      if (++ids === 2) throw new Error('no entropy');
      return `id-${ids}`;
    },
    onError: (err) => {
      reported.push(err.message);
      throw new Error('a reporter that throws');
    },
  });
  t.ok(log.record(secretRequest('create', 'POST', 201)));
  t.notOk(log.record(secretRequest('create', 'POST', 201)), 'a failing record is skipped');
  t.ok(log.record(secretRequest('create', 'POST', 201)), 'and the next one is written');
  await log.close();
  await log.close();
  t.notOk(log.record(secretRequest('create', 'POST', 201)), 'after close: counted, not thrown');
  t.same(log.stats(), { written: 2, failed: 2, dropped: 0 });
  t.same(reported, ['no entropy'], 'reported once');
  t.equal((await lines(path)).length, 2);
});

t.test('records are dropped, not buffered without bound, when the disk falls behind', async (t) => {
  const path = join(await tempDir(t), 'audit.log');
  const reported: string[] = [];
  const log = await AuditLog.open(path, { maxBufferedBytes: 0, onError: (err) => reported.push(err.message) });
  t.ok(log.record(secretRequest('create', 'POST', 201)));
  t.notOk(log.record(secretRequest('create', 'POST', 201)), 'the first write is still in flight');
  await log.close();
  t.same(log.stats(), { written: 1, failed: 0, dropped: 1 });
  t.match(reported, [/behind by more than 0 bytes/]);
});

t.test('opening a path that cannot be written rejects at start', async (t) => {
  const dir = await tempDir(t);
  await t.rejects(AuditLog.open(join(dir, 'missing', 'audit.log')), { code: 'ENOENT' });
});

const hasDevFull = existsSync('/dev/full');
t.test(
  'a failing disk (ENOSPC) is reported once; later records are counted, and close still resolves',
  { skip: hasDevFull ? false : 'no /dev/full here' },
  async (t) => {
    const reported: string[] = [];
    const log = await AuditLog.open('/dev/full', { onError: (err) => reported.push(err.message) });
    t.ok(log.record(secretRequest('create', 'POST', 201)), 'handed to the file');
    // The write fails asynchronously; wait (bounded) until it has been seen.
    for (let i = 0; i < 200 && log.stats().failed === 0; i++) await new Promise((r) => setTimeout(r, 5));
    t.notOk(log.record(secretRequest('delete', 'DELETE', 200, 'db')), 'later records are not written');
    await log.close();
    t.same(log.stats(), { written: 1, failed: 2, dropped: 0 });
    t.equal(reported.length, 1);
    t.match(reported[0], /ENOSPC/);
  },
);
