import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { createAuthenticator, isPublicPath } from './authenticator.js';
import type { AuthenticatorParts, AuthResult } from './authenticator.js';
import { bootstrapTokenAuthenticator, bootstrapTokenSecret } from './bootstrap-tokens.js';
import { issueServiceAccountToken, serviceAccountTokenAuthenticator } from './serviceaccount-tokens.js';
import { parseTokenAuthFile, staticTokenAuthenticator } from './static-tokens.js';
import { rejected, UNRECOGNIZED } from './tokens.js';
import type { TokenAuthenticator, TokenVerdict } from './tokens.js';
import type { UserInfo } from './user.js';

/** A request as the authenticator sees it: a socket (tagged, for the fake x509) and headers. */
function request(authorization?: string, certificate?: string): IncomingMessage {
  const socket = { certificate } as unknown as Socket;
  return { socket, headers: authorization === undefined ? {} : { authorization } } as unknown as IncomingMessage;
}

/** A fake x509 part: the socket's tag names the user; no tag means no (or an untrusted) certificate. */
const x509 = (socket: Socket): UserInfo | undefined => {
  const cn = (socket as unknown as { certificate?: string }).certificate;
  return cn === undefined ? undefined : { name: cn, groups: ['system:masters'] };
};

/** A fake token authenticator that answers from a table and records the order it was asked in. */
function fake(name: string, answers: Record<string, TokenVerdict>, calls: string[]): TokenAuthenticator {
  return async (token) => {
    calls.push(name);
    return answers[token] ?? UNRECOGNIZED;
  };
}

const user = (name: string, groups: string[] = []): TokenVerdict => ({
  status: 'authenticated',
  user: { name, groups },
});

t.test('order and precedence', async (t) => {
  const answers = {
    static: { shared: user('from-static'), 'static-only': user('alice') },
    bootstrap: {
      shared: user('from-bootstrap'),
      'boot-only': user('system:bootstrap:abcdef', ['system:bootstrappers']),
      'boot-bad': rejected('Expired'),
      'boot-bad-sa-good': rejected('Expired'),
    },
    serviceAccounts: {
      shared: user('from-sa'),
      'sa-only': user('system:serviceaccount:ns:sa', ['system:serviceaccounts', 'system:authenticated']),
      'sa-bad': rejected('WrongAudience'),
      'boot-bad-sa-good': user('sa-wins'),
      'boot-bad': rejected('InvalidSignature'),
    },
  };
  const cases: [string, IncomingMessage, AuthResult, string[]][] = [
    ['no credentials', request(), { anonymous: true }, []],
    [
      'certificate',
      request(undefined, 'admin'),
      { user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } },
      [],
    ],
    [
      'certificate beats a good token',
      request('Bearer shared', 'admin'),
      { user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } },
      [],
    ],
    [
      'certificate beats a malformed header',
      request('Basic x', 'admin'),
      { user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } },
      [],
    ],
    [
      'static first',
      request('Bearer shared'),
      { user: { name: 'from-static', groups: ['system:authenticated'] } },
      ['static'],
    ],
    [
      'then bootstrap',
      request('Bearer boot-only'),
      { user: { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] } },
      ['static', 'bootstrap'],
    ],
    [
      'then ServiceAccounts (system:authenticated not doubled)',
      request('Bearer sa-only'),
      { user: { name: 'system:serviceaccount:ns:sa', groups: ['system:serviceaccounts', 'system:authenticated'] } },
      ['static', 'bootstrap', 'serviceAccounts'],
    ],
    [
      'a later success beats an earlier rejection',
      request('Bearer boot-bad-sa-good'),
      { user: { name: 'sa-wins', groups: ['system:authenticated'] } },
      ['static', 'bootstrap', 'serviceAccounts'],
    ],
    [
      'all reject: the first rejection is reported',
      request('Bearer boot-bad'),
      { error: 'the bearer token has expired', code: 'Expired' },
      ['static', 'bootstrap', 'serviceAccounts'],
    ],
    [
      'ServiceAccount rejection',
      request('Bearer sa-bad'),
      { error: 'the bearer token is not meant for this server (audience)', code: 'WrongAudience' },
      ['static', 'bootstrap', 'serviceAccounts'],
    ],
    [
      'nobody knows the token: error, not anonymous',
      request('Bearer who'),
      { error: 'the bearer token is not valid', code: 'UnknownToken' },
      ['static', 'bootstrap', 'serviceAccounts'],
    ],
    ['empty header', request(''), { error: 'the Authorization header is empty', code: 'MalformedHeader' }, []],
    ['Bearer without token', request('Bearer'), { error: 'the Bearer token is empty', code: 'MalformedHeader' }, []],
    ['Bearer and spaces', request('Bearer   '), { error: 'the Bearer token is empty', code: 'MalformedHeader' }, []],
    [
      'Basic',
      request('Basic x'),
      { error: 'unsupported Authorization scheme (only Bearer is accepted)', code: 'MalformedHeader' },
      [],
    ],
  ];
  for (const [name, req, want, wantCalls] of cases) {
    const calls: string[] = [];
    const parts: AuthenticatorParts = {
      x509,
      staticTokens: fake('static', answers.static, calls),
      bootstrap: fake('bootstrap', answers.bootstrap, calls),
      serviceAccounts: fake('serviceAccounts', answers.serviceAccounts, calls),
    };
    t.same(await createAuthenticator(parts)(req), want, name);
    t.same(calls, wantCalls, `${name}: authenticators asked`);
  }
});

t.test('missing parts are skipped', async (t) => {
  const none = createAuthenticator({});
  t.same(await none(request()), { anonymous: true });
  t.same(await none(request(undefined, 'admin')), { anonymous: true }, 'no x509 part: a certificate is not looked at');
  t.same(await none(request('Bearer anything')), { error: 'the bearer token is not valid', code: 'UnknownToken' });
  const onlySa = createAuthenticator({ serviceAccounts: async () => user('sa') });
  t.same(await onlySa(request('Bearer x')), { user: { name: 'sa', groups: ['system:authenticated'] } });
  const noCert = createAuthenticator({ x509: () => undefined, staticTokens: async () => user('tok') });
  t.same(await noCert(request('Bearer x', 'forged')), { user: { name: 'tok', groups: ['system:authenticated'] } });
});

t.test('the real authenticators chained', async (t) => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const boot = { id: 'abcdef', secret: '0123456789abcdef', token: 'abcdef.0123456789abcdef' };
  const authenticate = createAuthenticator({
    staticTokens: staticTokenAuthenticator(parseTokenAuthFile('static-token,alice,u1,"devs"')),
    bootstrap: bootstrapTokenAuthenticator({
      lookupSecret: async (ns, name) =>
        name === 'bootstrap-token-abcdef' && ns === 'kube-system' ? bootstrapTokenSecret(boot) : undefined,
      clock: () => now,
    }),
    serviceAccounts: serviceAccountTokenAuthenticator({
      publicKeys: key.publicKey,
      audiences: ['bosun'],
      lookup: async (ref) => (ref.kind === 'ServiceAccount' && ref.name === 'default' ? { uid: 'sa-uid' } : undefined),
      clock: () => now,
    }),
  });
  const saToken = issueServiceAccountToken(key.privateKey, {
    issuer: 'bosun',
    audiences: ['bosun'],
    namespace: 'default',
    serviceAccount: { name: 'default', uid: 'sa-uid' },
    now,
    expirationSeconds: 600,
  });
  const revokedToken = issueServiceAccountToken(key.privateKey, {
    issuer: 'bosun',
    audiences: ['bosun'],
    namespace: 'default',
    serviceAccount: { name: 'default', uid: 'old-uid' },
    now,
    expirationSeconds: 600,
  });
  const [h, p, s] = saToken.split('.') as [string, string, string];
  const tamperedPayload = `${h}.${p.slice(0, 10)}${p[10] === 'A' ? 'B' : 'A'}${p.slice(11)}.${s}`;
  const cases: [string, string, string | { code: string }][] = [
    ['static', 'static-token', 'alice'],
    ['bootstrap', boot.token, 'system:bootstrap:abcdef'],
    ['ServiceAccount', saToken, 'system:serviceaccount:default:default'],
    ['wrong bootstrap secret', 'abcdef.0123456789abcdee', { code: 'UnknownToken' }],
    ['revoked ServiceAccount token', revokedToken, { code: 'Revoked' }],
    ['tampered ServiceAccount token', tamperedPayload, { code: 'InvalidSignature' }],
    ['unknown', 'nope', { code: 'UnknownToken' }],
  ];
  for (const [name, token, want] of cases) {
    const got = await authenticate(request(`Bearer ${token}`));
    if (typeof want === 'string') t.match(got, { user: { name: want } }, name);
    else t.match(got, want, name);
  }
});

t.test('isPublicPath', async (t) => {
  const cases: [string, boolean][] = [
    ['/healthz', true],
    ['/livez', true],
    ['/readyz', true],
    ['/version', true],
    ['/version/', true],
    ['/healthz/ping', true],
    ['/livez/etcd', true],
    ['/readyz/poststarthook/start-informers', true],
    ['/readyz?verbose', true],
    ['/healthz/ping/', true],
    ['/healthzz', false],
    ['/versions', false],
    ['/', false],
    ['', false],
    ['/api', false],
    ['/api/v1/namespaces/default/secrets', false],
    ['/metrics', false],
    ['/openapi/v2', false],
    ['/healthz/../api/v1/secrets', false],
    ['/healthz/./x', false],
    ['/healthz//x', false],
    ['/healthz/%2e%2e/api', false],
    ['/version/..', false],
    ['//healthz', false],
    ['/HEALTHZ', false],
    ['/api/v1/healthz', false],
  ];
  for (const [path, want] of cases) t.equal(isPublicPath(path), want, JSON.stringify(path));
});
