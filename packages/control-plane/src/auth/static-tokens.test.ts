import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadTokenAuthFile,
  parseTokenAuthFile,
  splitCsvLine,
  staticTokenAuthenticator,
  TokenFileError,
} from './static-tokens.js';

const FILE = [
  '# Bosun static tokens',
  '',
  'tok-admin,admin,uid-1,"system:masters,devs"',
  '  # an indented comment',
  'tok-plain,alice,uid-2',
  'tok-nouid,bob,,',
  'tok-onegroup,carol,uid-3,viewers',
  '"tok-quoted",dave,uid-4," a , b ,,a"',
  'tok-crlf,erin,uid-5\r',
].join('\n');

t.test('splitCsvLine follows RFC 4180 quoting', async (t) => {
  const cases: [string, string[] | 'error'][] = [
    ['a,b,c', ['a', 'b', 'c']],
    [' a , b ', ['a', 'b']],
    ['a,"b,c",d', ['a', 'b,c', 'd']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['a,', ['a', '']],
    ['"a" ,b', ['a', 'b']],
    ['"unterminated,b', 'error'],
    ['"a"x,b', 'error'],
    ['a"b,c', 'error'],
  ];
  for (const [line, want] of cases) {
    const got = splitCsvLine(line);
    if (want === 'error') t.type(got, 'string', line);
    else t.same(got, want, line);
  }
});

t.test('a token file maps tokens to users', async (t) => {
  const table = parseTokenAuthFile(FILE);
  t.equal(table.size, 6);
  const cases: [string, unknown][] = [
    ['tok-admin', { name: 'admin', uid: 'uid-1', groups: ['system:masters', 'devs'] }],
    ['tok-plain', { name: 'alice', uid: 'uid-2', groups: [] }],
    ['tok-nouid', { name: 'bob', groups: [] }],
    ['tok-onegroup', { name: 'carol', uid: 'uid-3', groups: ['viewers'] }],
    ['tok-quoted', { name: 'dave', uid: 'uid-4', groups: ['a', 'b'] }],
    ['tok-crlf', { name: 'erin', uid: 'uid-5', groups: [] }],
    ['tok-unknown', undefined],
    ['TOK-ADMIN', undefined],
    ['tok-admi', undefined],
    ['', undefined],
  ];
  for (const [token, user] of cases) t.same(table.lookup(token), user, token || '(empty)');
  // The table hands out copies: a caller cannot change another request's user.
  table.lookup('tok-admin')!.groups.push('evil');
  t.same(table.lookup('tok-admin')!.groups, ['system:masters', 'devs']);
});

t.test('bad token files fail with the line number', async (t) => {
  const cases: [string, string, number, RegExp][] = [
    ['too few columns', '# c\ntok,user', 2, /at least 3 columns/],
    ['too many columns (unquoted groups)', 'tok,user,uid,g1,g2', 1, /quote the group list/],
    ['empty token', '\n\n,user,uid', 3, /token is empty/],
    ['empty user', 'tok,,uid', 1, /user name is empty/],
    ['token with a space', '"a b",user,uid', 1, /visible ASCII/],
    ['duplicate token', 'tok,a,1\ntok,b,2', 2, /already defined/],
    ['bad quoting', 'ok,a,1\n"tok,user,uid', 2, /unterminated/],
  ];
  for (const [name, text, line, message] of cases) {
    t.test(name, async (t) => {
      try {
        parseTokenAuthFile(text, 'tokens.csv');
        t.fail('parsed a bad file');
      } catch (err) {
        t.type(err, TokenFileError);
        const e = err as TokenFileError;
        t.equal(e.code, 'TokenFileInvalid');
        t.equal(e.line, line);
        t.equal(e.source, 'tokens.csv');
        t.match(e.message, new RegExp(`^tokens\\.csv:${line}: `));
        t.match(e.message, message);
      }
    });
  }
});

t.test('the error message never repeats the token', async (t) => {
  t.throws(() => parseTokenAuthFile('sekrit-token,a,1\nsekrit-token,b,2'), TokenFileError);
  try {
    parseTokenAuthFile('sekrit-token,a,1\nsekrit-token,b,2');
  } catch (err) {
    t.notMatch((err as Error).message, /sekrit/);
  }
});

t.test('loadTokenAuthFile reads a file and names it in errors', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-static-tokens-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const good = join(dir, 'good.csv');
  const bad = join(dir, 'bad.csv');
  await writeFile(good, FILE);
  await writeFile(bad, 'tok,user');
  t.equal((await loadTokenAuthFile(good)).size, 6);
  await t.rejects(loadTokenAuthFile(bad), { code: 'TokenFileInvalid', source: bad, line: 1 });
});

t.test('staticTokenAuthenticator authenticates known tokens and leaves others to the next', async (t) => {
  const authenticate = staticTokenAuthenticator(parseTokenAuthFile(FILE));
  t.same(await authenticate('tok-plain'), {
    status: 'authenticated',
    user: { name: 'alice', uid: 'uid-2', groups: [] },
  });
  t.same(await authenticate('nope'), { status: 'unrecognized' });
});
