// MCP 2025-11-25 "Transports: Protocol Version Header": a request whose MCP-Protocol-Version
// header names a version the server does not support MUST be answered 400. The router
// checks it once for everything behind it (routed calls carry the upstream's own version
// onwards). A missing header is allowed: 2025-03-26 clients do not send one.

import type { IncomingHttpHeaders } from 'node:http';
import { errorResponse, JsonRpcErrorCode, SESSION_ERA_PROTOCOL_VERSIONS, STATELESS_ERA_PROTOCOL_VERSIONS } from '@mcp-gateway/jsonrpc';
import type { JsonRpcErrorResponse } from '@mcp-gateway/jsonrpc';

const SUPPORTED: ReadonlySet<string> = new Set<string>([...SESSION_ERA_PROTOCOL_VERSIONS, ...STATELESS_ERA_PROTOCOL_VERSIONS]);

/** The error body to answer with HTTP 400, or undefined when the header is acceptable. */
export function unsupportedProtocolVersion(headers: IncomingHttpHeaders): JsonRpcErrorResponse | undefined {
  const header = headers['mcp-protocol-version'];
  const version = Array.isArray(header) ? header[0] : header;
  if (version === undefined || SUPPORTED.has(version)) return undefined;
  return errorResponse(
    null,
    JsonRpcErrorCode.InvalidRequest,
    `Bad Request: Unsupported protocol version: ${version.slice(0, 40)} (supported versions: ${[...SUPPORTED].join(', ')})`,
  );
}
