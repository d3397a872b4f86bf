import t from 'tap';
import { keysOf, valuesOf } from './model.test.util.js';
import { deleteRangeRequest, putRequest, rangeRequest, txnRequest } from './requests.js';
import { MvccStore } from './store.js';
import type { Compare, RangeResponse, RequestOp, TxnResponse } from './types.js';

function store(): MvccStore {
  const s = new MvccStore();
  s.grant(9, 60);
  s.put('a', 'x'); // rev 2
  s.put('b', 'y', { lease: 9 }); // rev 3
  s.put('b', 'z', { lease: 9 }); // rev 4
  return s;
}

function holds(s: MvccStore, c: Compare): boolean {
  return s.txn({ compare: [c] }).succeeded;
}

t.test('compares on every target with every result', async (t) => {
  const s = store();
  t.ok(holds(s, { key: 'a', target: 'value', result: '=', value: 'x' }));
  t.ok(holds(s, { key: 'a', target: 'value', result: '!=', value: 'y' }));
  t.ok(holds(s, { key: 'a', target: 'value', result: '<', value: 'y' }));
  t.ok(holds(s, { key: 'a', target: 'value', result: '>', value: 'w' }));
  t.notOk(holds(s, { key: 'a', target: 'value', result: '>', value: 'x' }));
  t.ok(holds(s, { key: 'b', target: 'version', result: '=', value: 2 }));
  t.ok(holds(s, { key: 'b', target: 'createRevision', result: '=', value: 3 }));
  t.ok(holds(s, { key: 'b', target: 'modRevision', result: '>', value: 3 }));
  t.ok(holds(s, { key: 'b', target: 'modRevision', result: '<', value: 5 }));
  t.ok(holds(s, { key: 'b', target: 'lease', result: '=', value: 9 }));
  t.ok(holds(s, { key: 'a', target: 'lease', result: '!=', value: 9 }));
});

t.test('a missing key compares as zeros and has no value', async (t) => {
  const s = store();
  t.ok(holds(s, { key: 'nope', target: 'version', result: '=', value: 0 }), 'the create-if-absent guard');
  t.ok(holds(s, { key: 'nope', target: 'modRevision', result: '<', value: 1 }));
  t.notOk(holds(s, { key: 'nope', target: 'value', result: '!=', value: 'x' }), 'value compares on nothing fail');
  t.notOk(holds(s, { key: 'nope', target: 'value', result: '=', value: '' }));
});

t.test('a compare with a range holds only if it holds for every key', async (t) => {
  const s = store();
  t.ok(holds(s, { key: 'a', rangeEnd: 'c', target: 'version', result: '>', value: 0 }));
  t.notOk(holds(s, { key: 'a', rangeEnd: 'c', target: 'version', result: '=', value: 1 }), 'b has version 2');
  t.ok(holds(s, { key: 'a', rangeEnd: '\x00', target: 'createRevision', result: '<', value: 4 }));
  t.notOk(holds(s, { key: 'c', rangeEnd: 'd', target: 'value', result: '=', value: 'x' }), 'an empty range');
  t.ok(holds(s, { key: 'c', rangeEnd: 'd', target: 'version', result: '=', value: 0 }));
});

t.test('every compare must hold for success; the failure branch runs otherwise', async (t) => {
  const s = store();
  const txn = (value: string): TxnResponse =>
    s.txn({
      compare: [
        { key: 'a', target: 'value', result: '=', value },
        { key: 'b', target: 'version', result: '=', value: 2 },
      ],
      success: [putRequest('then', '1')],
      failure: [putRequest('else', '1')],
    });
  const no = txn('nope');
  t.equal(no.succeeded, false);
  t.same(keysOf(s.range('else').kvs), ['else']);
  const yes = txn('x');
  t.equal(yes.succeeded, true);
  t.same(keysOf(s.range('then').kvs), ['then']);
  t.equal(yes.header.revision, 6);
});

t.test("a branch's writes share one revision and later operations see earlier writes", async (t) => {
  const s = store();
  const r = s.txn({
    success: [
      putRequest('c', '1'),
      deleteRangeRequest('a'),
      rangeRequest('a', { fromKey: true }),
      rangeRequest('a', { fromKey: true, revision: 4 }),
    ],
  });
  t.equal(r.header.revision, 5);
  t.same(
    r.responses.map((x) => x.header.revision),
    [5, 5, 5, 5],
  );
  const [, , now, before] = r.responses as [unknown, unknown, RangeResponse, RangeResponse];
  t.same(keysOf(now.kvs), ['b', 'c'], 'the txn reads its own writes');
  t.same(keysOf(before.kvs), ['a', 'b'], 'and can read the past');
  t.match(s.range('c').kvs[0], { modRevision: 5 });
});

t.test('a read-only or empty txn creates no revision', async (t) => {
  const s = store();
  const r = s.txn({ success: [rangeRequest('a')] });
  t.equal(r.header.revision, 4);
  t.same(valuesOf((r.responses[0] as RangeResponse).kvs), ['x']);
  t.equal(s.txn({}).header.revision, 4);
  t.equal(s.txn({ success: [deleteRangeRequest('nope')] }).header.revision, 4);
  t.equal(s.revision, 4);
});

t.test('nested txns run their own branch; their compares see the state before the txn', async (t) => {
  const s = store();
  const r = s.txn({
    success: [
      putRequest('a', 'changed'),
      txnRequest({
        compare: [{ key: 'a', target: 'value', result: '=', value: 'x' }],
        success: [putRequest('inner', 'saw-old')],
        failure: [putRequest('inner', 'saw-new')],
      }),
      txnRequest({
        compare: [{ key: 'zz', target: 'version', result: '>', value: 0 }],
        success: [],
        failure: [txnRequest({ success: [putRequest('deep', '1')] })],
      }),
    ],
  });
  t.equal(r.succeeded, true);
  const [, inner, second] = r.responses as [unknown, TxnResponse, TxnResponse];
  t.equal(inner.succeeded, true, "as in etcd, the nested compare saw a's old value");
  t.equal(second.succeeded, false);
  t.equal((second.responses[0] as TxnResponse).succeeded, true);
  t.same(valuesOf(s.range('inner').kvs), ['saw-old']);
  t.same(keysOf(s.range('deep').kvs), ['deep']);
  t.equal(s.revision, 5, 'one revision for the whole tree');
});

t.test('a txn may not write one key twice', async (t) => {
  const s = store();
  const dup =
    (...ops: RequestOp[]) =>
    () =>
      s.txn({ success: ops });
  t.throws(dup(putRequest('k', '1'), putRequest('k', '2')), { code: 'duplicateKey' });
  t.throws(dup(putRequest('k', '1'), deleteRangeRequest('k')), { code: 'duplicateKey' });
  t.throws(dup(deleteRangeRequest('a', { prefix: true }), putRequest('ab', '1')), { code: 'duplicateKey' });
  t.throws(dup(putRequest('k', '1'), txnRequest({ success: [putRequest('k', '2')] })), { code: 'duplicateKey' });
  t.throws(
    dup(txnRequest({ success: [putRequest('k', '1')] }), txnRequest({ failure: [deleteRangeRequest('k')] })),
    { code: 'duplicateKey' },
    'sibling txns are checked against each other, both branches',
  );
  t.doesNotThrow(dup(deleteRangeRequest('a'), deleteRangeRequest('a', { prefix: true })), 'deletes may overlap');
  t.doesNotThrow(
    dup(txnRequest({ success: [putRequest('k', '1')], failure: [putRequest('k', '2')] })),
    'the branches of one txn never both run',
  );
  t.doesNotThrow(() => s.txn({ success: [putRequest('k', '1')], failure: [putRequest('k', '2')] }));
});

t.test('a failing check leaves the store untouched', async (t) => {
  const s = store();
  const before = s.revision;
  t.throws(() => s.txn({ success: [putRequest('ok', '1'), putRequest('bad', '1', { lease: 404 })] }), {
    code: 'leaseNotFound',
  });
  t.throws(() => s.txn({ success: [putRequest('ok', '1'), putRequest('nokey', '', { ignoreValue: true })] }), {
    code: 'keyNotFound',
  });
  t.throws(() => s.txn({ success: [putRequest('ok', '1'), rangeRequest('a', { revision: 99 })] }), {
    code: 'futureRevision',
  });
  t.throws(
    () => s.txn({ success: [txnRequest({ success: [putRequest('ok', '1'), putRequest('x', '1', { lease: 5 })] })] }),
    {
      code: 'leaseNotFound',
    },
  );
  t.equal(s.revision, before);
  t.same(s.range('ok').kvs, []);
});

t.test('only the branch that runs is checked against the state', async (t) => {
  const s = store();
  const r = s.txn({
    compare: [{ key: 'a', target: 'value', result: '=', value: 'x' }],
    success: [putRequest('ok', '1')],
    failure: [putRequest('bad', '1', { lease: 404 })],
  });
  t.equal(r.succeeded, true);
});

t.test('limits: operations per txn and request size', async (t) => {
  const s = new MvccStore({ limits: { maxTxnOps: 3, maxRequestBytes: 1000 } });
  const puts = (n: number) => Array.from({ length: n }, (_, i) => putRequest(`k${i}`, 'v'));
  t.doesNotThrow(() => s.txn({ success: puts(3) }));
  t.throws(() => s.txn({ success: puts(4) }), { code: 'tooManyOps' });
  t.throws(() => s.txn({ failure: puts(4) }), { code: 'tooManyOps' });
  t.throws(() => s.txn({ success: [txnRequest({ success: puts(4) })] }), { code: 'tooManyOps' }, 'nested too');
  const compares: Compare[] = Array.from({ length: 4 }, () => ({ key: 'a', target: 'version', result: '=', value: 0 }));
  t.throws(() => s.txn({ compare: compares }), { code: 'tooManyOps' });
  t.throws(() => s.put('k', 'v'.repeat(1000)), { code: 'requestTooLarge' });
  t.throws(() => s.txn({ success: [putRequest('k', 'v'.repeat(500)), putRequest('j', 'v'.repeat(500))] }), {
    code: 'requestTooLarge',
  });
});
