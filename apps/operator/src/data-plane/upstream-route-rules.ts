// In ExtProc mode Envoy routes each request itself. Broker-bound requests stay on the /mcp
// rule (to the broker); for a routed call the router names the server in `x-mcp-servername`
// and clears the route cache, and one rule per server picks its Service by that header,
// rewriting the Host to the server's own name (MCP servers check Host against DNS
// rebinding). The router's `:path` is the server's path, which the rule matches exactly.
// Header matches need no `allow_all_routing` in the filter, so this works on every
// Envoy-based implementation. Calls across protocol eras, which the router bridges itself,
// carry `x-mcp-route: router` and go to the router's HTTP face. An HTTPRoute holds at most
// 16 rules: three are the gateway's own, so at most 13 servers are routed; the rest are
// reported.
import type { ServedServer } from '../server-registration/gateway-server-set';

export const MAX_ROUTED_SERVERS = 13;
export const ROUTER_FACE_HEADER = 'x-mcp-route';
export const SERVER_NAME_HEADER = 'x-mcp-servername';

interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export interface UpstreamRouteRules {
  readonly rules: readonly object[];
  /** Servers left out because the route was full. */
  readonly unrouted: readonly string[];
}

export function upstreamRouteRules(servers: readonly ServedServer[]): UpstreamRouteRules {
  const routed = servers.filter((server) => server.resolution.enabled);
  const rules = routed.slice(0, MAX_ROUTED_SERVERS).map((server) => {
    const { route, url } = server.resolution;
    const backend = ((route['spec'] as { rules: Array<{ backendRefs: BackendRef[] }> }).rules[0]?.backendRefs[0] ?? { name: '' }) as BackendRef;
    const target = new URL(url);
    return {
      matches: [{ path: { type: 'Exact', value: target.pathname }, headers: [{ type: 'Exact', name: SERVER_NAME_HEADER, value: server.serverName }] }],
      filters: [{ type: 'URLRewrite', urlRewrite: { hostname: target.hostname } }],
      backendRefs: [{ group: '', kind: 'Service', name: backend.name, namespace: backend.namespace ?? route.metadata.namespace ?? '', port: backend.port }],
    };
  });
  return { rules, unrouted: routed.slice(MAX_ROUTED_SERVERS).map((server) => server.serverName) };
}
