import t from 'tap';
import { addQuantities, compareQuantities, parseQuantity } from './quantity.js';
import type { Quantity } from './quantity.js';

function q(text: string | number): Quantity {
  const parsed = parseQuantity(text);
  if (parsed === undefined) throw new Error(`unparsable ${text}`);
  return parsed;
}

t.test('parses decimal, binary, milli and exponent forms to exact values', async (t) => {
  t.equal(compareQuantities(q('100m'), q('0.1')), 0);
  t.equal(compareQuantities(q('1Gi'), q(1073741824)), 0);
  t.equal(compareQuantities(q('1e3'), q('1k')), 0);
  t.equal(compareQuantities(q('0.5'), q('500m')), 0);
  t.equal(compareQuantities(q('1M'), q('1000k')), 0);
  t.equal(compareQuantities(q('1Mi'), q('1024Ki')), 0);
  t.equal(compareQuantities(q('2'), q('1')), 1);
  t.equal(compareQuantities(q('1Gi'), q('1G')), 1);
  t.equal(compareQuantities(q('-1'), q('0')), -1);
  t.equal(compareQuantities(q('5n'), q('0.000000005')), 0);
});

t.test('rejects malformed quantities', async (t) => {
  for (const bad of ['', 'abc', '1Gb', '1.2.3', '.', 'm', '1 Gi', '1e', '1ee3', '1e99999']) {
    t.equal(parseQuantity(bad), undefined, bad);
  }
  t.equal(parseQuantity(null), undefined);
  t.equal(parseQuantity({}), undefined);
});

t.test('adds quantities exactly', async (t) => {
  t.equal(compareQuantities(addQuantities(q('100m'), q('900m')), q('1')), 0);
  t.equal(compareQuantities(addQuantities(q('512Mi'), q('512Mi')), q('1Gi')), 0);
});
