// Version negotiation for `initialize` (spec 2025-11-25 "Lifecycle / Version Negotiation"):
// if the server supports the version the client requested it MUST answer with it;
// otherwise it answers with another version it supports, which should be its latest.
import { LATEST_PROTOCOL_VERSION, SESSION_ERA_PROTOCOL_VERSIONS } from '@mcp-gateway/jsonrpc';

export function negotiateProtocolVersion(requested: string): string {
  return (SESSION_ERA_PROTOCOL_VERSIONS as readonly string[]).includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
}
