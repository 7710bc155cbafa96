// MCP 2025-11-25 "Transports: Protocol Version Header": a request whose MCP-Protocol-Version
// header names a version the server does not support MUST be answered 400. The router
// checks it once for everything behind it (routed calls carry the upstream's own version
// onwards). A missing header is allowed: 2025-03-26 clients do not send one.

import type { IncomingHttpHeaders } from 'node:http';
import { errorResponse, JsonRpcErrorCode, SESSION_ERA_PROTOCOL_VERSIONS, STATELESS_ERA_PROTOCOL_VERSIONS } from '@mcp-gateway/jsonrpc';
import type { JsonRpcErrorResponse, JsonRpcId } from '@mcp-gateway/jsonrpc';

const SUPPORTED: ReadonlySet<string> = new Set<string>([...STATELESS_ERA_PROTOCOL_VERSIONS, ...SESSION_ERA_PROTOCOL_VERSIONS]);

/** The error body to answer with HTTP 400, or undefined when the header is acceptable. */
export function unsupportedProtocolVersion(headers: IncomingHttpHeaders, requestId: JsonRpcId | null = null): JsonRpcErrorResponse | undefined {
  const header = headers['mcp-protocol-version'];
  const version = Array.isArray(header) ? header[0] : header;
  if (version === undefined || SUPPORTED.has(version)) return undefined;
  // MCP 2026-07-28 "Versioning": UnsupportedProtocolVersionError (-32022) naming what is
  // supported, so a modern client can pick a version and retry; any client still sees 400.
  const requested = version.slice(0, 40);
  return errorResponse(
    requestId,
    JsonRpcErrorCode.UnsupportedProtocolVersion,
    `Bad Request: Unsupported protocol version: ${requested} (supported versions: ${[...SUPPORTED].join(', ')})`,
    { supported: [...SUPPORTED], requested },
  );
}
