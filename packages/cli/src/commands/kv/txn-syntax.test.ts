import t from 'tap';
import { parseCompare, parseOp, parseTxn, prefixEndBytes, tokenize } from './txn-syntax.js';

t.test('compares, success and failure ops separated by blank lines', async (t) => {
  const parts = parseTxn(
    [
      'value("k1") = "v1"',
      'mod("k2") > "3"',
      'version("k3") != 0',
      'create("k4") < "10"',
      '',
      'put k1 "new value"',
      'get k2',
      '',
      'del k3',
      'get "a b" --prefix',
      '',
    ].join('\n'),
  );
  t.same(parts.compare, [
    { key: 'k1', target: 'value', result: '=', value: 'v1' },
    { key: 'k2', target: 'modRevision', result: '>', value: 3 },
    { key: 'k3', target: 'version', result: '!=', value: 0 },
    { key: 'k4', target: 'createRevision', result: '<', value: 10 },
  ]);
  t.same(parts.success, [
    { type: 'put', key: 'k1', value: 'new value' },
    { type: 'range', key: 'k2' },
  ]);
  t.same(parts.failure, [
    { type: 'deleteRange', key: 'k3' },
    { type: 'range', key: 'a b', rangeEnd: 'a c' },
  ]);
});

t.test('empty sections and Windows line ends', async (t) => {
  t.same(parseTxn('\nput a b\r\n'), { compare: [], success: [{ type: 'put', key: 'a', value: 'b' }], failure: [] });
  t.same(parseTxn(''), { compare: [], success: [], failure: [] });
});

t.test('operation flags', async (t) => {
  t.same(parseOp('put k v --lease=1f --prev-kv'), { type: 'put', key: 'k', value: 'v', lease: 0x1f, prevKv: true });
  t.same(parseOp('get a c --keys-only --limit 2 --rev=5'), {
    type: 'range',
    key: 'a',
    rangeEnd: 'c',
    limit: 2,
    revision: 5,
    keysOnly: true,
  });
  t.same(parseOp('get a --from-key --count-only'), { type: 'range', key: 'a', rangeEnd: '\0', countOnly: true });
  t.same(parseOp('del p/ --prefix --prev-kv'), { type: 'deleteRange', key: 'p/', rangeEnd: 'p0', prevKv: true });
  t.same(parseOp('delete "" --prefix'), { type: 'deleteRange', key: '\0', rangeEnd: '\0' });
});

t.test('shorthand compare targets and lease', async (t) => {
  t.same(parseCompare('val("k") = "v"'), { key: 'k', target: 'value', result: '=', value: 'v' });
  t.same(parseCompare('m("k") = 2'), { key: 'k', target: 'modRevision', result: '=', value: 2 });
  t.same(parseCompare('c("k") = 2'), { key: 'k', target: 'createRevision', result: '=', value: 2 });
  t.same(parseCompare('ver("k") = 2'), { key: 'k', target: 'version', result: '=', value: 2 });
  t.same(parseCompare('lease("k") = "0"'), { key: 'k', target: 'lease', result: '=', value: 0 });
  t.same(parseCompare('value("k\\"q") = "a\\nb"'), { key: 'k"q', target: 'value', result: '=', value: 'a\nb' });
});

t.test('tokenizer quotes', async (t) => {
  t.same(tokenize(`put 'a "b' "c d" e\\f`), ['put', 'a "b', 'c d', 'e\\f']);
  t.same(tokenize('  x   "" y '), ['x', '', 'y']);
  t.same(tokenize('a"b c"d'), ['ab cd']);
  t.same(tokenize('"\\x41\\t"'), ['A\t']);
});

t.test('prefix range ends follow etcd', async (t) => {
  t.same([...prefixEndBytes('ab')], [0x61, 0x63]);
  t.same([...prefixEndBytes('a\u00ff')], [0x61, 0xc3, 0xc0]);
  t.same([...prefixEndBytes('')], [0]);
});

t.test('bad input names the line and what was expected', async (t) => {
  t.throws(
    () => parseTxn('value(k) = "v"\n'),
    /txn line 1: bad compare "value\(k\) = "v"" \(expected e\.g\. value\("key"\) = "v"/,
  );
  t.throws(() => parseTxn('size("k") = "1"\n'), /txn line 1: bad compare target "size"/);
  t.throws(() => parseTxn('mod("k") > "x"\n'), /txn line 1: bad compare operand "x": mod compares with an integer/);
  t.throws(() => parseTxn('value("k") = "v" "w"\n'), /bad compare operand/);
  t.throws(() => parseTxn('\nput a\n'), /txn line 2: put needs KEY and VALUE, got 1 argument\(s\)/);
  t.throws(() => parseTxn('\n\nfrob a\n'), /txn line 3: unknown operation "frob" \(expected put, get or del\)/);
  t.throws(() => parseTxn('\nget a b --prefix\n'), /mutually exclusive/);
  t.throws(() => parseTxn('\nget a --lease=1\n'), /get does not take --lease/);
  t.throws(() => parseTxn('\nput a "b\n'), /txn line 2: unterminated double quote/);
  t.throws(() => parseTxn('\nput a b --lease=zz\n'), /bad lease ID "zz"/);
  t.throws(() => parseTxn('\nget a --limit=x\n'), /--limit needs an integer value/);
  t.throws(() => parseTxn('\n\nput a b\n\nput c d\n'), /txn line 5: unexpected "put c d" after the failure operations/);
  t.throws(() => parseTxn('\nput a "\\q"\n'), /unknown escape "\\q"/);
});
