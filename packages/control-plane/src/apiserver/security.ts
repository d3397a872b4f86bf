/**
 * The API server's door: who a request comes from (client certificates, bearer tokens, or
 * nobody) and whether they may do what they ask (the node authorizer, then RBAC), built over
 * the server's watch caches and store. Anonymous requests reach only the health and version
 * endpoints; everything else needs credentials and a permission.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createAuthenticator, isPublicPath } from '../auth/authenticator.js';
import type { AuthResult } from '../auth/authenticator.js';
import { bootstrapTokenAuthenticator } from '../auth/bootstrap-tokens.js';
import type { BootstrapTokenSecret } from '../auth/bootstrap-tokens.js';
import { issueServiceAccountToken, serviceAccountTokenAuthenticator } from '../auth/serviceaccount-tokens.js';
import { staticTokenAuthenticator } from '../auth/static-tokens.js';
import type { StaticTokenTable } from '../auth/static-tokens.js';
import { ALL_UNAUTHENTICATED_GROUP, ANONYMOUS_USER } from '../auth/user.js';
import type { UserInfo } from '../auth/user.js';
import { authenticateClientCertificate } from '../auth/x509.js';
import { AuthorizerChain } from '../authz/chain.js';
import { NodeAuthorizer } from '../authz/node.js';
import { RbacAuthorizer } from '../authz/rbac.js';
import type { RbacSource } from '../authz/rbac.js';
import type { Authorizer, ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../authz/types.js';
import type { KubeObject } from './api/types.js';
import type { ResourceDefinition } from './registry/definition.js';
import type { Registry } from './registry/registry.js';
import type { ObjectStore } from './storage/object-store.js';
import type { WatchCache } from './watchcache/cache.js';

/** The audience ServiceAccount tokens are issued for and checked against. */
export const SERVICE_ACCOUNT_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** What a secure server is given. */
export interface SecurityOptions {
  /** Serving certificate and key, and the CA whose client certificates identify users (PEM). */
  readonly tls: { readonly cert: string; readonly key: string; readonly clientCa: string };
  /** The public keys ServiceAccount tokens are verified with (PEM). */
  readonly serviceAccountPublicKeys?: readonly string[];
  /** The private key ServiceAccount tokens are signed with (PEM), for the TokenRequest API. */
  readonly serviceAccountSigningKey?: string;
  /** `--token-auth-file`, parsed. */
  readonly staticTokens?: StaticTokenTable;
}

/** Authentication and authorization of requests. */
export interface Gate {
  /** The user of a request; throws nothing, answers what the handler should do. */
  authenticate(req: IncomingMessage): Promise<AuthResult>;
  readonly authorizer: Authorizer;
  /** The RBAC authorizer alone (escalation checks read the user's rules from it). */
  readonly rbac: RbacAuthorizer;
  isPublicPath(path: string): boolean;
}

/** Issues ServiceAccount tokens for the TokenRequest API (default lifetime 1 h, at most 48 h, at least 10 min). */
export function tokenIssuer(
  signingKey: string,
  now: () => number,
): (
  serviceAccount: KubeObject,
  spec: {
    audiences?: string[];
    expirationSeconds?: number;
    boundObjectRef?: { kind?: string; name?: string; uid?: string };
  },
) => {
  token: string;
  expirationTimestamp: string;
} {
  return (serviceAccount, spec) => {
    const seconds = Math.min(48 * 3600, Math.max(600, spec.expirationSeconds ?? 3600));
    const issuedAt = now();
    const bound = spec.boundObjectRef;
    const token = issueServiceAccountToken(signingKey, {
      issuer: SERVICE_ACCOUNT_AUDIENCE,
      audiences:
        spec.audiences !== undefined && spec.audiences.length > 0 ? spec.audiences : [SERVICE_ACCOUNT_AUDIENCE],
      namespace: serviceAccount.metadata.namespace ?? '',
      serviceAccount: { name: serviceAccount.metadata.name ?? '', uid: serviceAccount.metadata.uid ?? '' },
      ...(bound?.kind === 'Pod' && bound.name !== undefined && bound.uid !== undefined
        ? { pod: { name: bound.name, uid: bound.uid } }
        : {}),
      now: issuedAt,
      expirationSeconds: seconds,
    });
    return {
      token,
      expirationTimestamp: new Date(Math.floor(issuedAt / 1000) * 1000 + seconds * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
    };
  };
}

/** The anonymous user (public paths only). */
export const ANONYMOUS: UserInfo = { name: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED_GROUP] };

/** RBAC objects as the watch caches have them. */
class CacheRbacSource implements RbacSource {
  constructor(
    private readonly caches: {
      roles: WatchCache;
      clusterRoles: WatchCache;
      roleBindings: WatchCache;
      clusterRoleBindings: WatchCache;
    },
  ) {}

  private all<T>(cache: WatchCache, namespace?: string): T[] {
    return cache.list({ ...(namespace === undefined ? {} : { namespace }), matches: () => true })
      .items as unknown as T[];
  }

  roles(namespace: string): readonly Role[] {
    return this.all<Role>(this.caches.roles, namespace);
  }
  role(namespace: string, name: string): Role | undefined {
    return this.caches.roles.get(namespace, name) as Role | undefined;
  }
  clusterRoles(): readonly ClusterRole[] {
    return this.all<ClusterRole>(this.caches.clusterRoles);
  }
  clusterRole(name: string): ClusterRole | undefined {
    return this.caches.clusterRoles.get(undefined, name) as ClusterRole | undefined;
  }
  roleBindings(namespace: string): readonly RoleBinding[] {
    return this.all<RoleBinding>(this.caches.roleBindings, namespace);
  }
  clusterRoleBindings(): readonly ClusterRoleBinding[] {
    return this.all<ClusterRoleBinding>(this.caches.clusterRoleBindings);
  }
}

/** Builds the gate over the server's caches and store. */
export function buildGate(deps: {
  readonly options: SecurityOptions;
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly cacheFor: (def: ResourceDefinition) => WatchCache;
  readonly now: () => number;
}): Gate {
  const { registry, store, cacheFor, now, options } = deps;
  const def = (key: string) => {
    const d = registry.kind(key);
    if (d === undefined) throw new Error(`security: kind ${key} is not served`);
    return d;
  };
  const rbacGroup = 'rbac.authorization.k8s.io';
  const rbac = new RbacAuthorizer(
    new CacheRbacSource({
      roles: cacheFor(def(`Role.${rbacGroup}`)),
      clusterRoles: cacheFor(def(`ClusterRole.${rbacGroup}`)),
      roleBindings: cacheFor(def(`RoleBinding.${rbacGroup}`)),
      clusterRoleBindings: cacheFor(def(`ClusterRoleBinding.${rbacGroup}`)),
    }),
  );
  const pods = cacheFor(def('Pod'));
  const node = new NodeAuthorizer({
    podsOnNode: (nodeName) =>
      pods.list({
        matches: (p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === nodeName,
        index: { field: 'spec.nodeName', value: nodeName },
      }).items,
  });
  const secrets = def('Secret');
  const lookupObject = async (ref: { kind: 'ServiceAccount' | 'Pod'; namespace: string; name: string }) =>
    (await store.get(def(ref.kind), ref.namespace, ref.name))?.metadata;
  const authenticate = createAuthenticator({
    x509: (socket: Socket) => ('encrypted' in socket ? authenticateClientCertificate(socket as TLSSocket) : undefined),
    ...(options.staticTokens === undefined ? {} : { staticTokens: staticTokenAuthenticator(options.staticTokens) }),
    bootstrap: bootstrapTokenAuthenticator({
      lookupSecret: async (namespace, name) =>
        (await store.get(secrets, namespace, name)) as (KubeObject & BootstrapTokenSecret) | undefined,
      clock: now,
    }),
    ...((options.serviceAccountPublicKeys ?? []).length === 0
      ? {}
      : {
          serviceAccounts: serviceAccountTokenAuthenticator({
            publicKeys: [...(options.serviceAccountPublicKeys ?? [])],
            audiences: [SERVICE_ACCOUNT_AUDIENCE],
            lookup: lookupObject,
            clock: now,
          }),
        }),
  });
  return { authenticate, authorizer: new AuthorizerChain([node, rbac]), rbac, isPublicPath };
}
