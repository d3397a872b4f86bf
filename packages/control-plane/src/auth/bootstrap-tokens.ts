/**
 * Bootstrap tokens, as Kubernetes defines them: `<id>.<secret>` (`[a-z0-9]{6}.[a-z0-9]{16}`),
 * each stored as a Secret of type `bootstrap.kubernetes.io/token` named `bootstrap-token-<id>`
 * in `kube-system`. A node agent joining the cluster presents one; it authenticates as
 * `system:bootstrap:<id>` in group `system:bootstrappers` (plus the Secret's extra groups).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { rejected, UNRECOGNIZED } from './tokens.js';
import type { TokenAuthenticator } from './tokens.js';
import { ALL_AUTHENTICATED_GROUP } from './user.js';

/** The Secret type of bootstrap tokens. */
export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
/** The namespace bootstrap token Secrets live in. */
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
/** The name prefix of a bootstrap token Secret: `bootstrap-token-<id>`. */
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
/** The group of every bootstrap token's user. */
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
/** The user name prefix of a bootstrap token: `system:bootstrap:<id>`. */
export const BOOTSTRAP_USER_NAME_PREFIX = 'system:bootstrap:';
/** The shape of a bootstrap token; group 1 is the id, group 2 the secret. */
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** The shape of an extra group a bootstrap token may carry (Kubernetes' BootstrapGroupPattern). */
export const BOOTSTRAP_GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

/** The keys of a bootstrap token Secret's `data` (Kubernetes' bootstrapapi constants). */
export const BOOTSTRAP_SECRET_KEYS = {
  tokenId: 'token-id',
  tokenSecret: 'token-secret',
  expiration: 'expiration',
  description: 'description',
  usageAuthentication: 'usage-bootstrap-authentication',
  usageSigning: 'usage-bootstrap-signing',
  extraGroups: 'auth-extra-groups',
} as const;

/** A bootstrap token and its two halves. */
export interface BootstrapToken {
  /** The public half, 6 characters; also names the Secret. */
  readonly id: string;
  /** The private half, 16 characters. */
  readonly secret: string;
  /** `<id>.<secret>`, what the client presents. */
  readonly token: string;
}

/** The parts of a bootstrap token Secret the authenticator reads (a stored v1 Secret fits). */
export interface BootstrapTokenSecret {
  type?: string;
  metadata: { name?: string; namespace?: string; deletionTimestamp?: string };
  /** Values base64-encoded, as stored. */
  data?: Record<string, string>;
}

/** Reads a Secret from the server's store, or undefined when it does not exist. */
export type BootstrapSecretLookup = (namespace: string, name: string) => Promise<BootstrapTokenSecret | undefined>;

/** Splits a bootstrap token into id and secret, or undefined when it does not have the shape. */
export function parseBootstrapToken(token: string): BootstrapToken | undefined {
  const match = BOOTSTRAP_TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  return { id: match[1]!, secret: match[2]!, token };
}

/** The name of the Secret holding bootstrap token `id`. */
export function bootstrapTokenSecretName(id: string): string {
  return `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of 36 that fits a byte; bytes at or above it are discarded (no modulo bias). */
const UNBIASED_LIMIT = 252;

/**
 * Generates a new bootstrap token from `random` (e.g. `crypto.randomBytes`), drawing characters
 * uniformly from `[a-z0-9]` by rejection sampling.
 */
export function generateBootstrapToken(random: (size: number) => Uint8Array): BootstrapToken {
  let chars = '';
  for (let round = 0; chars.length < 22; round++) {
    if (round >= 100) throw new Error('generateBootstrapToken: the random source keeps returning unusable bytes');
    for (const byte of random(32)) {
      if (byte < UNBIASED_LIMIT && chars.length < 22) chars += ALPHABET[byte % ALPHABET.length];
    }
  }
  const id = chars.slice(0, 6);
  const secret = chars.slice(6);
  return { id, secret, token: `${id}.${secret}` };
}

/** What to put in a bootstrap token Secret besides the token. */
export interface BootstrapTokenSecretOptions {
  /** When the token stops working, RFC 3339 (e.g. `2026-12-01T00:00:00Z`); omit for no expiry. */
  expiration?: string;
  /** Extra groups, each `system:bootstrappers:<...>`. */
  extraGroups?: readonly string[];
  description?: string;
  /** Whether the token may authenticate (default true) and sign the cluster-info ConfigMap (default false). */
  usages?: { authentication?: boolean; signing?: boolean };
}

/**
 * The v1 Secret that stores a bootstrap token (data base64-encoded, ready to create).
 * Throws a TypeError for an extra group that does not match {@link BOOTSTRAP_GROUP_PATTERN}.
 */
export function bootstrapTokenSecret(
  token: BootstrapToken,
  options: BootstrapTokenSecretOptions = {},
): BootstrapTokenSecret & { apiVersion: 'v1'; kind: 'Secret'; data: Record<string, string> } {
  const values: Record<string, string> = {
    [BOOTSTRAP_SECRET_KEYS.tokenId]: token.id,
    [BOOTSTRAP_SECRET_KEYS.tokenSecret]: token.secret,
  };
  if (options.expiration !== undefined) values[BOOTSTRAP_SECRET_KEYS.expiration] = options.expiration;
  if (options.description !== undefined) values[BOOTSTRAP_SECRET_KEYS.description] = options.description;
  if (options.usages?.authentication ?? true) values[BOOTSTRAP_SECRET_KEYS.usageAuthentication] = 'true';
  if (options.usages?.signing ?? false) values[BOOTSTRAP_SECRET_KEYS.usageSigning] = 'true';
  if (options.extraGroups && options.extraGroups.length > 0) {
    for (const g of options.extraGroups) {
      if (!BOOTSTRAP_GROUP_PATTERN.test(g))
        throw new TypeError(`bootstrap token extra group ${JSON.stringify(g)} is invalid`);
    }
    values[BOOTSTRAP_SECRET_KEYS.extraGroups] = options.extraGroups.join(',');
  }
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    metadata: { name: bootstrapTokenSecretName(token.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    data,
  };
}

function secretValue(secret: BootstrapTokenSecret, key: string): string {
  const v = secret.data?.[key];
  return v === undefined ? '' : Buffer.from(v, 'base64').toString('utf8');
}

/** Compares two strings in time that does not depend on where they differ. */
function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** How the server checks bootstrap tokens. */
export interface BootstrapTokenAuthenticatorOptions {
  /** Reads `kube-system/bootstrap-token-<id>`. */
  lookupSecret: BootstrapSecretLookup;
  /** The clock, milliseconds since the epoch. */
  clock: () => number;
}

/**
 * A token authenticator for bootstrap tokens (Kubernetes' TokenAuthenticator in
 * plugin/pkg/auth/authenticator/token/bootstrap). A token without the bootstrap shape is
 * `unrecognized`; one with it is `rejected` unless its Secret exists, has the right type, is
 * not being deleted, holds the same id and secret (compared in constant time), is not expired
 * (an unparseable expiration counts as expired), allows authentication, and has valid extra groups.
 */
export function bootstrapTokenAuthenticator(options: BootstrapTokenAuthenticatorOptions): TokenAuthenticator {
  return async (presented) => {
    const token = parseBootstrapToken(presented);
    if (!token) return UNRECOGNIZED;
    let secret: BootstrapTokenSecret | undefined;
    try {
      secret = await options.lookupSecret(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(token.id));
    } catch {
      return rejected('LookupFailed', `could not look up bootstrap token ${token.id}`);
    }
    const unknown = rejected('UnknownToken', `bootstrap token ${token.id} is not valid`);
    if (!secret || secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp !== undefined) {
      return unknown;
    }
    const secretMatches = constantTimeEqual(secretValue(secret, BOOTSTRAP_SECRET_KEYS.tokenSecret), token.secret);
    if (!secretMatches || secretValue(secret, BOOTSTRAP_SECRET_KEYS.tokenId) !== token.id) return unknown;
    const expiration = secretValue(secret, BOOTSTRAP_SECRET_KEYS.expiration);
    if (expiration !== '') {
      const expires = Date.parse(expiration);
      if (!Number.isFinite(expires) || options.clock() >= expires) {
        return rejected('Expired', `bootstrap token ${token.id} has expired`);
      }
    }
    if (secretValue(secret, BOOTSTRAP_SECRET_KEYS.usageAuthentication) !== 'true') {
      return rejected('NotPermitted', `bootstrap token ${token.id} is not marked for authentication`);
    }
    const extra = secretValue(secret, BOOTSTRAP_SECRET_KEYS.extraGroups)
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    const badGroup = extra.find((g) => !BOOTSTRAP_GROUP_PATTERN.test(g));
    if (badGroup !== undefined) {
      return rejected(
        'NotPermitted',
        `bootstrap token ${token.id} has an invalid extra group ${JSON.stringify(badGroup)}`,
      );
    }
    return {
      status: 'authenticated',
      user: {
        name: `${BOOTSTRAP_USER_NAME_PREFIX}${token.id}`,
        groups: [...new Set([BOOTSTRAPPERS_GROUP, ...extra, ALL_AUTHENTICATED_GROUP])],
      },
    };
  };
}
