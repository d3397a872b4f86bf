import t from 'tap';
import { VERSION_OVERHEAD_BYTES } from './keyspace.js';
import { deleteRangeRequest, putRequest, rangeRequest } from './requests.js';
import { MvccStore } from './store.js';

/** A store with room for exactly three one-byte keys with one-byte values. */
function tight(): MvccStore {
  return new MvccStore({ limits: { quotaBytes: 3 * (2 + VERSION_OVERHEAD_BYTES) } });
}

t.test('a put past the quota fails with noSpace and raises the NOSPACE alarm', async (t) => {
  const s = tight();
  s.put('a', '1');
  s.put('b', '1');
  s.put('c', '1');
  t.same(s.alarms, []);
  t.throws(() => s.put('d', '1'), { code: 'noSpace' });
  t.same(s.alarms, ['NOSPACE']);
  t.same(s.alarm('get').alarms, ['NOSPACE']);
  t.equal(s.revision, 4);
});

t.test('under NOSPACE, puts, txns with puts and grants fail; reads, deletes and compaction work', async (t) => {
  const s = tight();
  s.put('a', '1');
  s.alarm('activate', 'NOSPACE');
  t.throws(() => s.put('b', '1'), { code: 'noSpace' });
  t.throws(() => s.txn({ failure: [putRequest('b', '1')] }), { code: 'noSpace' }, 'a put in any branch counts');
  t.throws(() => s.grant(1, 10), { code: 'noSpace' });
  t.equal(s.range('a').count, 1);
  t.equal(s.txn({ success: [rangeRequest('a'), deleteRangeRequest('a')] }).header.revision, 3);
  t.doesNotThrow(() => s.compact(3));
});

t.test('disarming the alarm lets writes in again, while they fit', async (t) => {
  const s = tight();
  for (const k of ['a', 'b', 'c']) s.put(k, '1');
  t.throws(() => s.put('d', '1'), { code: 'noSpace' });
  s.deleteRange('a', { fromKey: true });
  s.compact(s.revision);
  t.throws(() => s.put('d', '1'), { code: 'noSpace' }, 'freed space is not enough while the alarm is raised');
  t.same(s.alarm('deactivate', 'NOSPACE').alarms, []);
  t.doesNotThrow(() => s.put('d', '1'));
});

t.test('a txn is charged for its costlier branch', async (t) => {
  const s = tight();
  s.put('a', '1');
  s.put('b', '1');
  t.throws(() => s.txn({ success: [putRequest('c', '1')], failure: [putRequest('d', '1'), putRequest('e', '1')] }), {
    code: 'noSpace',
  });
});

t.test('the alarm request validates its action and alarm', async (t) => {
  const s = new MvccStore();
  t.throws(() => s.alarm('activate'), { code: 'invalidRequest' });
  t.throws(() => s.apply({ type: 'alarm', action: 'explode' as 'get' }), { code: 'invalidRequest' });
  t.throws(() => s.apply({ type: 'alarm', action: 'activate', alarm: 'CORRUPT' as 'NOSPACE' }), {
    code: 'invalidRequest',
  });
  t.same(s.alarm('activate', 'NOSPACE').alarms, ['NOSPACE']);
});
