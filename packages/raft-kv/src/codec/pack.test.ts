import t from 'tap';
import { Packr } from 'msgpackr';
import { packOwned } from './pack.js';

t.test('a large result is copied out and the shared buffer goes back to small', (t) => {
  const packr = new Packr({ useRecords: false });
  const big = { blob: new Uint8Array(3 * 1024 * 1024).fill(7), n: 1 };
  const packed = packOwned(packr, big);
  t.equal(packed.buffer.byteLength, packed.length, 'the result owns exactly its bytes');
  t.same(packr.unpack(packed), { blob: Buffer.from(big.blob), n: 1 }, 'and decodes to the value');
  const small = packOwned(packr, { a: 1 });
  t.ok(small.buffer.byteLength <= 1 << 20, 'later results come from a small shared buffer');
  t.same(packr.unpack(small), { a: 1 });
  t.end();
});

t.test('small results stay views of the shared buffer (no copy)', (t) => {
  const packr = new Packr({ useRecords: false });
  const a = packOwned(packr, { a: 'x' });
  t.ok(a.buffer.byteLength > a.length, 'a view into the larger shared buffer');
  t.same(packr.unpack(a), { a: 'x' });
  t.end();
});
