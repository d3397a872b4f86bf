import t from 'tap';
import { encodeRegisterValue, stepRegister } from './register.js';

t.test('put always fits and sets the value', async (t) => {
  t.same(stepRegister(undefined, { kind: 'put', key: 'x', value: 'a' }, { kind: 'put' }), {
    accepted: true,
    next: 'a',
  });
  t.same(stepRegister('b', { kind: 'put', key: 'x', value: 'a' }, undefined), { accepted: true, next: 'a' });
});

t.test('get fits when it returns the value; with an unknown outcome it always fits', async (t) => {
  const get = { kind: 'get', key: 'x' } as const;
  t.same(stepRegister('a', get, { kind: 'get', value: 'a' }), { accepted: true, next: 'a' });
  t.same(stepRegister(undefined, get, { kind: 'get', value: undefined }), { accepted: true, next: undefined });
  t.same(stepRegister('a', get, { kind: 'get', value: undefined }), { accepted: false });
  t.same(stepRegister('a', get, undefined), { accepted: true, next: 'a' });
});

t.test('cas swaps exactly when the value is the expected one, and must say so', async (t) => {
  const cas = { kind: 'cas', key: 'x', expected: 'a', value: 'b' } as const;
  const create = { kind: 'cas', key: 'x', expected: undefined, value: 'b' } as const;
  t.same(stepRegister('a', cas, { kind: 'cas', ok: true }), { accepted: true, next: 'b' });
  t.same(stepRegister('a', cas, { kind: 'cas', ok: false }), { accepted: false });
  t.same(stepRegister('c', cas, { kind: 'cas', ok: false }), { accepted: true, next: 'c' });
  t.same(stepRegister('c', cas, { kind: 'cas', ok: true }), { accepted: false });
  t.same(stepRegister(undefined, create, { kind: 'cas', ok: true }), { accepted: true, next: 'b' });
  t.same(stepRegister('a', create, { kind: 'cas', ok: true }), { accepted: false });
  t.same(stepRegister('a', cas, undefined), { accepted: true, next: 'b' }, 'unknown outcome: the effect it would have');
  t.same(stepRegister('c', cas, undefined), { accepted: true, next: 'c' });
});

t.test('encoded values tell absent from every string', async (t) => {
  const encoded = [undefined, '', '!', '=', 'a'].map(encodeRegisterValue);
  t.equal(new Set(encoded).size, encoded.length);
});
