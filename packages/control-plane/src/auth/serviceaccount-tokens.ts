/**
 * ServiceAccount tokens: JWTs signed by the control plane (ES256 or RS256, with node:crypto),
 * bound to a ServiceAccount and, for a pod's projected token, to the pod. The claims are
 * Kubernetes' (`iss`, `sub`, `aud`, `exp`, `iat`, `nbf`, `jti`, `kubernetes.io`). Verification
 * checks the signature, the time window, the audience, and that the bound objects still exist
 * with the same uid, so deleting (or deleting and recreating) a ServiceAccount or pod revokes its
 * tokens.
 */
import { createHash, createPrivateKey, createPublicKey, constants, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { rejected, UNRECOGNIZED } from './tokens.js';
import type { TokenAuthenticator, TokenVerdict } from './tokens.js';
import {
  ALL_AUTHENTICATED_GROUP,
  ALL_SERVICE_ACCOUNTS_GROUP,
  serviceAccountGroup,
  serviceAccountUserName,
} from './user.js';
import type { UserInfo } from './user.js';

/** The JWS algorithms Bosun signs and accepts. `none` and HMAC are never accepted. */
export type ServiceAccountTokenAlgorithm = 'ES256' | 'RS256';

/** A private key: a PEM string (PKCS#8, SEC1 or PKCS#1) or a KeyObject. EC keys must be P-256. */
export type SigningKey = string | KeyObject;

/** A public key (PEM or KeyObject); a private key is accepted too and its public half is used. */
export type VerificationKey = string | KeyObject;

/** Name and uid of an object a token is bound to. */
export interface BoundObject {
  name: string;
  uid: string;
}

/** The private `kubernetes.io` claim. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: BoundObject;
  pod?: BoundObject;
}

/** The claims of a ServiceAccount token, as Kubernetes writes them. Times are seconds since the epoch. */
export interface ServiceAccountClaims {
  iss: string;
  /** `system:serviceaccount:<namespace>:<name>` */
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti?: string;
  'kubernetes.io': KubernetesClaim;
}

/** What to put in a new token. */
export interface ServiceAccountTokenRequest {
  /** The issuer (`iss`), e.g. `https://kubernetes.default.svc.cluster.local`. */
  issuer: string;
  /** The audiences (`aud`); at least one. */
  audiences: readonly string[];
  namespace: string;
  serviceAccount: BoundObject;
  /** The pod the token is bound to (projected tokens); omit for a ServiceAccount-only token. */
  pod?: BoundObject;
  /** The issue time, milliseconds since the epoch (the caller's clock). */
  now: number;
  /** Lifetime in seconds (`exp = iat + expirationSeconds`); positive. */
  expirationSeconds: number;
  /** A unique token id (`jti`), which shows in the user's `authentication.kubernetes.io/credential-id`. */
  id?: string;
}

/** The current state of an object a token is bound to, as the server's store has it (an ObjectMeta fits). */
export interface BoundObjectState {
  uid?: string;
  /** RFC 3339; an object deleted longer than the grace period ago no longer backs tokens. */
  deletionTimestamp?: string;
}

/** Which object {@link ServiceAccountLookup} is asked for. */
export interface BoundObjectRef {
  kind: 'ServiceAccount' | 'Pod';
  namespace: string;
  name: string;
}

/** Reads a bound object from the server's store: its metadata, or undefined when it does not exist. */
export type ServiceAccountLookup = (ref: BoundObjectRef) => Promise<BoundObjectState | undefined>;

/** How to verify a token. */
export interface VerifyServiceAccountTokenOptions {
  /** The audiences this server accepts; the token must name at least one of them. */
  audiences: readonly string[];
  /** The current time, milliseconds since the epoch. */
  now: number;
  /** Checks that the ServiceAccount (and pod) still exist with the token's uid. */
  lookup: ServiceAccountLookup;
  /** Issuers this server accepts; a token from another issuer is `unrecognized`. Default: any. */
  issuers?: readonly string[];
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds. Default 60 (as go-jose's DefaultLeeway). */
  leewaySeconds?: number;
}

/** User `extra` key: the name of the pod a token is bound to. */
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
/** User `extra` key: the uid of the pod a token is bound to. */
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
/** User `extra` key: the token's id, as `JTI=<jti>`. */
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** A bound object deleted longer ago than this (seconds) no longer backs tokens (Kubernetes: 60). */
const DELETION_GRACE_SECONDS = 60;
const DEFAULT_LEEWAY_SECONDS = 60;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface Key {
  readonly algorithm: ServiceAccountTokenAlgorithm;
  readonly key: KeyObject;
}

/** The algorithm a key signs with; throws a TypeError for keys Bosun does not use (a programmer error). */
function algorithmOf(key: KeyObject): ServiceAccountTokenAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new TypeError(
    `ServiceAccount token keys must be RSA or EC P-256, not ${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim(),
  );
}

function privateKey(key: SigningKey): Key {
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  if (k.type !== 'private') throw new TypeError('issueServiceAccountToken needs a private key');
  return { algorithm: algorithmOf(k), key: k };
}

function publicKey(key: VerificationKey): Key {
  const k = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  if (k.type !== 'public') throw new TypeError('ServiceAccount token verification needs an asymmetric key');
  return { algorithm: algorithmOf(k), key: k };
}

/** The key id Kubernetes puts in the JWT header: base64url(SHA-256(DER SubjectPublicKeyInfo)). */
export function keyIdOf(key: VerificationKey): string {
  const der = publicKey(key).key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

function signatureOptions(key: Key): { key: KeyObject; dsaEncoding?: 'ieee-p1363'; padding?: number } {
  return key.algorithm === 'ES256'
    ? { key: key.key, dsaEncoding: 'ieee-p1363' }
    : { key: key.key, padding: constants.RSA_PKCS1_PADDING };
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Issues a signed ServiceAccount token. The algorithm follows the key (RSA → RS256,
 * EC P-256 → ES256). Throws a TypeError for bad input (a programmer error).
 */
export function issueServiceAccountToken(key: SigningKey, request: ServiceAccountTokenRequest): string {
  const k = privateKey(key);
  if (request.audiences.length === 0) throw new TypeError('a ServiceAccount token needs at least one audience');
  if (!(Number.isFinite(request.expirationSeconds) && request.expirationSeconds > 0)) {
    throw new TypeError('expirationSeconds must be a positive number');
  }
  if (!request.namespace || !request.serviceAccount.name || !request.serviceAccount.uid) {
    throw new TypeError('a ServiceAccount token needs a namespace and the account name and uid');
  }
  const iat = Math.floor(request.now / 1000);
  const kubernetes: KubernetesClaim = {
    namespace: request.namespace,
    serviceaccount: { name: request.serviceAccount.name, uid: request.serviceAccount.uid },
  };
  if (request.pod) kubernetes.pod = { name: request.pod.name, uid: request.pod.uid };
  const claims: ServiceAccountClaims = {
    iss: request.issuer,
    sub: serviceAccountUserName(request.namespace, request.serviceAccount.name),
    aud: [...request.audiences],
    exp: iat + Math.floor(request.expirationSeconds),
    iat,
    nbf: iat,
    ...(request.id === undefined ? {} : { jti: request.id }),
    'kubernetes.io': kubernetes,
  };
  const header = { alg: k.algorithm, kid: keyIdOf(k.key) };
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'ascii'), signatureOptions(k));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Decodes canonical base64url (no padding, no stray bits), or undefined. */
function decodeBase64url(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64url(part);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function boundObject(v: unknown): BoundObject | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { name, uid } = v as Record<string, unknown>;
  return isString(name) && isString(uid) ? { name, uid } : undefined;
}

/** Checks the payload's shape and returns typed claims, or a problem. */
function readClaims(payload: Record<string, unknown>): ServiceAccountClaims | string {
  const { iss, sub, aud, exp, iat, nbf, jti } = payload;
  const k8s = payload['kubernetes.io'];
  if (!isString(iss)) return 'missing iss';
  if (!isString(sub)) return 'missing sub';
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every(isString)) return 'missing aud';
  if (!isTime(exp)) return 'missing exp';
  if (iat !== undefined && !isTime(iat)) return 'bad iat';
  if (nbf !== undefined && !isTime(nbf)) return 'bad nbf';
  if (jti !== undefined && typeof jti !== 'string') return 'bad jti';
  if (typeof k8s !== 'object' || k8s === null) return 'missing kubernetes.io claim';
  const { namespace, serviceaccount, pod } = k8s as Record<string, unknown>;
  const sa = boundObject(serviceaccount);
  if (!isString(namespace) || sa === undefined) return 'missing kubernetes.io namespace or serviceaccount';
  const boundPod = pod === undefined ? undefined : boundObject(pod);
  if (pod !== undefined && boundPod === undefined) return 'bad kubernetes.io pod';
  if (sub !== serviceAccountUserName(namespace, sa.name)) return 'sub does not match kubernetes.io';
  return {
    iss,
    sub,
    aud: audiences as string[],
    exp,
    iat: (iat as number | undefined) ?? Number.NEGATIVE_INFINITY,
    nbf: (nbf as number | undefined) ?? Number.NEGATIVE_INFINITY,
    ...(jti === undefined ? {} : { jti }),
    'kubernetes.io': { namespace, serviceaccount: sa, ...(boundPod ? { pod: boundPod } : {}) },
  };
}

/** Whether the bound object still backs tokens: it exists, has the token's uid, and is not long deleted. */
async function stillBound(
  lookup: ServiceAccountLookup,
  ref: BoundObjectRef,
  uid: string,
  nowSeconds: number,
): Promise<TokenVerdict | undefined> {
  let state: BoundObjectState | undefined;
  try {
    state = await lookup(ref);
  } catch {
    return rejected('LookupFailed', `could not look up ${ref.kind} ${ref.namespace}/${ref.name}`);
  }
  if (state === undefined) return rejected('Revoked', `${ref.kind} ${ref.namespace}/${ref.name} no longer exists`);
  if (state.uid !== uid) {
    return rejected('Revoked', `${ref.kind} ${ref.namespace}/${ref.name} was recreated (uid differs)`);
  }
  if (state.deletionTimestamp !== undefined) {
    const deleted = Date.parse(state.deletionTimestamp) / 1000;
    if (!Number.isFinite(deleted) || deleted < nowSeconds - DELETION_GRACE_SECONDS) {
      return rejected('Revoked', `${ref.kind} ${ref.namespace}/${ref.name} has been deleted`);
    }
  }
  return undefined;
}

/** The user a verified token names. */
function userOf(claims: ServiceAccountClaims): UserInfo {
  const { namespace, serviceaccount, pod } = claims['kubernetes.io'];
  const user: UserInfo = {
    name: claims.sub,
    uid: serviceaccount.uid,
    groups: [ALL_SERVICE_ACCOUNTS_GROUP, serviceAccountGroup(namespace), ALL_AUTHENTICATED_GROUP],
  };
  const extra: Record<string, string[]> = {};
  if (pod) {
    extra[EXTRA_POD_NAME] = [pod.name];
    extra[EXTRA_POD_UID] = [pod.uid];
  }
  if (claims.jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${claims.jti}`];
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}

/**
 * Verifies a ServiceAccount token against one or more trusted public keys and returns its
 * verdict (it never throws for a bad token):
 * - `unrecognized`: not a JWT, or issued by an issuer not in `options.issuers`;
 * - `rejected`: malformed, bad or missing signature (any tampered byte), algorithm other than
 *   ES256/RS256, expired, not valid yet, wrong audience, or the ServiceAccount or pod is gone
 *   or has another uid;
 * - `authenticated`: user `system:serviceaccount:<ns>:<name>` with the ServiceAccount's uid and
 *   groups `system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:authenticated`.
 */
export async function verifyServiceAccountToken(
  keys: VerificationKey | readonly VerificationKey[],
  token: string,
  options: VerifyServiceAccountTokenOptions,
): Promise<TokenVerdict> {
  const trusted = (Array.isArray(keys) ? (keys as readonly VerificationKey[]) : [keys as VerificationKey]).map(
    publicKey,
  );
  if (token.length > MAX_TOKEN_LENGTH) return UNRECOGNIZED;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return UNRECOGNIZED;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  const header = decodeJsonObject(headerPart);
  const payload = decodeJsonObject(payloadPart);
  if (header === undefined || payload === undefined) return rejected('MalformedToken');
  if (options.issuers !== undefined && !options.issuers.includes(payload.iss as string)) return UNRECOGNIZED;
  if (header.alg !== 'ES256' && header.alg !== 'RS256') {
    return rejected('InvalidSignature', 'the token algorithm is not ES256 or RS256');
  }
  if (header.crit !== undefined) return rejected('MalformedToken', 'the token has critical header parameters');

  const signature = decodeBase64url(signaturePart);
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  const verified =
    signature !== undefined &&
    trusted.some((k) => {
      if (k.algorithm !== header.alg) return false;
      if (k.algorithm === 'ES256' && signature.length !== 64) return false;
      try {
        return verify('sha256', signingInput, signatureOptions(k), signature);
      } catch {
        return false;
      }
    });
  if (!verified) return rejected('InvalidSignature');

  const claims = readClaims(payload);
  if (typeof claims === 'string') return rejected('MalformedToken', `the token claims are invalid: ${claims}`);
  const now = options.now / 1000;
  const leeway = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  if (now > claims.exp + leeway) return rejected('Expired');
  if (now + leeway < claims.nbf || now + leeway < claims.iat) return rejected('NotYetValid');
  if (!claims.aud.some((a) => options.audiences.includes(a))) return rejected('WrongAudience');

  const { namespace, serviceaccount, pod } = claims['kubernetes.io'];
  const saProblem = await stillBound(
    options.lookup,
    { kind: 'ServiceAccount', namespace, name: serviceaccount.name },
    serviceaccount.uid,
    now,
  );
  if (saProblem) return saProblem;
  if (pod) {
    const podProblem = await stillBound(options.lookup, { kind: 'Pod', namespace, name: pod.name }, pod.uid, now);
    if (podProblem) return podProblem;
  }
  return { status: 'authenticated', user: userOf(claims) };
}

/** How the server verifies ServiceAccount tokens. */
export interface ServiceAccountTokenAuthenticatorOptions {
  /** The trusted public keys (the current signing key's and those of keys being rotated out). */
  publicKeys: VerificationKey | readonly VerificationKey[];
  audiences: readonly string[];
  issuers?: readonly string[];
  lookup: ServiceAccountLookup;
  /** The clock, milliseconds since the epoch. */
  clock: () => number;
  leewaySeconds?: number;
}

/** A token authenticator for ServiceAccount tokens (keys are parsed once, here; bad keys throw). */
export function serviceAccountTokenAuthenticator(options: ServiceAccountTokenAuthenticatorOptions): TokenAuthenticator {
  const keys = (Array.isArray(options.publicKeys) ? options.publicKeys : [options.publicKeys]).map(
    (k: VerificationKey) => publicKey(k).key,
  );
  if (keys.length === 0) throw new TypeError('serviceAccountTokenAuthenticator needs at least one public key');
  return (token) =>
    verifyServiceAccountToken(keys, token, {
      audiences: options.audiences,
      now: options.clock(),
      lookup: options.lookup,
      ...(options.issuers === undefined ? {} : { issuers: options.issuers }),
      ...(options.leewaySeconds === undefined ? {} : { leewaySeconds: options.leewaySeconds }),
    });
}
