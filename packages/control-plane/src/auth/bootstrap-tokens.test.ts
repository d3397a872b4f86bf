import t from 'tap';
import { randomBytes } from 'node:crypto';
import {
  BOOTSTRAP_TOKEN_PATTERN,
  bootstrapTokenAuthenticator,
  bootstrapTokenSecret,
  generateBootstrapToken,
  parseBootstrapToken,
} from './bootstrap-tokens.js';
import type { BootstrapSecretLookup, BootstrapTokenSecret } from './bootstrap-tokens.js';
import type { TokenVerdict } from './tokens.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const TOKEN = { id: 'abcdef', secret: '0123456789abcdef', token: 'abcdef.0123456789abcdef' };

/** A fake store holding Secrets by namespace/name; records what was asked. */
function secrets(objects: BootstrapTokenSecret[]): BootstrapSecretLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (namespace: string, name: string) => {
    asked.push(`${namespace}/${name}`);
    return objects.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  };
  return Object.assign(lookup, { asked });
}

/** Replaces (or with undefined, removes) data keys of a Secret, base64-encoding the values. */
function withData(secret: BootstrapTokenSecret, changes: Record<string, string | undefined>): BootstrapTokenSecret {
  const data = { ...secret.data };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete data[k];
    else data[k] = Buffer.from(v).toString('base64');
  }
  return { ...secret, data };
}

t.test('parseBootstrapToken accepts only [a-z0-9]{6}.[a-z0-9]{16}', async (t) => {
  const cases: [string, boolean][] = [
    ['abcdef.0123456789abcdef', true],
    ['000000.0000000000000000', true],
    ['ABCDEF.0123456789abcdef', false],
    ['abcde.0123456789abcdef', false],
    ['abcdef.0123456789abcde', false],
    ['abcdef.0123456789abcdefg', false],
    ['abcdef0123456789abcdef', false],
    ['abcdef.0123456789abcde!', false],
    [' abcdef.0123456789abcdef', false],
    ['abcdef.0123456789abcdef\n', false],
  ];
  for (const [token, ok] of cases) t.equal(parseBootstrapToken(token) !== undefined, ok, JSON.stringify(token));
  t.same(parseBootstrapToken(TOKEN.token), TOKEN);
});

t.test('generateBootstrapToken draws from [a-z0-9] without modulo bias', async (t) => {
  for (let i = 0; i < 50; i++) {
    const token = generateBootstrapToken(randomBytes);
    t.match(token.token, BOOTSTRAP_TOKEN_PATTERN);
    t.equal(token.token, `${token.id}.${token.secret}`);
  }
  // A scripted source: bytes 252..255 are discarded, 0 -> 'a', 35 -> '9', 36 -> 'a'.
  const script = [252, 253, 254, 255, 0, 35, 36, 71, 25, 26, ...Array.from({ length: 40 }, (_, i) => i)];
  let offset = 0;
  const scripted = (size: number) => {
    const out = Uint8Array.from(script.slice(offset, offset + size));
    offset += size;
    return out;
  };
  const token = generateBootstrapToken(scripted);
  t.equal(token.id, 'a9a9z0');
  t.equal(token.secret, 'abcdefghijklmnop');
  t.throws(() => generateBootstrapToken((size) => new Uint8Array(size).fill(255)), /unusable bytes/);
});

t.test('bootstrapTokenSecret writes the Kubernetes Secret', async (t) => {
  const secret = bootstrapTokenSecret(TOKEN, {
    expiration: '2026-12-01T00:00:00Z',
    extraGroups: ['system:bootstrappers:worker'],
    description: 'join token',
  });
  const decoded = Object.fromEntries(
    Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
  );
  t.same(secret.metadata, { name: 'bootstrap-token-abcdef', namespace: 'kube-system' });
  t.equal(secret.type, 'bootstrap.kubernetes.io/token');
  t.same(decoded, {
    'token-id': 'abcdef',
    'token-secret': '0123456789abcdef',
    expiration: '2026-12-01T00:00:00Z',
    description: 'join token',
    'usage-bootstrap-authentication': 'true',
    'auth-extra-groups': 'system:bootstrappers:worker',
  });
  const signingOnly = bootstrapTokenSecret(TOKEN, { usages: { authentication: false, signing: true } });
  t.same(Object.keys(signingOnly.data).sort(), ['token-id', 'token-secret', 'usage-bootstrap-signing']);
  t.throws(() => bootstrapTokenSecret(TOKEN, { extraGroups: ['system:masters'] }), TypeError);
});

t.test('the bootstrap authenticator checks the Secret', async (t) => {
  const good = bootstrapTokenSecret(TOKEN, { expiration: '2026-11-29T00:00:00Z' });
  const other = bootstrapTokenSecret({ id: 'zzzzzz', secret: 'zzzzzzzzzzzzzzzz', token: 'zzzzzz.zzzzzzzzzzzzzzzz' });
  const cases: [string, string, BootstrapTokenSecret[], number, TokenVerdict['status'], string?][] = [
    ['valid', TOKEN.token, [good], NOW, 'authenticated'],
    ['no expiration', TOKEN.token, [withData(good, { expiration: undefined })], NOW, 'authenticated'],
    ['not bootstrap-shaped', 'abcdef.0123456789abcdeX', [good], NOW, 'unrecognized'],
    ['a JWT', 'aaa.bbb.ccc', [good], NOW, 'unrecognized'],
    ['no Secret', TOKEN.token, [other], NOW, 'rejected', 'UnknownToken'],
    ['wrong secret half', 'abcdef.0123456789abcdee', [good], NOW, 'rejected', 'UnknownToken'],
    [
      'Secret holds another id',
      TOKEN.token,
      [withData(good, { 'token-id': 'zzzzzz' })],
      NOW,
      'rejected',
      'UnknownToken',
    ],
    [
      'Secret has no token-secret',
      TOKEN.token,
      [withData(good, { 'token-secret': undefined })],
      NOW,
      'rejected',
      'UnknownToken',
    ],
    ['Secret of another type', TOKEN.token, [{ ...good, type: 'Opaque' }], NOW, 'rejected', 'UnknownToken'],
    [
      'Secret in another namespace',
      TOKEN.token,
      [{ ...good, metadata: { ...good.metadata, namespace: 'default' } }],
      NOW,
      'rejected',
      'UnknownToken',
    ],
    [
      'Secret being deleted',
      TOKEN.token,
      [{ ...good, metadata: { ...good.metadata, deletionTimestamp: '2026-11-28T11:00:00Z' } }],
      NOW,
      'rejected',
      'UnknownToken',
    ],
    ['just before expiry', TOKEN.token, [good], Date.parse('2026-11-29T00:00:00Z') - 1, 'authenticated'],
    ['at expiry', TOKEN.token, [good], Date.parse('2026-11-29T00:00:00Z'), 'rejected', 'Expired'],
    ['long expired', TOKEN.token, [good], Date.parse('2027-01-01T00:00:00Z'), 'rejected', 'Expired'],
    [
      'unparseable expiration counts as expired',
      TOKEN.token,
      [withData(good, { expiration: 'tomorrow' })],
      NOW,
      'rejected',
      'Expired',
    ],
    [
      'not for authentication',
      TOKEN.token,
      [withData(good, { 'usage-bootstrap-authentication': undefined })],
      NOW,
      'rejected',
      'NotPermitted',
    ],
    [
      'authentication usage false',
      TOKEN.token,
      [withData(good, { 'usage-bootstrap-authentication': 'false' })],
      NOW,
      'rejected',
      'NotPermitted',
    ],
    [
      'extra group outside system:bootstrappers',
      TOKEN.token,
      [withData(good, { 'auth-extra-groups': 'system:bootstrappers:a,system:masters' })],
      NOW,
      'rejected',
      'NotPermitted',
    ],
  ];
  for (const [name, token, objects, now, status, code] of cases) {
    const verdict = await bootstrapTokenAuthenticator({ lookupSecret: secrets(objects), clock: () => now })(token);
    t.equal(verdict.status, status, name);
    if (code !== undefined && verdict.status === 'rejected') {
      t.equal(verdict.code, code, `${name}: code`);
      t.notMatch(verdict.message, TOKEN.secret, `${name}: the message hides the secret`);
    }
  }
});

t.test('an authenticated bootstrap token names system:bootstrap:<id> and its groups', async (t) => {
  const secret = bootstrapTokenSecret(TOKEN, {
    extraGroups: ['system:bootstrappers:worker', 'system:bootstrappers:kubeadm:default-node-token'],
  });
  const lookupSecret = secrets([secret]);
  const verdict = await bootstrapTokenAuthenticator({ lookupSecret, clock: () => NOW })(TOKEN.token);
  t.same(verdict, {
    status: 'authenticated',
    user: {
      name: 'system:bootstrap:abcdef',
      groups: [
        'system:bootstrappers',
        'system:bootstrappers:worker',
        'system:bootstrappers:kubeadm:default-node-token',
        'system:authenticated',
      ],
    },
  });
  t.same(lookupSecret.asked, ['kube-system/bootstrap-token-abcdef']);
  const failing: BootstrapSecretLookup = async () => {
    throw new Error('store unavailable');
  };
  t.match(await bootstrapTokenAuthenticator({ lookupSecret: failing, clock: () => NOW })(TOKEN.token), {
    status: 'rejected',
    code: 'LookupFailed',
  });
});
