/**
 * `createClient()`: a {@link Client} from the kubeconfig (the way kubectl reads it) or from
 * explicit options, with a typed accessor per resource.
 */
import type {
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  Deployment,
  Endpoints,
  Event,
  Lease,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Role,
  RoleBinding,
  Secret,
  Service,
  ServiceAccount,
} from './kinds.js';
import { loadKubeconfig } from './kubeconfig.js';
import { ResourceClient } from './resource-client.js';
import { RESOURCES } from './resources.js';
import type { ResourceDescriptor } from './resources.js';
import { ApiStatusError } from './errors.js';
import { Transport } from './transport.js';
import type { TransportOptions } from './transport.js';
import type { KubeObject } from './types.js';

/** How to build a client: explicit options win over the kubeconfig's. */
export interface ClientOptions extends Partial<TransportOptions> {
  /** A kubeconfig file (like `--kubeconfig`); default KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string;
  /** The kubeconfig context (like `--context`). */
  context?: string;
  /** The default namespace (else the context's, else "default"). */
  namespace?: string;
  /** For kubeconfig lookup (tests). */
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** The server's version (`/version`). */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  [field: string]: unknown;
}

/** What the server serves (`/api` and `/apis`). */
export interface Discovery {
  /** The core group's versions (`/api`). */
  core: { versions: string[] };
  /** The named groups (`/apis`). */
  groups: {
    name: string;
    versions: { groupVersion: string; version: string }[];
    preferredVersion?: { groupVersion: string; version: string };
  }[];
}

/** A connected client: typed resource clients over one transport. */
export class Client {
  constructor(
    /** The transport every request goes through. */
    readonly transport: Transport,
    /** The default namespace (the context's). */
    readonly namespace: string,
  ) {}

  /** A client for any resource; `namespace` defaults to the client's for namespaced resources; pass `null` for all namespaces. */
  resource<T extends KubeObject>(descriptor: ResourceDescriptor, namespace?: string | null): ResourceClient<T> {
    const ns = descriptor.namespaced ? (namespace === null ? undefined : (namespace ?? this.namespace)) : undefined;
    return new ResourceClient<T>(this.transport, descriptor, ns);
  }

  /** Pods in `namespace` (default: the client's; `null`: all namespaces). */
  pods(namespace?: string | null): ResourceClient<Pod> {
    return this.resource<Pod>(RESOURCES.pods, namespace);
  }
  /** Services in `namespace`. */
  services(namespace?: string | null): ResourceClient<Service> {
    return this.resource<Service>(RESOURCES.services, namespace);
  }
  /** Endpoints in `namespace`. */
  endpoints(namespace?: string | null): ResourceClient<Endpoints> {
    return this.resource<Endpoints>(RESOURCES.endpoints, namespace);
  }
  /** ConfigMaps in `namespace`. */
  configMaps(namespace?: string | null): ResourceClient<ConfigMap> {
    return this.resource<ConfigMap>(RESOURCES.configMaps, namespace);
  }
  /** Secrets in `namespace`. */
  secrets(namespace?: string | null): ResourceClient<Secret> {
    return this.resource<Secret>(RESOURCES.secrets, namespace);
  }
  /** ServiceAccounts in `namespace`. */
  serviceAccounts(namespace?: string | null): ResourceClient<ServiceAccount> {
    return this.resource<ServiceAccount>(RESOURCES.serviceAccounts, namespace);
  }
  /** Events in `namespace`. */
  events(namespace?: string | null): ResourceClient<Event> {
    return this.resource<Event>(RESOURCES.events, namespace);
  }
  /** Deployments in `namespace`. */
  deployments(namespace?: string | null): ResourceClient<Deployment> {
    return this.resource<Deployment>(RESOURCES.deployments, namespace);
  }
  /** ReplicaSets in `namespace`. */
  replicaSets(namespace?: string | null): ResourceClient<ReplicaSet> {
    return this.resource<ReplicaSet>(RESOURCES.replicaSets, namespace);
  }
  /** Leases in `namespace`. */
  leases(namespace?: string | null): ResourceClient<Lease> {
    return this.resource<Lease>(RESOURCES.leases, namespace);
  }
  /** Roles in `namespace`. */
  roles(namespace?: string | null): ResourceClient<Role> {
    return this.resource<Role>(RESOURCES.roles, namespace);
  }
  /** RoleBindings in `namespace`. */
  roleBindings(namespace?: string | null): ResourceClient<RoleBinding> {
    return this.resource<RoleBinding>(RESOURCES.roleBindings, namespace);
  }
  /** Namespaces (cluster scope). */
  namespaces(): ResourceClient<Namespace> {
    return this.resource<Namespace>(RESOURCES.namespaces);
  }
  /** Nodes (cluster scope). */
  nodes(): ResourceClient<Node> {
    return this.resource<Node>(RESOURCES.nodes);
  }
  /** ClusterRoles (cluster scope). */
  clusterRoles(): ResourceClient<ClusterRole> {
    return this.resource<ClusterRole>(RESOURCES.clusterRoles);
  }
  /** ClusterRoleBindings (cluster scope). */
  clusterRoleBindings(): ResourceClient<ClusterRoleBinding> {
    return this.resource<ClusterRoleBinding>(RESOURCES.clusterRoleBindings);
  }

  /** The server's version (`GET /version`). */
  async version(): Promise<VersionInfo> {
    return this.getJson<VersionInfo>('/version');
  }

  /** What the server serves: `GET /api` and `GET /apis`. */
  async discovery(): Promise<Discovery> {
    const [core, apis] = await Promise.all([
      this.getJson<{ versions: string[] }>('/api'),
      this.getJson<{ groups: Discovery['groups'] }>('/apis'),
    ]);
    return { core: { versions: core.versions }, groups: apis.groups };
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }

  private async getJson<R>(path: string): Promise<R> {
    const res = await this.transport.request({ method: 'GET', path });
    if (res.status >= 400) throw ApiStatusError.fromResponse(res.status, res.body);
    return JSON.parse(res.body.toString('utf8')) as R;
  }
}

/**
 * A client: with `servers` it uses the options alone; otherwise it reads the kubeconfig
 * (`kubeconfig`, else KUBECONFIG, else ~/.kube/config) and lets explicit options override it.
 */
export function createClient(options: ClientOptions = {}): Client {
  const { kubeconfig, context, namespace, env, home, ...transport } = options;
  if (
    transport.servers !== undefined &&
    transport.servers.length > 0 &&
    kubeconfig === undefined &&
    context === undefined
  ) {
    return new Client(new Transport({ ...transport, servers: transport.servers }), namespace ?? 'default');
  }
  const config = loadKubeconfig({
    ...(kubeconfig === undefined ? {} : { path: kubeconfig }),
    ...(context === undefined ? {} : { context }),
    ...(env === undefined ? {} : { env }),
    ...(home === undefined ? {} : { home }),
  });
  const fromConfig: TransportOptions = {
    servers: [config.server],
    insecureSkipTLSVerify: config.insecureSkipTLSVerify,
    ...(config.ca === undefined ? {} : { ca: config.ca }),
    ...(config.cert === undefined ? {} : { cert: config.cert }),
    ...(config.key === undefined ? {} : { key: config.key }),
    ...(config.token === undefined ? {} : { token: config.token }),
  };
  const merged: TransportOptions = { ...fromConfig, ...stripUndefined(transport) } as TransportOptions;
  if (merged.servers.length === 0) merged.servers = fromConfig.servers;
  return new Client(new Transport(merged), namespace ?? config.namespace);
}

function stripUndefined<O extends object>(o: O): Partial<O> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<O>;
}
