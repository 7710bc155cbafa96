// An in-memory Kubernetes API server over real HTTP on 127.0.0.1, for tests of code that
// talks to Kubernetes through a real client (@kubernetes/client-node, kubectl). It speaks the
// API's protocol (discovery, CRUD, list/watch with resourceVersion semantics, merge / JSON /
// strategic merge / server-side apply patches, status subresource, generation, optimistic
// concurrency, finalizers, owner-reference garbage collection, CRDs with schema validation,
// defaulting and CEL rules, RBAC) and keeps everything in memory. It must never listen on
// anything but loopback, and close() releases every socket and timer it holds.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BUILTIN_RESOURCE_TYPES, INITIAL_NAMESPACES } from './builtin-resource-types';
import { parseApiPath, type ResourcePath } from './api-path';
import { parseFieldSelector } from './field-selector';
import { GarbageCollector } from './garbage-collector';
import { KubeStatusError } from './kube-status-error';
import { writeKubeconfig, type KubeconfigOptions } from './kubeconfig';
import { parseLabelSelector } from './label-selector';
import { ObjectStore, type JsonObject } from './object-store';
import { RbacAuthorizer, SYSTEM_MASTERS, type KubeUser, type RequestAttributes } from './rbac-authorizer';
import { ResourceCatalog } from './resource-catalog';
import { ResourceHandlers, timestamp, type HandlerResult, type ResourceRequest } from './resource-handlers';
import type { ResourceType } from './resource-type';
import { toTable, wantsTable } from './table-view';
import { WatchStream } from './watch-stream';

export interface FakeKubeApiServerOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** How many changes the watch history keeps (older resourceVersions get 410). Default 1000. */
  readonly historyLimit?: number;
  /** Bearer token → user. Without it every request is an administrator (`system:masters`);
   * with it a request needs a known token and non-masters are checked against RBAC objects. */
  readonly users?: Readonly<Record<string, { readonly name: string; readonly groups?: readonly string[] }>>;
  /** With `users`: who a request without an Authorization header is (a real server's
   * anonymous auth). kubectl never sends a bearer token over plain http, so a test that runs
   * kubectl against an RBAC-enforcing fake names its identity here. Default: 401. */
  readonly anonymous?: { readonly name: string; readonly groups?: readonly string[] };
  /** Watch duration when the client names no `timeoutSeconds`. Default 1800. */
  readonly defaultWatchTimeoutSeconds?: number;
  /** Delay before the garbage collector reacts to a change. Default 5 ms. */
  readonly garbageCollectionDelayMs?: number;
}

/** One API request as the server saw it, for tests that check what a client really does. */
export interface RecordedRequest extends RequestAttributes {
  readonly user: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface RestartOptions {
  /** Forget the watch history, as a restarted server's watch cache does, so clients resuming
   * a watch from an old resourceVersion get 410 and must list again. Default true. */
  readonly compactHistory?: boolean;
  /** How long the server stays down (connections refused). Default 0. */
  readonly downtimeMs?: number;
}

const ADMIN: KubeUser = Object.freeze({ name: 'system:admin', groups: Object.freeze([SYSTEM_MASTERS, 'system:authenticated']) });
const MAX_BODY_BYTES = 3 * 1024 * 1024;

function verbOf(method: string, resource: ResourcePath, watch: boolean): string {
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return resource.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return resource.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new KubeStatusError(413, 'BadRequest', 'the request body is too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export class FakeKubeApiServer {
  private readonly store: ObjectStore;
  private readonly catalog = new ResourceCatalog(BUILTIN_RESOURCE_TYPES);
  private readonly handlers: ResourceHandlers;
  private readonly collector: GarbageCollector;
  private readonly authorizer: RbacAuthorizer;
  private readonly watches = new Set<WatchStream>();
  private readonly sockets = new Set<Socket>();
  private readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private boundPort = 0;

  private constructor(private readonly options: FakeKubeApiServerOptions) {
    this.store = new ObjectStore(options.historyLimit ?? 1000);
    this.handlers = new ResourceHandlers(this.store, this.catalog, () => this.collector);
    this.collector = new GarbageCollector(
      this.store,
      (stored) => this.handlers.deleteStored(stored, false),
      (stored, keep) => this.handlers.setOwnerReferences(stored, keep),
      options.garbageCollectionDelayMs ?? 5,
    );
    this.authorizer = new RbacAuthorizer(this.store, this.catalog);
    const namespaces = this.catalog.byKind('', 'Namespace') as ResourceType;
    for (const name of INITIAL_NAMESPACES) {
      this.store.commit('ADDED', namespaces, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, uid: randomUUID(), creationTimestamp: timestamp(), labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    }
  }

  static async start(options: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
    const server = new FakeKubeApiServer(options);
    await server.listen(options.port ?? 0);
    return server;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => {
        server.off('error', reject);
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private async shutdown(): Promise<void> {
    for (const watch of [...this.watches]) watch.close();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    server.closeAllConnections();
    await closed;
  }

  /** Simulates an API server restart: every watch and connection is cut, the port refuses
   * connections for `downtimeMs`, then the same state is served again on the same port. */
  async restart(options: RestartOptions = {}): Promise<void> {
    await this.shutdown();
    if (options.compactHistory ?? true) this.store.compact();
    if (options.downtimeMs) await new Promise((resolve) => setTimeout(resolve, options.downtimeMs));
    await this.listen(this.boundPort);
  }

  /** Drops the watch history now (clients resuming from older resourceVersions get 410). */
  compactHistory(): void {
    this.store.compact();
  }

  /** Ends every open watch stream cleanly, as a server does when a watch times out. */
  closeWatches(): void {
    for (const watch of [...this.watches]) watch.close();
  }

  /** How many watch streams are open right now. */
  openWatchCount(): number {
    return this.watches.size;
  }

  recordedRequests(): readonly RecordedRequest[] {
    return [...this.requests];
  }

  clearRecordedRequests(): void {
    this.requests.length = 0;
  }

  /** Writes a kubeconfig for this server (see `writeKubeconfig`). */
  writeKubeconfig(filePath: string, options: Omit<KubeconfigOptions, 'server'> = {}): Promise<void> {
    return writeKubeconfig(filePath, { ...options, server: this.url });
  }

  async close(): Promise<void> {
    this.collector.stop();
    await this.shutdown();
  }

  private authenticate(request: IncomingMessage): KubeUser {
    const users = this.options.users;
    if (users === undefined) return ADMIN;
    const header = request.headers.authorization ?? '';
    const anonymous = this.options.anonymous;
    if (header === '' && anonymous !== undefined) return { name: anonymous.name, groups: [...(anonymous.groups ?? []), 'system:unauthenticated'] };
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    const user = users[token];
    if (user === undefined) throw new KubeStatusError(401, 'Unauthorized', 'Unauthorized');
    return { name: user.name, groups: [...(user.groups ?? []), 'system:authenticated'] };
  }

  private send(response: ServerResponse, status: number, body: unknown, warnings: readonly string[] = []): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) };
    if (warnings.length > 0) headers['Warning'] = warnings.map((warning) => `299 - ${JSON.stringify(warning)}`);
    response.writeHead(status, headers);
    response.end(text);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    let attributes: RequestAttributes | undefined;
    let user: KubeUser = ADMIN;
    try {
      user = this.authenticate(request);
      const path = parseApiPath(url.pathname);
      const documents = (): unknown => {
        switch (path.kind) {
          case 'core-versions':
            return this.catalog.coreVersions(`127.0.0.1:${this.boundPort}`);
          case 'group-list':
            return this.catalog.groupList();
          case 'group':
            return this.catalog.group(path.group);
          case 'resource-list':
            return this.catalog.resourceList(path.group, path.version);
          default:
            if (path.kind === 'other' && url.pathname === '/version') {
              return { major: '1', minor: '33', gitVersion: 'v1.33.0-fake', platform: 'linux/amd64', goVersion: 'go1.24', compiler: 'gc' };
            }
            if (path.kind === 'other' && ['/healthz', '/readyz', '/livez'].includes(url.pathname)) return 'ok';
            return undefined;
        }
      };
      if (path.kind !== 'resource') {
        const document = method === 'GET' ? documents() : undefined;
        if (document === undefined) throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource');
        if (typeof document === 'string') {
          response.writeHead(200, { 'Content-Type': 'text/plain' });
          response.end(document);
          return;
        }
        this.send(response, 200, document);
        return;
      }
      const target = path.resource;
      const type = this.catalog.lookup(target.group, target.version, target.plural);
      if (type === undefined || (target.namespace !== undefined && !type.namespaced)) {
        throw new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource');
      }
      const watch = target.watchPath || url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
      const verb = verbOf(method, target, watch);
      attributes = {
        verb,
        group: type.group,
        resource: type.plural,
        ...(target.subresource === undefined ? {} : { subresource: target.subresource }),
        ...(target.namespace === undefined ? {} : { namespace: target.namespace }),
        ...(target.name === undefined ? {} : { name: target.name }),
      };
      if (!this.authorizer.authorize(user, attributes)) {
        throw new KubeStatusError(403, 'Forbidden', RbacAuthorizer.deniedMessage(user, attributes), { name: target.name ?? '', group: type.group, kind: type.plural });
      }
      if (verb === 'watch') {
        this.record(user, method, url.pathname, attributes, 200);
        this.openWatch(type, target, url.searchParams, response);
        return;
      }
      const rawBody = await readBody(request);
      const resourceRequest: ResourceRequest = {
        type,
        version: target.version,
        namespace: target.namespace,
        name: target.name,
        subresource: target.subresource,
        query: url.searchParams,
        contentType: request.headers['content-type'] ?? 'application/json',
        rawBody,
        userAgent: request.headers['user-agent'] ?? '',
        mayCreate: () => {
          const create: RequestAttributes = { ...(attributes as RequestAttributes), verb: 'create' };
          const allowed = this.authorizer.authorize(user, create);
          this.record(user, method, url.pathname, create, allowed ? 201 : 403);
          return allowed;
        },
      };
      const result = this.dispatch(verb, resourceRequest);
      this.record(user, method, url.pathname, attributes, result.status);
      const deprecation = type.deprecationWarning?.(target.version);
      const warnings = deprecation === undefined ? (result.warnings ?? []) : [deprecation, ...(result.warnings ?? [])];
      const body = (verb === 'list' || verb === 'get') && wantsTable(request.headers.accept) ? toTable(type, target.version, result.body) : result.body;
      this.send(response, result.status, body, warnings);
    } catch (error) {
      const status = error instanceof KubeStatusError ? error : new KubeStatusError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
      if (attributes !== undefined) this.record(user, method, url.pathname, attributes, status.code);
      if (!response.headersSent) this.send(response, status.code, status.toStatus());
      else response.end();
    }
  }

  private record(user: KubeUser, method: string, path: string, attributes: RequestAttributes, status: number): void {
    this.requests.push({ ...attributes, user: user.name, method, path, status });
  }

  private dispatch(verb: string, request: ResourceRequest): HandlerResult {
    switch (verb) {
      case 'get':
        return this.handlers.get(request);
      case 'list':
        return this.handlers.list(request);
      case 'create':
        return this.handlers.create(request);
      case 'update':
        return this.handlers.update(request);
      case 'patch':
        return this.handlers.patch(request);
      case 'delete':
        return this.handlers.delete(request);
      case 'deletecollection':
        return this.handlers.deleteCollection(request);
      default:
        throw new KubeStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  private openWatch(type: ResourceType, target: ResourcePath, query: URLSearchParams, response: ServerResponse): void {
    const timeout = Number(query.get('timeoutSeconds') ?? this.options.defaultWatchTimeoutSeconds ?? 1800);
    const fieldSelector = parseFieldSelector(query.get('fieldSelector'));
    const labelSelector = parseLabelSelector(query.get('labelSelector'));
    const stream = new WatchStream(
      this.store,
      {
        type,
        version: target.version,
        namespace: target.namespace,
        name: target.name,
        labelSelector,
        fieldSelector,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : 1800,
        present: (object: JsonObject) => this.handlers.present(type, target.version, object),
      },
      response,
      (closed) => this.watches.delete(closed),
    );
    this.watches.add(stream);
    stream.start();
  }
}
