// Every JSON-RPC error code the gateway sends or recognises, in one place.
//
// Standard codes: JSON-RPC 2.0 §5.1. MCP codes: MCP specification 2025-11-25 and 2026-07-28
// (resource not found, URL elicitation required; header mismatch, missing client capability and
// unsupported protocol version are 2026-07-28 additions).
//
// Gateway codes live in the JSON-RPC "implementation-defined server error" range
// -32000..-32099 and avoid every code MCP has claimed there (-32002, -32020, -32021, -32022,
// -32042):
//   -32001  SessionNotFound      the Mcp-Session-Id is unknown, forged, expired or deleted. The
//                                MCP SDK's streamable-HTTP servers answer a stale session with
//                                404 + -32001, so clients already recognise this pairing.
//   -32090  UpstreamUnavailable  the upstream MCP server that owns the target cannot be reached.
//   -32091  RequestTimeout       the upstream did not answer within the configured timeout.
//   -32092  StoreUnavailable     the shared session store (Redis) cannot be reached.
// The gateway's own codes sit at the far end of the range, away from where MCP allocates.
// Keep this list, the table in gateway-error.ts and libs/jsonrpc/README.md in step.
export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,

  // MCP-specific
  ResourceNotFound: -32002,
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
  UrlElicitationRequired: -32042,

  // Gateway-specific (see the header comment for why these values)
  SessionNotFound: -32001,
  UpstreamUnavailable: -32090,
  RequestTimeout: -32091,
  StoreUnavailable: -32092,
} as const;

export type JsonRpcErrorCodeName = keyof typeof JsonRpcErrorCode;
export type KnownJsonRpcErrorCode = (typeof JsonRpcErrorCode)[JsonRpcErrorCodeName];
