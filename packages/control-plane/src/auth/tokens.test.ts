import t from 'tap';
import { parseAuthorizationHeader, rejected, TOKEN_ERROR_CODES } from './tokens.js';

t.test('parseAuthorizationHeader reads Bearer tokens and refuses everything else', async (t) => {
  const cases: [
    string,
    string | string[] | undefined,
    ReturnType<typeof parseAuthorizationHeader>['status'],
    string?,
  ][] = [
    ['absent', undefined, 'absent'],
    ['bearer', 'Bearer abc.def', 'bearer', 'abc.def'],
    ['scheme is case-insensitive', 'bearer abc', 'bearer', 'abc'],
    ['extra spaces around the token', '  BEARER    abc  ', 'bearer', 'abc'],
    ['tab after the scheme', 'Bearer\tabc', 'bearer', 'abc'],
    ['empty', '', 'malformed'],
    ['only spaces', '   ', 'malformed'],
    ['Bearer without token', 'Bearer', 'malformed'],
    ['Bearer with only spaces', 'Bearer   ', 'malformed'],
    ['Basic', 'Basic x', 'malformed'],
    ['scheme prefix is not enough', 'Bearerabc', 'malformed'],
    ['two tokens', 'Bearer a b', 'malformed'],
    ['control character', 'Bearer a\u0001b', 'malformed'],
    ['non-ASCII', 'Bearer t\u00f6ken', 'malformed'],
    ['several headers', ['Bearer a', 'Bearer b'], 'malformed'],
  ];
  for (const [name, value, status, token] of cases) {
    const got = parseAuthorizationHeader(value);
    t.equal(got.status, status, name);
    if (got.status === 'bearer') t.equal(got.token, token, `${name}: token`);
    if (got.status === 'malformed') t.ok(got.message.length > 0, `${name}: has a message`);
  }
});

t.test('rejected uses the code table message unless given a precise one', async (t) => {
  t.same(rejected('Expired'), { status: 'rejected', code: 'Expired', message: TOKEN_ERROR_CODES.Expired });
  t.same(rejected('Revoked', 'gone'), { status: 'rejected', code: 'Revoked', message: 'gone' });
});
