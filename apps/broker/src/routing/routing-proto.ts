// Loads `protos/mcpgateway/v1/routing.proto` at run time (no generated code to drift). The
// file is found by walking up from this module to the repository root, which works both
// from source (apps/broker/src/routing/) and from the bundle (dist/apps/broker/main.js).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const ROUTING_PROTO_RELATIVE_PATH = path.join('protos', 'mcpgateway', 'v1', 'routing.proto');

/** proto-loader options shared by the broker's server; the wire format does not depend on them. */
export const ROUTING_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export class RoutingProtoNotFoundError extends Error {
  readonly code = 'ROUTING_PROTO_NOT_FOUND';
  constructor(startDirectory: string) {
    super(`cannot find ${ROUTING_PROTO_RELATIVE_PATH} in ${startDirectory} or any parent directory`);
    this.name = 'RoutingProtoNotFoundError';
  }
}

export function findRoutingProto(startDirectory: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let directory = startDirectory;
  for (;;) {
    const candidate = path.join(directory, ROUTING_PROTO_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new RoutingProtoNotFoundError(startDirectory);
    directory = parent;
  }
}

/** The RoutingTableService definition, ready for `grpc.Server.addService`. */
export function loadRoutingTableServiceDefinition(protoPath: string = findRoutingProto()): grpc.ServiceDefinition {
  const packageDefinition = protoLoader.loadSync(protoPath, ROUTING_PROTO_LOADER_OPTIONS);
  const grpcObject = grpc.loadPackageDefinition(packageDefinition);
  const v1 = (grpcObject['mcpgateway'] as grpc.GrpcObject)['v1'] as grpc.GrpcObject;
  const service = v1['RoutingTableService'] as grpc.ServiceClientConstructor;
  return service.service;
}
