import t from 'tap';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  EXTRA_CREDENTIAL_ID,
  EXTRA_POD_NAME,
  EXTRA_POD_UID,
  issueServiceAccountToken,
  keyIdOf,
  serviceAccountTokenAuthenticator,
  verifyServiceAccountToken,
} from './serviceaccount-tokens.js';
import type {
  BoundObjectRef,
  BoundObjectState,
  ServiceAccountLookup,
  ServiceAccountTokenRequest,
  VerifyServiceAccountTokenOptions,
} from './serviceaccount-tokens.js';
import type { TokenVerdict } from './tokens.js';

const pem = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEYS = [
  { alg: 'ES256', privatePem: pem(ec.privateKey), publicKey: ec.publicKey },
  { alg: 'RS256', privatePem: pem(rsa.privateKey), publicKey: rsa.publicKey },
] as const;

const NOW = Date.parse('2026-11-28T12:00:00Z');
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

const REQUEST: ServiceAccountTokenRequest = {
  issuer: ISSUER,
  audiences: [AUDIENCE, 'bosun'],
  namespace: 'team-a',
  serviceAccount: { name: 'builder', uid: 'sa-uid-1' },
  pod: { name: 'build-7', uid: 'pod-uid-1' },
  now: NOW,
  expirationSeconds: 3600,
  id: 'jti-1',
};

/** A fake store: the objects that exist now, by kind/namespace/name. Records what was asked. */
function store(objects: Record<string, BoundObjectState> = {}): ServiceAccountLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (ref: BoundObjectRef) => {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    asked.push(key);
    return objects[key];
  };
  return Object.assign(lookup, { asked });
}

const LIVE = {
  'ServiceAccount/team-a/builder': { uid: 'sa-uid-1' },
  'Pod/team-a/build-7': { uid: 'pod-uid-1' },
};

function options(over: Partial<VerifyServiceAccountTokenOptions> = {}): VerifyServiceAccountTokenOptions {
  return { audiences: [AUDIENCE], now: NOW + 1000, lookup: store(LIVE), ...over };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (token: string) => token.split('.') as [string, string, string];
const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

for (const key of KEYS) {
  t.test(`${key.alg}: an issued token carries Kubernetes' claims and verifies`, async (t) => {
    const token = issueServiceAccountToken(key.privatePem, REQUEST);
    const [h, p] = parts(token);
    t.same(json(h), { alg: key.alg, kid: keyIdOf(key.publicKey) });
    t.same(json(p), {
      iss: ISSUER,
      sub: 'system:serviceaccount:team-a:builder',
      aud: [AUDIENCE, 'bosun'],
      exp: NOW / 1000 + 3600,
      iat: NOW / 1000,
      nbf: NOW / 1000,
      jti: 'jti-1',
      'kubernetes.io': {
        namespace: 'team-a',
        serviceaccount: { name: 'builder', uid: 'sa-uid-1' },
        pod: { name: 'build-7', uid: 'pod-uid-1' },
      },
    });
    const lookup = store(LIVE);
    const verdict = await verifyServiceAccountToken(key.publicKey, token, options({ lookup }));
    t.same(verdict, {
      status: 'authenticated',
      user: {
        name: 'system:serviceaccount:team-a:builder',
        uid: 'sa-uid-1',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
        extra: {
          [EXTRA_POD_NAME]: ['build-7'],
          [EXTRA_POD_UID]: ['pod-uid-1'],
          [EXTRA_CREDENTIAL_ID]: ['JTI=jti-1'],
        },
      },
    });
    t.same(lookup.asked, ['ServiceAccount/team-a/builder', 'Pod/team-a/build-7']);
  });

  t.test(`${key.alg}: any tampered character or byte is rejected`, async (t) => {
    const token = issueServiceAccountToken(key.privatePem, REQUEST);
    const [h, p, s] = parts(token);
    const flipChar = (c: string) => (c === 'A' ? 'B' : 'A');
    const partNames = ['header', 'payload', 'signature'] as const;
    for (const [index, part] of [h, p, s].entries()) {
      let accepted = 0;
      let checked = 0;
      for (let i = 0; i < part.length; i++) {
        const tampered = part.slice(0, i) + flipChar(part[i]!) + part.slice(i + 1);
        const pieces = [h, p, s];
        pieces[index] = tampered;
        const verdict = await verifyServiceAccountToken(key.publicKey, pieces.join('.'), options());
        checked++;
        if (verdict.status !== 'rejected') accepted++;
      }
      t.equal(accepted, 0, `every one of ${checked} single-character changes to the ${partNames[index]} is rejected`);
    }
    // Byte level: flip one bit in each decoded byte of the header and the payload, re-encode.
    for (const [index, part] of [h, p].entries()) {
      const bytes = Buffer.from(part, 'base64url');
      let accepted = 0;
      for (let i = 0; i < bytes.length; i++) {
        const copy = Buffer.from(bytes);
        copy[i] = copy[i]! ^ 0x01;
        const pieces = [h, p, s];
        pieces[index] = copy.toString('base64url');
        const verdict = await verifyServiceAccountToken(key.publicKey, pieces.join('.'), options());
        if (verdict.status !== 'rejected') accepted++;
      }
      t.equal(accepted, 0, `every flipped byte of the ${partNames[index]} is rejected`);
    }
  });
}

t.test('signature, algorithm and shape problems', async (t) => {
  const good = issueServiceAccountToken(pem(ec.privateKey), REQUEST);
  const [h, p, s] = parts(good);
  const ecPublicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const hs256 = (() => {
    const header = b64({ alg: 'HS256' });
    const mac = createHmac('sha256', ecPublicPem).update(`${header}.${p}`).digest('base64url');
    return `${header}.${p}.${mac}`;
  })();
  const cases: [string, string, TokenVerdict['status'], string?][] = [
    [
      'signed by another key',
      issueServiceAccountToken(pem(otherEc.privateKey), REQUEST),
      'rejected',
      'InvalidSignature',
    ],
    [
      'RS256 token checked against an EC key',
      issueServiceAccountToken(pem(rsa.privateKey), REQUEST),
      'rejected',
      'InvalidSignature',
    ],
    ['alg none, no signature', `${b64({ alg: 'none' })}.${p}.`, 'unrecognized'],
    ['alg none with a signature', `${b64({ alg: 'none' })}.${p}.${s}`, 'rejected', 'InvalidSignature'],
    ['HS256 keyed with the public key (algorithm confusion)', hs256, 'rejected', 'InvalidSignature'],
    ['header claims RS256 on an ES256 signature', `${b64({ alg: 'RS256' })}.${p}.${s}`, 'rejected', 'InvalidSignature'],
    ['critical header', `${b64({ alg: 'ES256', crit: ['x'] })}.${p}.${s}`, 'rejected', 'MalformedToken'],
    ['signature removed', `${h}.${p}.`, 'unrecognized'],
    ['signature truncated', `${h}.${p}.${s.slice(0, -4)}`, 'rejected', 'InvalidSignature'],
    ['signature padded', `${h}.${p}.${s}=`, 'unrecognized'],
    ['header not JSON', `${Buffer.from('{nope').toString('base64url')}.${p}.${s}`, 'rejected', 'MalformedToken'],
    ['payload an array', `${h}.${b64([1])}.${s}`, 'rejected', 'MalformedToken'],
    ['two parts', `${h}.${p}`, 'unrecognized'],
    ['four parts', `${good}.${s}`, 'unrecognized'],
    ['not a JWT at all', 'abcdef.0123456789abcdef', 'unrecognized'],
    ['oversized', `${h}.${'A'.repeat(20000)}.${s}`, 'unrecognized'],
  ];
  for (const [name, token, status, code] of cases) {
    const verdict = await verifyServiceAccountToken(ec.publicKey, token, options());
    t.equal(verdict.status, status, name);
    if (code !== undefined && verdict.status === 'rejected') t.equal(verdict.code, code, `${name}: code`);
  }
});

t.test('claims signed by the right key but inconsistent are rejected', async (t) => {
  const { privateKey, publicKey } = ec;
  const signed = (claims: Record<string, unknown>): string => {
    // Sign arbitrary claims the way issueServiceAccountToken does.
    const token = issueServiceAccountToken(privateKey, REQUEST);
    const header = parts(token)[0];
    const input = `${header}.${b64(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };
  const base = json(parts(issueServiceAccountToken(privateKey, REQUEST))[1]);
  const cases: [string, Record<string, unknown>, TokenVerdict['status'], string?][] = [
    ['as issued', base, 'authenticated'],
    ['single string audience', { ...base, aud: AUDIENCE }, 'authenticated'],
    ['no iat and no nbf', { ...base, iat: undefined, nbf: undefined }, 'authenticated'],
    ['iat a string', { ...base, iat: 'yesterday' }, 'rejected', 'MalformedToken'],
    ['nbf a string', { ...base, nbf: 'now' }, 'rejected', 'MalformedToken'],
    ['jti a number', { ...base, jti: 7 }, 'rejected', 'MalformedToken'],
    [
      'no pod binding',
      { ...base, 'kubernetes.io': { namespace: 'team-a', serviceaccount: { name: 'builder', uid: 'sa-uid-1' } } },
      'authenticated',
    ],
    ['sub names another account', { ...base, sub: 'system:serviceaccount:team-a:admin' }, 'rejected', 'MalformedToken'],
    [
      'sub names another namespace',
      { ...base, sub: 'system:serviceaccount:kube-system:builder' },
      'rejected',
      'MalformedToken',
    ],
    ['no exp', { ...base, exp: undefined }, 'rejected', 'MalformedToken'],
    ['exp a string', { ...base, exp: String(base.exp) }, 'rejected', 'MalformedToken'],
    ['empty aud', { ...base, aud: [] }, 'rejected', 'MalformedToken'],
    ['no kubernetes.io', { ...base, 'kubernetes.io': undefined }, 'rejected', 'MalformedToken'],
    [
      'serviceaccount without uid',
      { ...base, 'kubernetes.io': { namespace: 'team-a', serviceaccount: { name: 'builder' } } },
      'rejected',
      'MalformedToken',
    ],
    [
      'pod without uid',
      {
        ...base,
        'kubernetes.io': {
          namespace: 'team-a',
          serviceaccount: { name: 'builder', uid: 'sa-uid-1' },
          pod: { name: 'build-7' },
        },
      },
      'rejected',
      'MalformedToken',
    ],
  ];
  for (const [name, claims, status, code] of cases) {
    const verdict = await verifyServiceAccountToken(publicKey, signed(claims), options());
    t.equal(verdict.status, status, name);
    if (code !== undefined && verdict.status === 'rejected') t.equal(verdict.code, code, `${name}: code`);
  }
});

t.test('time window: expiry and not-before with an injected clock and 60s leeway', async (t) => {
  const token = issueServiceAccountToken(ec.privateKey, REQUEST);
  const exp = NOW + 3600_000;
  const cases: [string, number, number | undefined, TokenVerdict['status'], string?][] = [
    ['at issue', NOW, undefined, 'authenticated'],
    ['just before expiry', exp - 1, undefined, 'authenticated'],
    ['within the leeway after expiry', exp + 59_000, undefined, 'authenticated'],
    ['past the leeway', exp + 61_000, undefined, 'rejected', 'Expired'],
    ['a day later', exp + 86_400_000, undefined, 'rejected', 'Expired'],
    ['past expiry with no leeway', exp + 1000, 0, 'rejected', 'Expired'],
    ['clock 30s behind the issuer', NOW - 30_000, undefined, 'authenticated'],
    ['clock 2 minutes behind the issuer', NOW - 120_000, undefined, 'rejected', 'NotYetValid'],
  ];
  for (const [name, now, leewaySeconds, status, code] of cases) {
    const verdict = await verifyServiceAccountToken(
      ec.publicKey,
      token,
      options({ now, ...(leewaySeconds === undefined ? {} : { leewaySeconds }) }),
    );
    t.equal(verdict.status, status, name);
    if (code !== undefined && verdict.status === 'rejected') t.equal(verdict.code, code, `${name}: code`);
  }
});

t.test('audience and issuer', async (t) => {
  const token = issueServiceAccountToken(ec.privateKey, REQUEST);
  const cases: [string, Partial<VerifyServiceAccountTokenOptions>, TokenVerdict['status'], string?][] = [
    ['server accepts the first audience', { audiences: [AUDIENCE] }, 'authenticated'],
    ['server accepts the second audience', { audiences: ['other', 'bosun'] }, 'authenticated'],
    ['server accepts another audience', { audiences: ['vault'] }, 'rejected', 'WrongAudience'],
    ['server accepts no audience', { audiences: [] }, 'rejected', 'WrongAudience'],
    ['issuer accepted', { issuers: ['x', ISSUER] }, 'authenticated'],
    ['issuer unknown: not ours', { issuers: ['https://elsewhere'] }, 'unrecognized'],
  ];
  for (const [name, over, status, code] of cases) {
    const verdict = await verifyServiceAccountToken(ec.publicKey, token, options(over));
    t.equal(verdict.status, status, name);
    if (code !== undefined && verdict.status === 'rejected') t.equal(verdict.code, code, `${name}: code`);
  }
});

t.test('bound objects: deleted or recreated ServiceAccounts and pods revoke the token', async (t) => {
  const token = issueServiceAccountToken(ec.privateKey, REQUEST);
  const saOnly = issueServiceAccountToken(ec.privateKey, { ...REQUEST, pod: undefined });
  const sa = 'ServiceAccount/team-a/builder';
  const pod = 'Pod/team-a/build-7';
  const now = NOW + 1000;
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();
  const cases: [string, string, Record<string, BoundObjectState>, TokenVerdict['status'], string?][] = [
    ['both live', token, LIVE, 'authenticated'],
    ['ServiceAccount deleted', token, { [pod]: { uid: 'pod-uid-1' } }, 'rejected', 'Revoked'],
    ['ServiceAccount recreated (uid differs)', token, { ...LIVE, [sa]: { uid: 'sa-uid-2' } }, 'rejected', 'Revoked'],
    ['ServiceAccount without uid', token, { ...LIVE, [sa]: {} }, 'rejected', 'Revoked'],
    ['pod deleted', token, { [sa]: { uid: 'sa-uid-1' } }, 'rejected', 'Revoked'],
    ['pod recreated (uid differs)', token, { ...LIVE, [pod]: { uid: 'pod-uid-2' } }, 'rejected', 'Revoked'],
    [
      'pod terminating for 10s (grace)',
      token,
      { ...LIVE, [pod]: { uid: 'pod-uid-1', deletionTimestamp: ago(10) } },
      'authenticated',
    ],
    [
      'pod terminating for 2 minutes',
      token,
      { ...LIVE, [pod]: { uid: 'pod-uid-1', deletionTimestamp: ago(120) } },
      'rejected',
      'Revoked',
    ],
    [
      'ServiceAccount deleting long ago',
      token,
      { ...LIVE, [sa]: { uid: 'sa-uid-1', deletionTimestamp: ago(3600) } },
      'rejected',
      'Revoked',
    ],
    ['ServiceAccount-only token ignores pods', saOnly, { [sa]: { uid: 'sa-uid-1' } }, 'authenticated'],
  ];
  for (const [name, tok, objects, status, code] of cases) {
    const verdict = await verifyServiceAccountToken(ec.publicKey, tok, options({ now, lookup: store(objects) }));
    t.equal(verdict.status, status, name);
    if (code !== undefined && verdict.status === 'rejected') t.equal(verdict.code, code, `${name}: code`);
  }
  const failing: ServiceAccountLookup = async () => {
    throw new Error('store unavailable');
  };
  t.match(await verifyServiceAccountToken(ec.publicKey, token, options({ lookup: failing })), {
    status: 'rejected',
    code: 'LookupFailed',
  });
});

t.test('a ServiceAccount-only token has no pod extras; no jti, no credential id', async (t) => {
  const token = issueServiceAccountToken(ec.privateKey, { ...REQUEST, pod: undefined, id: undefined });
  const verdict = await verifyServiceAccountToken(ec.publicKey, token, options());
  t.same(verdict, {
    status: 'authenticated',
    user: {
      name: 'system:serviceaccount:team-a:builder',
      uid: 'sa-uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    },
  });
});

t.test('the authenticator tries every trusted key (rotation) and reads its clock per call', async (t) => {
  let clock = NOW;
  const authenticate = serviceAccountTokenAuthenticator({
    publicKeys: [
      pem(otherEc.privateKey),
      rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ec.publicKey,
    ],
    audiences: [AUDIENCE],
    issuers: [ISSUER],
    lookup: store(LIVE),
    clock: () => clock,
  });
  for (const key of [ec.privateKey, rsa.privateKey, otherEc.privateKey]) {
    t.equal((await authenticate(issueServiceAccountToken(key, REQUEST))).status, 'authenticated');
  }
  const token = issueServiceAccountToken(ec.privateKey, REQUEST);
  clock = NOW + 2 * 3600_000;
  t.match(await authenticate(token), { status: 'rejected', code: 'Expired' });
  t.throws(() => serviceAccountTokenAuthenticator({ publicKeys: [], audiences: [], lookup: store(), clock: () => 0 }));
});

t.test('issuing refuses bad keys and requests (programmer errors)', async (t) => {
  const ed = generateKeyPairSync('ed25519');
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  t.throws(() => issueServiceAccountToken(ed.privateKey, REQUEST), TypeError, 'ed25519');
  t.throws(() => issueServiceAccountToken(p384.privateKey, REQUEST), TypeError, 'P-384');
  t.throws(() => issueServiceAccountToken(ec.publicKey, REQUEST), TypeError, 'a public key');
  t.throws(() => issueServiceAccountToken(ec.privateKey, { ...REQUEST, audiences: [] }), TypeError, 'no audience');
  t.throws(
    () => issueServiceAccountToken(ec.privateKey, { ...REQUEST, expirationSeconds: 0 }),
    TypeError,
    'no lifetime',
  );
  t.throws(
    () => issueServiceAccountToken(ec.privateKey, { ...REQUEST, serviceAccount: { name: 'x', uid: '' } }),
    TypeError,
    'no uid',
  );
  t.equal(keyIdOf(ec.privateKey), keyIdOf(ec.publicKey), 'key id from either half');
  t.not(keyIdOf(ec.publicKey), keyIdOf(otherEc.publicKey));
});
