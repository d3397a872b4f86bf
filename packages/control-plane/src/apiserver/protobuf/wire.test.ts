import t from 'tap';
import { WireError, WireReader, WireWriter, readFields, readPackedVarints } from './wire.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bin = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));

t.test('varints are written base-128, low group first (protobuf encoding guide examples)', async (t) => {
  t.equal(hex(new WireWriter().varint(1, 150).finish()), '089601');
  t.equal(hex(new WireWriter().varint(2, 300).finish()), '10ac02');
  t.equal(hex(new WireWriter().varint(1, 0).finish()), '0800');
  // A negative int32/int64 takes ten bytes (two's complement of 64 bits).
  t.equal(hex(new WireWriter().varint(1, -1).finish()), '08ffffffffffffffffff01');
  t.equal(hex(new WireWriter().string(2, 'testing').finish()), '120774657374696e67');
  t.equal(hex(new WireWriter().bool(3, true).finish()), '1801');
});

t.test('nested messages are length-delimited', async (t) => {
  const bytes = new WireWriter().message(3, (w) => w.varint(1, 150)).finish();
  t.equal(hex(bytes), '1a03089601');
});

t.test('the reader yields field number, wire type and value', async (t) => {
  const fields = [...readFields(bin('089601 120774657374696e67 1a03089601 08ffffffffffffffffff01'))];
  t.same(
    fields.map((f) => [f.fieldNumber, f.wireType]),
    [
      [1, 0],
      [2, 2],
      [3, 2],
      [1, 0],
    ],
  );
  t.equal(fields[0]?.value, 150n);
  t.equal(Buffer.from(fields[1]?.value as Uint8Array).toString(), 'testing');
  t.equal(BigInt.asIntN(64, fields[3]?.value as bigint), -1n);
});

t.test('fixed32 and fixed64 fields are read little-endian and can be skipped', async (t) => {
  // field 4 fixed32 = 1, field 5 fixed64 = 2, then field 1 varint 7
  const fields = [...readFields(bin('2501000000 290200000000000000 0807'))];
  t.same(
    fields.map((f) => [f.fieldNumber, f.wireType, f.value]),
    [
      [4, 5, 1n],
      [5, 1, 2n],
      [1, 0, 7n],
    ],
  );
});

t.test('packed varints', async (t) => {
  t.same(readPackedVarints(bin('0396 01')), [3n, 150n]);
});

t.test('malformed data throws WireError', async (t) => {
  t.throws(() => [...readFields(bin('0896'))], WireError, 'truncated varint');
  t.throws(() => [...readFields(bin('1205 7465'))], WireError, 'truncated length-delimited');
  t.throws(() => [...readFields(bin('2501'))], WireError, 'truncated fixed32');
  t.throws(() => [...readFields(bin('0b'))], WireError, 'start group');
  t.throws(() => [...readFields(bin('0f'))], WireError, 'wire type 7');
  t.throws(() => [...readFields(bin('00'))], WireError, 'field number 0');
  t.throws(() => new WireReader(bin('ffffffffffffffffffffff01')).varint(), WireError, 'overlong varint');
});
