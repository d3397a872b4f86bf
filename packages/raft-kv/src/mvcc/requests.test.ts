import t from 'tap';
import { plain } from './model.test.util.js';
import { deleteRangeRequest, isReadOnly, keyRange, putRequest, rangeRequest, txnRequest } from './requests.js';

t.test('range options become etcd key ranges', async (t) => {
  t.same(plain(keyRange('a', {})), { key: 'a' });
  t.same(plain(keyRange('a', { rangeEnd: 'c' })), { key: 'a', rangeEnd: 'c' });
  t.same(plain(keyRange('ab', { prefix: true })), { key: 'ab', rangeEnd: 'ac' });
  t.same(plain(keyRange(new Uint8Array([0x61, 0xff]), { prefix: true })), { key: 'a\xff', rangeEnd: 'b' });
  t.same(plain(keyRange('', { prefix: true })), { key: '\x00', rangeEnd: '\x00' });
  t.same(plain(keyRange('k', { fromKey: true })), { key: 'k', rangeEnd: '\x00' });
  t.same(plain(keyRange('', { fromKey: true })), { key: '\x00', rangeEnd: '\x00' });
});

t.test('builders make plain requests', async (t) => {
  t.same(plain(rangeRequest('a', { prefix: true, limit: 2, keysOnly: true })), {
    type: 'range',
    key: 'a',
    rangeEnd: 'b',
    limit: 2,
    keysOnly: true,
  });
  t.same(putRequest('k', 'v', { lease: 3 }), { type: 'put', key: 'k', value: 'v', lease: 3 });
  t.same(plain(deleteRangeRequest('a', { fromKey: true, prevKv: true })), {
    type: 'deleteRange',
    key: 'a',
    rangeEnd: '\x00',
    prevKv: true,
  });
  t.same(txnRequest({}), { type: 'txn', compare: [], success: [], failure: [] });
});

t.test('isReadOnly tells reads from writes', async (t) => {
  t.ok(isReadOnly(rangeRequest('a')));
  t.ok(isReadOnly({ type: 'leaseTimeToLive', id: 1 }));
  t.ok(isReadOnly({ type: 'leaseLeases' }));
  t.ok(isReadOnly({ type: 'alarm', action: 'get' }));
  t.notOk(isReadOnly({ type: 'alarm', action: 'deactivate', alarm: 'NOSPACE' }));
  t.ok(isReadOnly(txnRequest({ success: [rangeRequest('a'), txnRequest({ failure: [rangeRequest('b')] })] })));
  t.notOk(isReadOnly(txnRequest({ failure: [txnRequest({ success: [putRequest('a', 'b')] })] })));
  t.notOk(isReadOnly(putRequest('a', 'b')));
  t.notOk(isReadOnly({ type: 'compact', revision: 2 }));
  t.notOk(isReadOnly({ type: 'leaseGrant', id: 1, ttl: 5 }));
});
