// The ext_proc wire as the Envoy emulator speaks it: Envoy's own
// `envoy.service.ext_proc.v3.ExternalProcessor` proto from @grpc/grpc-js-xds (deps/), loaded
// here independently of the router's loader — the emulator plays Envoy and must not share
// the router's view of the protocol — plus the message shapes proto-loader decodes with
// keepCase/longs String/enums String/defaults/oneofs.

import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface WireHeaderValue {
  key: string;
  value: string;
  raw_value: Buffer;
}

export interface WireHeaderValueOption {
  header: WireHeaderValue | null;
  append: { value: boolean } | null;
  append_action: string;
  keep_empty_value: boolean;
}

export interface WireHeaderMutation {
  set_headers: WireHeaderValueOption[];
  remove_headers: string[];
}

export interface WireCommonResponse {
  status: 'CONTINUE' | 'CONTINUE_AND_REPLACE';
  header_mutation: WireHeaderMutation | null;
  body_mutation: { mutation: 'body' | 'clear_body'; body?: Buffer; clear_body?: boolean } | null;
  clear_route_cache: boolean;
}

export interface WireImmediateResponse {
  status: { code: string } | null;
  headers: WireHeaderMutation | null;
  body: Buffer;
  details: string;
}

export interface WireProcessingMode {
  request_header_mode: string;
  response_header_mode: string;
  request_body_mode: string;
  response_body_mode: string;
  request_trailer_mode: string;
  response_trailer_mode: string;
}

/** A ProcessingResponse as decoded: `response` names the member that is set. */
export interface WireProcessingResponse {
  response: 'request_headers' | 'response_headers' | 'request_body' | 'response_body' | 'request_trailers' | 'response_trailers' | 'immediate_response' | undefined;
  request_headers: { response: WireCommonResponse | null } | null;
  response_headers: { response: WireCommonResponse | null } | null;
  request_body: { response: WireCommonResponse | null } | null;
  response_body: { response: WireCommonResponse | null } | null;
  immediate_response: WireImmediateResponse | null;
  mode_override: WireProcessingMode | null;
}

export type WirePhase = 'request_headers' | 'request_body' | 'response_headers' | 'response_body';

/** A ProcessingRequest to send: one phase member set. */
export type WireProcessingRequest =
  | { request_headers: { headers: { headers: Array<{ key: string; raw_value: Buffer }> }; end_of_stream: boolean } }
  | { response_headers: { headers: { headers: Array<{ key: string; raw_value: Buffer }> }; end_of_stream: boolean } }
  | { request_body: { body: Buffer; end_of_stream: boolean } }
  | { response_body: { body: Buffer; end_of_stream: boolean } };

const HTTP_STATUS_NAMES: Record<string, number> = {};

let loaded: { Client: grpc.ServiceClientConstructor; root: protoLoader.PackageDefinition } | undefined;

function load(): { Client: grpc.ServiceClientConstructor; root: protoLoader.PackageDefinition } {
  if (loaded) return loaded;
  const deps = path.join(path.dirname(createRequire(import.meta.url).resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  const root = protoLoader.loadSync('envoy/service/ext_proc/v3/external_processor.proto', {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((folder) => path.join(deps, folder)),
  });
  const Client = grpc.makeGenericClientConstructor(root['envoy.service.ext_proc.v3.ExternalProcessor'] as grpc.ServiceDefinition, 'ExternalProcessor');
  const statusEnum = root['envoy.type.v3.StatusCode'] as { type?: { value?: Array<{ name: string; number: number }> } } | undefined;
  for (const entry of statusEnum?.type?.value ?? []) HTTP_STATUS_NAMES[entry.name] = entry.number;
  loaded = { Client, root };
  return loaded;
}

export function externalProcessorClient(address: string): grpc.Client & { Process(): grpc.ClientDuplexStream<WireProcessingRequest, WireProcessingResponse> } {
  const { Client } = load();
  return new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    Process(): grpc.ClientDuplexStream<WireProcessingRequest, WireProcessingResponse>;
  };
}

/** The numeric HTTP status of an envoy.type.v3.StatusCode name (as proto-loader decodes it). */
export function httpStatusOf(code: string): number | undefined {
  load();
  const byName = HTTP_STATUS_NAMES[code];
  if (byName !== undefined) return byName;
  const numeric = Number(code);
  return Number.isInteger(numeric) ? numeric : undefined;
}

/** The service definition, for specs that play the processor against the emulator. */
export function externalProcessorService(): grpc.ServiceDefinition {
  return load().Client.service;
}
