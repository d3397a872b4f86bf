import t from 'tap';
import { Packr } from 'msgpackr';
import { MvccStore } from './store.js';
import type { Request } from './types.js';
import { checkWrites, inSpan, prefixSpan, spanOf } from './validate.js';

const bad = (r: unknown): Request => r as Request;

t.test('malformed requests are refused with invalidRequest', async (t) => {
  const s = new MvccStore();
  for (const r of [
    null,
    { type: 'explode' },
    { type: 'range', key: 5 },
    { type: 'range', key: 'a', rangeEnd: 5 },
    { type: 'range', key: 'a', limit: -1 },
    { type: 'range', key: 'a', revision: 1.5 },
    { type: 'put', key: 'a', value: 7 },
    { type: 'put', key: 'a', value: 'v', lease: -3 },
    { type: 'txn', compare: [], success: 'x', failure: [] },
    { type: 'txn', compare: [], success: [{ type: 'compact', revision: 1 }], failure: [] },
    { type: 'txn', compare: [{ key: 'a', target: 'color', result: '=', value: 1 }], success: [], failure: [] },
    { type: 'txn', compare: [{ key: 'a', target: 'version', result: '~', value: 1 }], success: [], failure: [] },
    { type: 'txn', compare: [{ key: 'a', target: 'version', result: '=', value: 'x' }], success: [], failure: [] },
    { type: 'txn', compare: [{ key: 'a', target: 'value', result: '=', value: 1 }], success: [], failure: [] },
    { type: 'compact', revision: -1 },
    { type: 'leaseRevoke', id: 'x' },
    { type: 'leaseTimeToLive', id: -1 },
  ]) {
    t.throws(() => s.apply(bad(r)), { code: 'invalidRequest' }, JSON.stringify(r));
  }
});

t.test('spans follow etcd', async (t) => {
  t.same(spanOf('a', undefined), { start: 'a', end: '' });
  t.same(prefixSpan(''), { start: '\x00', end: '\x00' });
  t.same(prefixSpan('ab'), { start: 'ab', end: 'ac' });
  t.ok(inSpan('a', { start: 'a', end: '' }));
  t.notOk(inSpan('ab', { start: 'a', end: '' }));
  t.ok(inSpan('zz', { start: 'b', end: '\x00' }));
  t.notOk(inSpan('c', { start: 'a', end: 'c' }));
});

t.test('checkWrites returns what a branch may write', async (t) => {
  const w = checkWrites([
    { type: 'put', key: 'a', value: '' },
    { type: 'deleteRange', key: 'b', rangeEnd: 'c' },
    { type: 'range', key: 'a' },
    {
      type: 'txn',
      compare: [],
      success: [{ type: 'put', key: 'x', value: '' }],
      failure: [{ type: 'put', key: 'x', value: '' }],
    },
  ]);
  t.same([...w.puts].sort(), ['a', 'x']);
  t.same(w.deletes, [{ start: 'b', end: 'c' }]);
});

t.test('requests that crossed an encoder with undefined turned into null still apply', async (t) => {
  const packr = new Packr({ encodeUndefinedAsNil: true });
  const wire = <R extends Request>(r: R): R => packr.unpack(packr.pack(r)) as R;
  const s = new MvccStore();
  t.equal(s.apply(wire({ type: 'put', key: 'a', value: 'v', lease: undefined, prevKv: undefined })).header.revision, 2);
  t.equal(
    s.apply(wire({ type: 'range', key: 'a', rangeEnd: undefined, limit: undefined, revision: undefined })).count,
    1,
  );
  const txn = wire({
    type: 'txn',
    compare: [{ key: 'a', rangeEnd: undefined, target: 'version', result: '=', value: 1 }],
    success: [{ type: 'deleteRange', key: 'a', rangeEnd: undefined }],
    failure: [],
  });
  t.equal(s.apply(txn).succeeded, true);
  t.same(s.apply(wire({ type: 'alarm', action: 'get', alarm: undefined })).alarms, []);
  t.equal(s.watch('a', { startRevision: null as unknown as undefined }).id, 1);
});
