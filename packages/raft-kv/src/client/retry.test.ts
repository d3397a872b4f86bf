import t from 'tap';
import { MvccError } from '../mvcc/errors.js';
import { NodeError } from '../node/raft-node.js';
import { endpointUrl } from './client.js';
import { ClientError } from './errors.js';
import { backoffMs, isSafeToRetry, nextStep } from './retry.js';

t.test('only requests whose repetition is harmless are safe to retry', async (t) => {
  for (const method of ['range', 'status', 'timeToLive', 'leases', 'keepAlive', 'alarm'] as const) {
    t.ok(isSafeToRetry(method, []), method);
  }
  for (const method of ['put', 'deleteRange', 'compact', 'grant', 'revoke', 'watch', 'watchAck'] as const) {
    t.notOk(isSafeToRetry(method, []), method);
  }
  t.ok(isSafeToRetry('txn', [{ success: [{ type: 'range', key: 'a' }] }]), 'a read-only txn');
  t.notOk(isSafeToRetry('txn', [{ failure: [{ type: 'put', key: 'a', value: 'b' }] }]), 'a txn that may write');
});

t.test('what a failed attempt leads to', async (t) => {
  t.match(nextStep(new MvccError('compacted'), true), { kind: 'fail' });
  t.same(nextStep(new NodeError('notLeader', 'x', 'n2'), false), { kind: 'toLeader', leader: 'n2' });
  t.same(nextStep(new NodeError('stopped', 'x'), true), { kind: 'retry', failover: true });
  const stoppedWrite = nextStep(new NodeError('stopped', 'x'), false);
  t.match(stoppedWrite, { kind: 'fail', failover: true, error: { code: 'unavailable', outcomeUnknown: true } });
  t.same(nextStep(new NodeError('timeout', 'x'), true), { kind: 'retry', failover: false });
  t.match(nextStep(new NodeError('timeout', 'x'), false), { kind: 'fail' });
  const lostWrite = new ClientError('unavailable', 'lost', { outcomeUnknown: true });
  t.match(nextStep(lostWrite, false), { kind: 'fail', error: lostWrite });
  t.same(nextStep(lostWrite, true), { kind: 'retry', failover: true });
  t.same(nextStep(new ClientError('unavailable', 'not sent'), false), { kind: 'retry', failover: true });
  t.match(nextStep(new ClientError('timeout'), true), { kind: 'fail' });
  t.match(nextStep('weird', true), { kind: 'fail', error: { message: 'weird' } });
});

t.test('backoff grows to a cap, with jitter', async (t) => {
  t.equal(
    backoffMs(1, () => 0),
    13,
  );
  t.equal(
    backoffMs(1, () => 1),
    25,
  );
  t.equal(
    backoffMs(3, () => 1),
    100,
  );
  t.equal(
    backoffMs(50, () => 1),
    1_000,
  );
  t.equal(
    backoffMs(50, () => 0),
    500,
  );
});

t.test('endpoints are written as URLs, http(s) or host:port', async (t) => {
  t.equal(endpointUrl('127.0.0.1:2379'), 'ws://127.0.0.1:2379/kv');
  t.equal(endpointUrl('http://127.0.0.1:2379'), 'ws://127.0.0.1:2379/kv');
  t.equal(endpointUrl('https://kv.example:443/'), 'wss://kv.example/kv');
  t.equal(endpointUrl('ws://127.0.0.1:1/custom'), 'ws://127.0.0.1:1/custom');
  t.equal(endpointUrl('127.0.0.1:1', '/other'), 'ws://127.0.0.1:1/other');
});

t.test('client errors say when a request may have taken effect', async (t) => {
  const e = new ClientError('timeout', 'put', { outcomeUnknown: true, endpoint: 'ws://a' });
  t.match(e.message, /^the request deadline passed: put; the request may or may not have taken effect$/);
  t.equal(e.endpoint, 'ws://a');
  t.equal(new ClientError('closed').message, 'the client is closed');
});
