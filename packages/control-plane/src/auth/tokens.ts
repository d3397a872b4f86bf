/**
 * The shared shape of bearer-token authentication: what a token authenticator answers, the
 * closed table of reasons a presented token is refused, and parsing of the `Authorization`
 * header. Each token kind (static file, bootstrap, ServiceAccount JWT) lives in its own file
 * and returns a {@link TokenVerdict}; `authenticator.ts` chains them.
 */
import type { UserInfo } from './user.js';

/**
 * Why a presented credential was refused. Every code answers 401 on the API; the message
 * never contains the token or any part of it.
 */
export const TOKEN_ERROR_CODES = {
  /** The `Authorization` header is present but is not `Bearer <token>`. */
  MalformedHeader: 'the Authorization header is not "Bearer <token>"',
  /** No authenticator recognised the token. */
  UnknownToken: 'the bearer token is not valid',
  /** The token has the shape of a known kind but is not well formed (JWT parts, JSON, claims). */
  MalformedToken: 'the bearer token is malformed',
  /** The signature does not verify with any trusted key, or the algorithm is not allowed. */
  InvalidSignature: 'the bearer token signature is invalid',
  /** The token is past its expiry (or the bootstrap token Secret's expiration). */
  Expired: 'the bearer token has expired',
  /** The token is not valid yet (`nbf` or `iat` in the future). */
  NotYetValid: 'the bearer token is not valid yet',
  /** The token was issued for other audiences. */
  WrongAudience: 'the bearer token is not meant for this server (audience)',
  /** The object the token is bound to is gone, being deleted, or was recreated (uid differs). */
  Revoked: 'the bearer token has been revoked',
  /** The token's backing record exists but may not be used for authentication. */
  NotPermitted: 'the bearer token may not be used for authentication',
  /** The server could not check the token (the lookup of its backing object failed). */
  LookupFailed: 'the bearer token could not be checked',
} as const;

/** A reason a credential was refused (a key of {@link TOKEN_ERROR_CODES}). */
export type TokenErrorCode = keyof typeof TOKEN_ERROR_CODES;

/**
 * What a token authenticator says about one token:
 * - `authenticated`: the token is valid and names `user`;
 * - `unrecognized`: the token is not of this authenticator's kind (the next one may try);
 * - `rejected`: the token is of this kind but is invalid (expired, tampered, revoked ...).
 */
export type TokenVerdict =
  | { readonly status: 'authenticated'; readonly user: UserInfo }
  | { readonly status: 'unrecognized' }
  | { readonly status: 'rejected'; readonly code: TokenErrorCode; readonly message: string };

/** A token authenticator: looks at one bearer token and gives its verdict. Never throws for bad input. */
export type TokenAuthenticator = (token: string) => Promise<TokenVerdict>;

/** The verdict `unrecognized` (a constant, to avoid allocating one per call). */
export const UNRECOGNIZED: TokenVerdict = Object.freeze({ status: 'unrecognized' });

/** A `rejected` verdict with the code's standard message, or a more precise one (never token material). */
export function rejected(code: TokenErrorCode, message?: string): TokenVerdict {
  return { status: 'rejected', code, message: message ?? TOKEN_ERROR_CODES[code] };
}

/**
 * The result of reading the `Authorization` header:
 * - `absent`: no header;
 * - `bearer`: a `Bearer` scheme with a non-empty token;
 * - `malformed`: a header that is present but is not a usable bearer token (empty, `Bearer`
 *   without a token, another scheme such as `Basic`). Bosun refuses these with 401 rather than
 *   treating the request as anonymous, so a misconfigured client never silently loses its identity.
 */
export type AuthorizationHeader =
  | { readonly status: 'absent' }
  | { readonly status: 'bearer'; readonly token: string }
  | { readonly status: 'malformed'; readonly message: string };

/** A bearer token is one run of visible ASCII characters (a superset of RFC 6750's `b64token`). */
export const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

/** Parses an `Authorization` header value (as Node gives it: a string, or undefined when absent). */
export function parseAuthorizationHeader(value: string | readonly string[] | undefined): AuthorizationHeader {
  if (value === undefined) return { status: 'absent' };
  if (typeof value !== 'string') {
    return { status: 'malformed', message: 'more than one Authorization header' };
  }
  const trimmed = value.trim();
  if (trimmed === '') return { status: 'malformed', message: 'the Authorization header is empty' };
  const space = trimmed.search(/\s/);
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    return { status: 'malformed', message: 'unsupported Authorization scheme (only Bearer is accepted)' };
  }
  const token = space < 0 ? '' : trimmed.slice(space).trim();
  if (token === '') return { status: 'malformed', message: 'the Bearer token is empty' };
  if (!TOKEN_CHARACTERS.test(token))
    return { status: 'malformed', message: 'the Bearer token contains invalid characters' };
  return { status: 'bearer', token };
}
