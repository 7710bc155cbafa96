// Finds the JSON-RPC response in a small, fully read answer to one request, whether the
// server chose a JSON body or an SSE stream (MCP 2025-11-25 "Transports: Sending Messages
// to the Server" lets it pick). Used for `initialize` answers only, never on the hot path.

import { isResponse, parseJsonRpc, SseParser } from '@mcp-gateway/jsonrpc';
import type { JsonRpcId, JsonRpcResponse } from '@mcp-gateway/jsonrpc';

export function findJsonRpcAnswer(body: Buffer, contentType: string, requestId?: JsonRpcId): JsonRpcResponse | undefined {
  const matches = (candidate: unknown): candidate is JsonRpcResponse => {
    const parsed = candidate as Parameters<typeof isResponse>[0];
    return isResponse(parsed) && (requestId === undefined || parsed.id === requestId);
  };
  if (contentType.includes('text/event-stream')) {
    const parser = new SseParser();
    for (const event of [...parser.push(body), ...parser.end()]) {
      const parsed = parseJsonRpc(event.data);
      if (parsed.ok && parsed.kind === 'single' && matches(parsed.message)) return parsed.message;
    }
    return undefined;
  }
  const parsed = parseJsonRpc(body);
  return parsed.ok && parsed.kind === 'single' && matches(parsed.message) ? parsed.message : undefined;
}
