// The MCP protocol versions the gateway speaks, grouped by era: the session era (initialize,
// Mcp-Session-Id) and the stateless era (server/discover, per-request _meta). The gateway
// speaks both at once, per client and per upstream. Newest first within each era.
export const SESSION_ERA_PROTOCOL_VERSIONS = Object.freeze(['2025-11-25', '2025-06-18', '2025-03-26'] as const);
export const STATELESS_ERA_PROTOCOL_VERSIONS = Object.freeze(['2026-07-28'] as const);

/** The newest session-era version: what the gateway offers in `initialize`. */
export const LATEST_PROTOCOL_VERSION = '2025-11-25';
/** The newest stateless-era version. */
export const LATEST_STATELESS_PROTOCOL_VERSION = '2026-07-28';

export type SessionEraProtocolVersion = (typeof SESSION_ERA_PROTOCOL_VERSIONS)[number];
export type StatelessEraProtocolVersion = (typeof STATELESS_ERA_PROTOCOL_VERSIONS)[number];
export type ProtocolEra = 'session' | 'stateless';

/** The era of a version the gateway supports, or undefined for any other string. */
export function protocolEra(version: string): ProtocolEra | undefined {
  if ((SESSION_ERA_PROTOCOL_VERSIONS as readonly string[]).includes(version)) return 'session';
  if ((STATELESS_ERA_PROTOCOL_VERSIONS as readonly string[]).includes(version)) return 'stateless';
  return undefined;
}

/**
 * JSON-RPC batches are part of MCP only in 2025-03-26 (added there, removed in 2025-06-18):
 * callers use this to accept a batch from parseJsonRpc or refuse it with BATCH_NOT_SUPPORTED.
 */
export function allowsJsonRpcBatches(version: string): boolean {
  return version === '2025-03-26';
}
