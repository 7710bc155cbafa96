// Loads Envoy's `envoy.service.ext_proc.v3.ExternalProcessor` service at run time from the
// API snapshot that ships inside @grpc/grpc-js-xds (its `deps/` folder: envoy-api, xds,
// googleapis, protoc-gen-validate — INFRA.md "Kubernetes, Envoy, packaging"). Nothing is
// copied into this repository and nothing is generated, so there is nothing to drift.
// Loaded only when the ext_proc face is enabled (about 100 ms).

import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const EXTERNAL_PROCESSOR_PROTO = 'envoy/service/ext_proc/v3/external_processor.proto';
export const EXTERNAL_PROCESSOR_SERVICE = 'envoy.service.ext_proc.v3.ExternalProcessor';

/** The shapes ext-proc-messages.ts describes come from exactly these options. */
export const EXT_PROC_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

const INCLUDE_FOLDERS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'] as const;

export class ExtProcProtoNotFoundError extends Error {
  constructor(cause: unknown) {
    super('cannot load the Envoy ext_proc protos: is @grpc/grpc-js-xds installed (npm dependency of the router)?', { cause });
    this.name = 'ExtProcProtoNotFoundError';
  }
}

/** The folders proto-loader must search, inside the installed @grpc/grpc-js-xds. */
export function extProcIncludeDirs(): string[] {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('@grpc/grpc-js-xds/package.json');
  } catch (error) {
    throw new ExtProcProtoNotFoundError(error);
  }
  const deps = path.join(path.dirname(packageJson), 'deps');
  return INCLUDE_FOLDERS.map((folder) => path.join(deps, folder));
}

export interface ExternalProcessorServiceDefinition {
  readonly service: grpc.ServiceDefinition;
  readonly Client: grpc.ServiceClientConstructor;
}

export async function loadExternalProcessorService(): Promise<ExternalProcessorServiceDefinition> {
  let definition: protoLoader.PackageDefinition;
  try {
    // A literal import of the package, so that the bundle's import scan (the image's pruned
    // dependencies, scripts/delivery/runtime-folder.ts) keeps it: the protos are its files.
    await import('@grpc/grpc-js-xds/package.json', { with: { type: 'json' } });
    definition = protoLoader.loadSync(EXTERNAL_PROCESSOR_PROTO, { ...EXT_PROC_PROTO_LOADER_OPTIONS, includeDirs: extProcIncludeDirs() });
  } catch (error) {
    if (error instanceof ExtProcProtoNotFoundError) throw error;
    throw new ExtProcProtoNotFoundError(error);
  }
  const Client = grpc.makeGenericClientConstructor(
    definition[EXTERNAL_PROCESSOR_SERVICE] as grpc.ServiceDefinition,
    'ExternalProcessor',
  );
  return { service: Client.service, Client };
}
