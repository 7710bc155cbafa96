// Test double of the broker's gRPC side: a real grpc-js server on 127.0.0.1 speaking the
// real routing.proto, serving RoutingTableService.Watch snapshots the test controls.
// Specs only.

import * as grpc from '@grpc/grpc-js';
import { loadRoutingTableService } from '../routing/routing-proto';

export interface SnapshotInput {
  version: number;
  servers?: Array<{ name: string; url: string; prefix?: string; state?: string; protocolVersion?: string }>;
  tools?: Array<{ gatewayName: string; server: string; upstreamName: string }>;
  prompts?: Array<{ gatewayName: string; server: string; upstreamName: string }>;
  resources?: Array<{ gatewayUri: string; server: string; upstreamUri: string }>;
  resourceTemplates?: Array<{ gatewayUriTemplate: string; server: string; upstreamUriTemplate: string }>;
}

function toWire(snapshot: SnapshotInput): Record<string, unknown> {
  return {
    version: String(snapshot.version),
    servers: (snapshot.servers ?? []).map((s) => ({
      name: s.name,
      url: s.url,
      prefix: s.prefix ?? '',
      state: s.state ?? 'ready',
      protocolVersion: s.protocolVersion ?? '2025-11-25',
    })),
    tools: snapshot.tools ?? [],
    prompts: snapshot.prompts ?? [],
    resources: snapshot.resources ?? [],
    resourceTemplates: snapshot.resourceTemplates ?? [],
  };
}

export class RoutingTableServiceDouble {
  private server: grpc.Server | undefined;
  private readonly streams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  private snapshot: SnapshotInput | undefined;
  /** router_id of every Watch call received, in order. */
  readonly watchers: string[] = [];
  port = 0;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(initial?: SnapshotInput, port = 0): Promise<RoutingTableServiceDouble> {
    const double = new RoutingTableServiceDouble();
    double.snapshot = initial;
    await double.listen(port);
    return double;
  }

  private async listen(port: number): Promise<void> {
    const server = new grpc.Server();
    server.addService(loadRoutingTableService().service, {
      watch: (call: grpc.ServerWritableStream<{ routerId: string }, unknown>) => {
        this.watchers.push(call.request.routerId);
        this.streams.add(call);
        call.on('cancelled', () => this.streams.delete(call));
        call.on('close', () => this.streams.delete(call));
        if (this.snapshot) call.write(toWire(this.snapshot));
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.server = server;
  }

  /** Sends a snapshot to every open Watch stream and to every later one. */
  publish(snapshot: SnapshotInput): void {
    this.snapshot = snapshot;
    const wire = toWire(snapshot);
    for (const stream of this.streams) stream.write(wire);
  }

  openStreams(): number {
    return this.streams.size;
  }

  /** The broker goes away: every stream breaks, nothing listens on the port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const stream of this.streams) stream.destroy(new Error('broker stopping'));
    this.streams.clear();
    if (server) server.forceShutdown();
  }

  /** The broker comes back on the same port (a restarted broker starts at a low version). */
  async restart(snapshot?: SnapshotInput): Promise<void> {
    if (snapshot) this.snapshot = snapshot;
    await this.listen(this.port);
  }
}
