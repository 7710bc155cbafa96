// Headers the router sets on every request it lets through Envoy, so that Gateway policies
// that run after the ext_proc filter (authorization, rate limits) can act per method, per
// server and per tool without reading the body:
//   x-mcp-method      the JSON-RPC method (`tools/call`, `tools/list`, …)
//   x-mcp-servername  the upstream server a routed request goes to
//   x-mcp-toolname    the tool's name as that server knows it (`tools/call` only)
// A client cannot set them itself: the router removes whatever the client sent under these
// names in the headers phase, before any policy sees the request.

import { isRequest, McpMethod, parseJsonRpc, routedTarget } from '@mcp-gateway/jsonrpc';
import type { BrokerForward, UpstreamForward } from '../routing/route-decision';

export const POLICY_HEADER_NAMES = Object.freeze({
  method: 'x-mcp-method',
  serverName: 'x-mcp-servername',
  toolName: 'x-mcp-toolname',
});

/** Set (to `router`) on a request Envoy must send to the router's own HTTP face instead of an
 * upstream: calls across protocol eras, which the router bridges itself. */
export const ROUTER_FACE_HEADER = 'x-mcp-route';
export const ROUTER_FACE_VALUE = 'router';

/** Headers only the router may set; whatever a client sends under these names is removed. */
export const POLICY_HEADERS: readonly string[] = Object.freeze([...Object.values(POLICY_HEADER_NAMES), ROUTER_FACE_HEADER]);

/**
 * The policy headers of a request the core decided on. `body` is what goes on: the core's
 * decision for a routed call (the upstream's names), the client's bytes otherwise. The
 * decision does not carry the method, so the envelope is read once more here — a small,
 * already validated body (a few microseconds, next to a gRPC round trip).
 */
export function policyHeaders(decision: BrokerForward | UpstreamForward, body: string | Buffer): Record<string, string | undefined> {
  const parsed = parseJsonRpc(body);
  const message = parsed.ok && parsed.kind === 'single' ? parsed.message : undefined;
  const method = message && 'method' in message ? message.method : undefined;
  if (decision.kind === 'broker') return { [POLICY_HEADER_NAMES.method]: method };
  const target = method === McpMethod.ToolsCall && message && isRequest(message) ? routedTarget(message) : undefined;
  return {
    [POLICY_HEADER_NAMES.method]: method,
    [POLICY_HEADER_NAMES.serverName]: decision.serverName,
    [POLICY_HEADER_NAMES.toolName]: target?.value,
  };
}
