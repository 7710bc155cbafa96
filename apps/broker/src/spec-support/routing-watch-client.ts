// A real gRPC client of RoutingTableService.Watch for specs: collects every snapshot the
// broker streams. Test-only.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ROUTING_PROTO_LOADER_OPTIONS, findRoutingProto } from '../routing/routing-proto';

export interface ReceivedSnapshot {
  version: string;
  servers: Array<{ name: string; url: string; prefix: string; state: string; protocol_version: string }>;
  tools: Array<{ gateway_name: string; server: string; upstream_name: string }>;
  prompts: Array<{ gateway_name: string; server: string; upstream_name: string }>;
  resources: Array<{ gateway_uri: string; server: string; upstream_uri: string }>;
  resource_templates: Array<{ gateway_uri_template: string; server: string; upstream_uri_template: string }>;
}

export interface RoutingWatch {
  readonly snapshots: ReceivedSnapshot[];
  latest(): ReceivedSnapshot | undefined;
  close(): void;
}

export function watchRoutingTable(address: string, routerId = 'spec-router'): RoutingWatch {
  const definition = protoLoader.loadSync(findRoutingProto(), ROUTING_PROTO_LOADER_OPTIONS);
  const grpcObject = grpc.loadPackageDefinition(definition);
  const v1 = (grpcObject['mcpgateway'] as grpc.GrpcObject)['v1'] as grpc.GrpcObject;
  const Service = v1['RoutingTableService'] as grpc.ServiceClientConstructor;
  const client = new Service(address, grpc.credentials.createInsecure());
  const snapshots: ReceivedSnapshot[] = [];
  const call = (client as unknown as { Watch(request: { router_id: string }): grpc.ClientReadableStream<ReceivedSnapshot> }).Watch({ router_id: routerId });
  call.on('data', (snapshot: ReceivedSnapshot) => snapshots.push(snapshot));
  call.on('error', () => undefined); // cancelled on close, or the broker went away
  return {
    snapshots,
    latest: () => snapshots[snapshots.length - 1],
    close: () => {
      call.cancel();
      client.close();
    },
  };
}
