// The gRPC RoutingTableService every router watches: on Watch it sends the current
// snapshot at once (or, before the first one exists, as soon as it is published), then one
// snapshot per catalog change, until the router goes away.
// Routers keep the whole table in memory, so the broker is never on the request path.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@mcp-gateway/telemetry';
import { loadRoutingTableServiceDefinition } from './routing-proto';
import type { RoutingTableSnapshotMessage } from './routing-table-snapshot';

export interface RoutingTableWatcher {
  readonly routerId: string;
  readonly peer: string;
  readonly since: string;
}

export interface RoutingTableServiceOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  /** Sent to watchers at once. Without it, watchers wait for the first publish() (a broker
   * that is still connecting to its upstreams must not hand routers a partial table). */
  readonly initialSnapshot?: RoutingTableSnapshotMessage;
  readonly protoPath?: string;
  /** How long close() waits for streams to end before cutting them. */
  readonly shutdownGraceMs?: number;
}

type WatchCall = grpc.ServerWritableStream<{ router_id?: string }, RoutingTableSnapshotMessage>;

export class RoutingTableService {
  private readonly watchers = new Map<WatchCall, RoutingTableWatcher>();
  private snapshot: RoutingTableSnapshotMessage | undefined;
  private boundPort = 0;

  private constructor(
    private readonly server: grpc.Server,
    private readonly logger: Logger,
    initialSnapshot: RoutingTableSnapshotMessage | undefined,
    private readonly shutdownGraceMs: number,
  ) {
    this.snapshot = initialSnapshot;
  }

  static async start(options: RoutingTableServiceOptions): Promise<RoutingTableService> {
    const definition = loadRoutingTableServiceDefinition(options.protoPath);
    const server = new grpc.Server();
    const service = new RoutingTableService(server, options.logger, options.initialSnapshot, options.shutdownGraceMs ?? 1_000);
    server.addService(definition, {
      Watch: (call: WatchCall) => service.watch(call),
    });
    service.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
        error ? reject(error) : resolve(boundPort),
      );
    });
    return service;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Sends `snapshot` to every watcher and keeps it for the next ones. */
  publish(snapshot: RoutingTableSnapshotMessage): void {
    this.snapshot = snapshot;
    for (const call of this.watchers.keys()) this.send(call, snapshot);
  }

  currentWatchers(): RoutingTableWatcher[] {
    return [...this.watchers.values()];
  }

  async close(): Promise<void> {
    for (const call of this.watchers.keys()) call.end();
    this.watchers.clear();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, this.shutdownGraceMs);
      force.unref();
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private watch(call: WatchCall): void {
    const routerId = typeof call.request.router_id === 'string' && call.request.router_id !== '' ? call.request.router_id : '(anonymous)';
    const watcher: RoutingTableWatcher = { routerId, peer: call.getPeer(), since: new Date().toISOString() };
    this.watchers.set(call, watcher);
    this.logger.info({ routerId, peer: watcher.peer }, 'router watching the routing table');
    const forget = () => {
      if (this.watchers.delete(call)) this.logger.info({ routerId }, 'router stopped watching');
    };
    call.on('cancelled', forget);
    call.on('close', forget);
    call.on('error', forget);
    if (this.snapshot) this.send(call, this.snapshot);
  }

  private send(call: WatchCall, snapshot: RoutingTableSnapshotMessage): void {
    if (call.cancelled || call.destroyed) return;
    try {
      call.write(snapshot);
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'cannot send routing snapshot; dropping watcher');
      this.watchers.delete(call);
    }
  }
}
