// Which requests reaching the broker's /mcp are of the stateless era (MCP 2026-07-28): the
// router has already checked that their MCP-Protocol-Version header, Mcp-Method/Mcp-Name
// headers and per-request `_meta` agree ("Streamable HTTP: Server Validation"), so the
// header alone decides here. They carry no Mcp-Session-Id and are answered without one.
import type { IncomingHttpHeaders } from 'node:http';
import { protocolEra } from '@mcp-gateway/jsonrpc';

export function isStatelessEraRequest(headers: IncomingHttpHeaders): boolean {
  const header = headers['mcp-protocol-version'];
  const version = Array.isArray(header) ? header[0] : header;
  return version !== undefined && protocolEra(version) === 'stateless';
}
