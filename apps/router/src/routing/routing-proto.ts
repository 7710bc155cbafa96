// Loads protos/mcpgateway/v1/routing.proto at run time (no generated code to drift). The
// path is found by walking up from this module to the repository root, so the same code
// works from apps/router/src (tsx, Jest) and from the bundle in dist/apps/router/main.js.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const ROUTING_PROTO = path.join('protos', 'mcpgateway', 'v1', 'routing.proto');

export class RoutingProtoNotFoundError extends Error {
  constructor(startDirectory: string) {
    super(`cannot find ${ROUTING_PROTO} in ${startDirectory} or any folder above it`);
    this.name = 'RoutingProtoNotFoundError';
  }
}

export function findRoutingProtoPath(startDirectory = path.dirname(fileURLToPath(import.meta.url))): string {
  let directory = startDirectory;
  for (;;) {
    const candidate = path.join(directory, ROUTING_PROTO);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new RoutingProtoNotFoundError(startDirectory);
    directory = parent;
  }
}

/** Options every user of routing.proto must share so both ends see the same shapes. */
export const ROUTING_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface RoutingTableServiceDefinition {
  /** Client constructor for `mcpgateway.v1.RoutingTableService`. */
  readonly Client: grpc.ServiceClientConstructor;
  readonly service: grpc.ServiceDefinition;
}

export function loadRoutingTableService(protoPath = findRoutingProtoPath()): RoutingTableServiceDefinition {
  const definition = protoLoader.loadSync(protoPath, ROUTING_PROTO_LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition);
  const mcpgateway = loaded['mcpgateway'] as grpc.GrpcObject;
  const v1 = mcpgateway['v1'] as grpc.GrpcObject;
  const Client = v1['RoutingTableService'] as grpc.ServiceClientConstructor;
  return { Client, service: Client.service };
}
