// The routing table as it travels from the broker (protos/mcpgateway/v1/routing.proto),
// in the shape @grpc/proto-loader gives it (camelCase fields, uint64 as a decimal string).
// Only the broker writes these; the router trusts a snapshot's shape once
// `readRoutingTableSnapshot` has checked it at the gRPC edge.

export interface UpstreamServerEntry {
  readonly name: string;
  readonly url: string;
  readonly prefix: string;
  /** "ready", "connecting", "failed", "disabled". */
  readonly state: string;
  readonly protocolVersion: string;
}

export interface NamedRouteEntry {
  /** The name clients see (prefix + upstream name). */
  readonly gatewayName: string;
  readonly server: string;
  readonly upstreamName: string;
}

export interface ResourceRouteEntry {
  readonly gatewayUri: string;
  readonly server: string;
  readonly upstreamUri: string;
}

export interface ResourceTemplateRouteEntry {
  readonly gatewayUriTemplate: string;
  readonly server: string;
  readonly upstreamUriTemplate: string;
}

export interface RoutingTableSnapshot {
  /** Increases with every change the broker publishes (uint64, so kept as bigint). */
  readonly version: bigint;
  readonly servers: readonly UpstreamServerEntry[];
  readonly tools: readonly NamedRouteEntry[];
  readonly prompts: readonly NamedRouteEntry[];
  readonly resources: readonly ResourceRouteEntry[];
  readonly resourceTemplates: readonly ResourceTemplateRouteEntry[];
}
