// The catalog as the routing contract carries it (mcpgateway.v1.RoutingTableSnapshot, field
// names as in the .proto since the loader keeps case). Only names, URLs and states: no
// credential ever goes over this contract.
import type { CatalogSnapshot } from '../catalog/catalog';

export interface RoutingTableSnapshotMessage {
  readonly version: string;
  readonly servers: ReadonlyArray<{ name: string; url: string; prefix: string; state: string; protocol_version: string }>;
  readonly tools: ReadonlyArray<{ gateway_name: string; server: string; upstream_name: string }>;
  readonly prompts: ReadonlyArray<{ gateway_name: string; server: string; upstream_name: string }>;
  readonly resources: ReadonlyArray<{ gateway_uri: string; server: string; upstream_uri: string }>;
  readonly resource_templates: ReadonlyArray<{ gateway_uri_template: string; server: string; upstream_uri_template: string }>;
}

export function toRoutingTableSnapshot(snapshot: CatalogSnapshot): RoutingTableSnapshotMessage {
  return {
    version: String(snapshot.version),
    servers: snapshot.servers.map((server) => ({
      name: server.name,
      url: server.url,
      prefix: server.prefix,
      state: server.state,
      protocol_version: server.protocolVersion,
    })),
    tools: snapshot.tools.map((entry) => ({ gateway_name: entry.gatewayKey, server: entry.server, upstream_name: entry.upstreamKey })),
    prompts: snapshot.prompts.map((entry) => ({ gateway_name: entry.gatewayKey, server: entry.server, upstream_name: entry.upstreamKey })),
    resources: snapshot.resources.map((entry) => ({ gateway_uri: entry.gatewayKey, server: entry.server, upstream_uri: entry.upstreamKey })),
    resource_templates: snapshot.resourceTemplates.map((entry) => ({
      gateway_uri_template: entry.gatewayKey,
      server: entry.server,
      upstream_uri_template: entry.upstreamKey,
    })),
  };
}
