// Maps a request that an upstream server sends to a client (elicitation, sampling, roots,
// ping) to a gateway request id, and back. The gateway id is what the client sees: unique
// within its gateway session, unguessable, and never the upstream's id or name in clear.
// Lookups are scoped to the gateway session so one client can never answer another's
// request. In-memory and Redis implementations share one contract suite.

import type { JsonRpcId } from '@mcp-gateway/jsonrpc';

export interface ServerRequestOrigin {
  /** Upstream server name, as in the gateway config. */
  readonly serverName: string;
  /** The upstream session on which the request arrived (undefined for stateless upstreams). */
  readonly upstreamSessionId: string | undefined;
  /** The id the upstream gave the request, restored when the client answers. */
  readonly upstreamRequestId: JsonRpcId;
  /** The client request (gateway id space) during which the upstream asked, if any; lets
   * the gateway drop every mapping of a call that ends or is cancelled. */
  readonly relatedGatewayRequestId?: JsonRpcId;
}

/** Every method rejects with SessionStoreUnavailableError (from @mcp-gateway/session-store)
 * when the backing store cannot answer, and map() with RangeError for a TTL that is not a
 * positive number of milliseconds. */
export interface ServerRequestIdMapper {
  /** Records the origin and returns a fresh gateway request id: a string of 128 random
   * bits (base64url), unrelated to the upstream's id or name. The mapping is forgotten
   * after `ttlMs` if nobody answers. */
  map(gatewaySessionId: string, origin: ServerRequestOrigin, ttlMs: number): Promise<string>;
  /** Looks up and removes the mapping: an id can be answered once. Undefined when the id
   * is unknown, expired, already answered, or belongs to another gateway session. */
  take(gatewaySessionId: string, gatewayRequestId: JsonRpcId): Promise<ServerRequestOrigin | undefined>;
  /** Looks up without removing (for progress/cancel bookkeeping). */
  peek(gatewaySessionId: string, gatewayRequestId: JsonRpcId): Promise<ServerRequestOrigin | undefined>;
  /** Removes every mapping created during the client request `relatedGatewayRequestId`. */
  dropForRequest(gatewaySessionId: string, relatedGatewayRequestId: JsonRpcId): Promise<void>;
  /** Removes every mapping of a gateway session (on DELETE). */
  dropSession(gatewaySessionId: string): Promise<void>;
  close(): Promise<void>;
}
