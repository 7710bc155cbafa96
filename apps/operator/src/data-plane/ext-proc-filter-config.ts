// The Envoy ext_proc filter the gateway needs in front of the router, as Envoy's own
// configuration (envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor in proto-JSON,
// the form an Istio EnvoyFilter carries), and the same settings in Envoy Gateway's words.
// The processing mode is the one the router is built for (apps/router ext-proc-face:
// GATEWAY_PROCESSING_MODE): request headers, buffered request body, response headers,
// streamed response body; mode overrides allowed so the router can skip answers it does not
// need. The message timeout leaves the router room to open an upstream session (the
// router answers within 9 s itself; Envoy's default of 200 ms would fail such requests).

/** The gRPC port of the router's ext_proc face in the cluster. */
export const ROUTER_EXT_PROC_PORT = 50052;
export const EXT_PROC_MESSAGE_TIMEOUT = '10s';
export const EXT_PROC_FILTER_NAME = 'envoy.filters.http.ext_proc';
export const EXT_PROC_CONFIG_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor';

export interface RouterAddress {
  /** `<router>.<namespace>.svc.cluster.local` */
  readonly serviceHost: string;
  readonly port: number;
}

export function extProcFilterConfig(router: RouterAddress, envoyCluster: string): Record<string, unknown> {
  return {
    '@type': EXT_PROC_CONFIG_TYPE,
    grpc_service: { envoy_grpc: { cluster_name: envoyCluster, authority: `${router.serviceHost}:${router.port}` }, timeout: EXT_PROC_MESSAGE_TIMEOUT },
    failure_mode_allow: false,
    processing_mode: {
      request_header_mode: 'SEND',
      response_header_mode: 'SEND',
      request_body_mode: 'BUFFERED',
      response_body_mode: 'STREAMED',
      request_trailer_mode: 'SKIP',
      response_trailer_mode: 'SKIP',
    },
    message_timeout: EXT_PROC_MESSAGE_TIMEOUT,
    allow_mode_override: true,
    stat_prefix: 'mcp_gateway',
  };
}

/** Istio's name for the cluster of a Service port (outbound|<port>||<host>). */
export function istioOutboundCluster(router: RouterAddress): string {
  return `outbound|${router.port}||${router.serviceHost}`;
}
