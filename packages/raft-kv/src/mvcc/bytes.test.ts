import t from 'tap';
import {
  UNBOUNDED,
  byteLength,
  compareBinary,
  fromBinary,
  ownBinary,
  prefixEnd,
  toBinary,
  toStoredBinary,
} from './bytes.js';

t.test('strings stand for their UTF-8 bytes, one character per byte', async (t) => {
  t.equal(toBinary('abc'), 'abc', 'ASCII is its own binary string');
  t.equal(toBinary('\u00e9'), '\u00c3\u00a9', 'é is two bytes');
  t.equal(toBinary(new Uint8Array([0, 0x7a, 0xff])), '\x00z\xff');
  t.same([...fromBinary('\x00z\xff')], [0, 0x7a, 0xff]);
  t.equal(toStoredBinary('\u00e9'), toBinary('\u00e9'));
  t.equal(toStoredBinary(new Uint8Array([1, 2])), '\x01\x02');
  t.equal(ownBinary('xy'), 'xy');
  t.equal(byteLength('\u00e9'), 2);
  t.equal(byteLength(new Uint8Array(3)), 3);
  t.equal(byteLength(undefined), 0);
});

t.test('a subarray converts only its own bytes', async (t) => {
  const whole = new Uint8Array([1, 2, 3, 4]);
  t.equal(toBinary(whole.subarray(1, 3)), '\x02\x03');
  t.equal(toStoredBinary(whole.subarray(2)), '\x03\x04');
});

t.test('binary strings order like bytes', async (t) => {
  t.equal(compareBinary('a', 'b'), -1);
  t.equal(compareBinary('b', 'a'), 1);
  t.equal(compareBinary('a', 'a'), 0);
  t.equal(compareBinary('\x7f', '\xff'), -1, 'a byte above 0x7f sorts after ASCII');
  t.equal(compareBinary('a', 'a\x00'), -1, 'a prefix sorts first');
});

t.test('prefixEnd is etcd GetPrefixRangeEnd', async (t) => {
  t.equal(prefixEnd('abc'), 'abd');
  t.equal(prefixEnd('a\xff'), 'b', 'trailing 0xff bytes are dropped');
  t.equal(prefixEnd('\xff\xff'), UNBOUNDED, 'no byte to increment: every key from the prefix on');
  t.equal(prefixEnd(''), UNBOUNDED);
});
