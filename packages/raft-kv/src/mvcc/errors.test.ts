import t from 'tap';
import { MVCC_ERROR_MESSAGES, MvccError, isMvccError } from './errors.js';

t.test('an error carries its code, a readable message and details', async (t) => {
  const e = new MvccError('compacted', 'revision 3', { compactRevision: 5 });
  t.equal(e.code, 'compacted');
  t.equal(e.name, 'MvccError');
  t.equal(e.message, 'required revision has been compacted: revision 3');
  t.equal(e.compactRevision, 5);
  t.ok(e instanceof Error);
  t.equal(new MvccError('noSpace').message, MVCC_ERROR_MESSAGES.noSpace);
});

t.test('errors travel as plain data and come back equal', async (t) => {
  const e = new MvccError('futureRevision', 'x', { revision: 9 });
  const data = e.toData();
  t.same(data, { code: 'futureRevision', message: 'required revision is a future revision: x', revision: 9 });
  const back = MvccError.fromData(JSON.parse(JSON.stringify(data)));
  t.same(back.toData(), data);
  t.same(new MvccError('emptyKey').toData(), { code: 'emptyKey', message: 'key is not provided' });
});

t.test('isMvccError narrows by code', async (t) => {
  const e = new MvccError('leaseNotFound');
  t.ok(isMvccError(e));
  t.ok(isMvccError(e, 'leaseNotFound'));
  t.notOk(isMvccError(e, 'noSpace'));
  t.notOk(isMvccError(new Error('x')));
});
