/**
 * The request authenticator: finds who sent a request from its client certificate or its
 * `Authorization: Bearer` token, in Kubernetes' order, and says which paths anonymous requests
 * may reach. It decides; the API server turns an error into 401 and an anonymous request on a
 * non-public path into 401 too.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { parseAuthorizationHeader } from './tokens.js';
import type { TokenAuthenticator, TokenErrorCode, TokenVerdict } from './tokens.js';
import { ALL_AUTHENTICATED_GROUP } from './user.js';
import type { UserInfo } from './user.js';

/**
 * What authentication found:
 * - `{ user }`: an authenticated user (its groups always include `system:authenticated`);
 * - `{ anonymous: true }`: no credentials at all (allowed only on {@link isPublicPath} paths);
 * - `{ error, code }`: credentials were presented but are invalid: answer 401, never treat as anonymous.
 *   `error` is safe to log: it never contains the token.
 */
export type AuthResult =
  | { readonly user: UserInfo }
  | { readonly anonymous: true }
  | { readonly error: string; readonly code: TokenErrorCode };

/** The authenticators to chain; each is optional. */
export interface AuthenticatorParts {
  /** The user of a verified client certificate on the connection, or undefined (no or untrusted certificate). */
  x509?: (socket: Socket) => UserInfo | undefined;
  /** Tokens from `--token-auth-file` (see `staticTokenAuthenticator`). */
  staticTokens?: TokenAuthenticator;
  /** Bootstrap (join) tokens (see `bootstrapTokenAuthenticator`). */
  bootstrap?: TokenAuthenticator;
  /** ServiceAccount JWTs (see `serviceAccountTokenAuthenticator`). */
  serviceAccounts?: TokenAuthenticator;
}

/** A request authenticator, as {@link createAuthenticator} builds it. */
export type RequestAuthenticator = (req: IncomingMessage) => Promise<AuthResult>;

/** The user with `system:authenticated` among its groups (added once). */
function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(ALL_AUTHENTICATED_GROUP)
    ? user
    : { ...user, groups: [...user.groups, ALL_AUTHENTICATED_GROUP] };
}

/**
 * Builds the request authenticator. Order and precedence:
 * 1. a client certificate the `x509` part accepts wins (any `Authorization` header is then ignored);
 * 2. otherwise an `Authorization` header must be `Bearer <token>` (anything else is an error),
 *    and the token is tried against the static tokens, then bootstrap tokens, then
 *    ServiceAccount tokens; the first that authenticates it wins. If none does, the result is an
 *    error (the first rejection's reason, or "not valid" when nobody recognised the token);
 * 3. with neither, the request is anonymous.
 */
export function createAuthenticator(parts: AuthenticatorParts): RequestAuthenticator {
  const chain: TokenAuthenticator[] = [parts.staticTokens, parts.bootstrap, parts.serviceAccounts].filter(
    (a): a is TokenAuthenticator => a !== undefined,
  );
  return async (req) => {
    const certificateUser = parts.x509?.(req.socket);
    if (certificateUser) return { user: withAuthenticatedGroup(certificateUser) };

    const header = parseAuthorizationHeader(req.headers.authorization);
    switch (header.status) {
      case 'absent':
        return { anonymous: true };
      case 'malformed':
        return { error: header.message, code: 'MalformedHeader' };
      case 'bearer':
        break;
    }
    let firstRejection: Extract<TokenVerdict, { status: 'rejected' }> | undefined;
    for (const authenticate of chain) {
      const verdict = await authenticate(header.token);
      switch (verdict.status) {
        case 'authenticated':
          return { user: withAuthenticatedGroup(verdict.user) };
        case 'rejected':
          firstRejection ??= verdict;
          break;
        case 'unrecognized':
          break;
      }
    }
    return firstRejection
      ? { error: firstRejection.message, code: firstRejection.code }
      : { error: 'the bearer token is not valid', code: 'UnknownToken' };
  };
}

/** Paths served to anonymous requests (and their sub-paths, e.g. `/livez/ping`). */
export const PUBLIC_PATHS: readonly string[] = ['/healthz', '/livez', '/readyz', '/version'];

/** One safe path segment: no `.`/`..`, no percent-encoding, no empty segment. */
const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * Whether anonymous requests may reach `path` (a request URL path; a query string is ignored):
 * `/healthz`, `/livez`, `/readyz`, `/version`, with an optional trailing slash, and their
 * sub-paths. Paths with `..`, `.`, empty or percent-encoded segments are never public, so
 * `/healthz/../api/v1/secrets` cannot slip through a router that normalises paths.
 */
export function isPublicPath(path: string): boolean {
  const query = path.search(/[?#]/);
  const bare = query < 0 ? path : path.slice(0, query);
  const root = PUBLIC_PATHS.find((p) => bare === p || bare.startsWith(`${p}/`));
  if (root === undefined) return false;
  const rest = bare.slice(root.length);
  if (rest === '' || rest === '/') return true;
  const segments = rest.slice(1).split('/');
  if (segments[segments.length - 1] === '') segments.pop(); // one trailing slash
  return segments.every((s) => SAFE_SEGMENT.test(s));
}
