import t from 'tap';
import { ReadOnly } from './read-only.js';

const ctx = (s: string) => new TextEncoder().encode(s);

t.test('ReadOnly: acknowledgements are counted per read context', async (t) => {
  const ro = new ReadOnly();
  ro.add(5, '2', ctx('a'));
  ro.add(5, '2', ctx('a'));
  t.same([...(ro.recvAck('1', ctx('a')) ?? [])], ['1']);
  t.same([...(ro.recvAck('3', ctx('a')) ?? [])].sort(), ['1', '3']);
  t.equal(ro.recvAck('3', ctx('zzz')), undefined, 'an unknown context');
});

t.test('ReadOnly: releasing a read releases every read queued before it, in order', async (t) => {
  const ro = new ReadOnly();
  ro.add(5, '1', ctx('a'));
  ro.add(6, '2', ctx('b'));
  ro.add(7, '3', ctx('c'));
  t.same(ro.lastPendingContext(), ctx('c'));
  t.same(
    ro.advance(ctx('b')).map((r) => [r.index, r.from]),
    [
      [5, '1'],
      [6, '2'],
    ],
  );
  t.same(ro.advance(ctx('a')), [], 'already released');
  t.same(ro.lastPendingContext(), ctx('c'));
  ro.reset();
  t.equal(ro.lastPendingContext(), undefined);
});
