// Builds the exact bytes of the MCP streamable-HTTP requests the load generator sends
// (MCP 2025-11-25, basic/transports: POST with Accept of both JSON and SSE, Mcp-Session-Id
// and MCP-Protocol-Version after initialization, DELETE to end a session). Heads are
// precomputed per endpoint so a request costs one string concatenation.

export const BENCH_PROTOCOL_VERSION = '2025-11-25';

export interface McpEndpoint {
  readonly host: string;
  readonly port: number;
  /** Path of the MCP endpoint, e.g. `/mcp`. */
  readonly path: string;
}

/** What each benchmark iteration sends. */
export type McpOperation =
  | { readonly method: 'tools/call'; readonly tool: string; readonly arguments: Record<string, unknown> }
  /** `allPages`: one operation is the whole catalog, following `nextCursor`; otherwise
   * just the first page. */
  | { readonly method: 'tools/list'; readonly allPages: boolean };

export class McpRequestBuilder {
  private readonly postHead: string;
  private readonly deleteHead: string;

  constructor(endpoint: McpEndpoint) {
    const host = `Host: ${endpoint.host}:${endpoint.port}\r\n`;
    this.postHead =
      `POST ${endpoint.path} HTTP/1.1\r\n${host}` +
      'Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n';
    this.deleteHead = `DELETE ${endpoint.path} HTTP/1.1\r\n${host}`;
  }

  initialize(id: number, clientName: string): string {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'initialize',
      params: { protocolVersion: BENCH_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: clientName, version: '1.0.0' } },
    });
    return this.post(undefined, body);
  }

  initialized(sessionId: string): string {
    return this.post(sessionId, '{"jsonrpc":"2.0","method":"notifications/initialized"}');
  }

  /** The body for one operation; `argumentsJson` is pre-serialized by the caller. */
  operation(sessionId: string, id: number, operation: McpOperation, argumentsJson: string, cursor?: string): string {
    if (operation.method === 'tools/call') {
      const body = `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":${JSON.stringify(operation.tool)},"arguments":${argumentsJson}}}`;
      return this.post(sessionId, body);
    }
    const params = cursor === undefined ? '{}' : `{"cursor":${JSON.stringify(cursor)}}`;
    return this.post(sessionId, `{"jsonrpc":"2.0","id":${id},"method":"tools/list","params":${params}}`);
  }

  deleteSession(sessionId: string): string {
    return `${this.deleteHead}Mcp-Session-Id: ${sessionId}\r\nMCP-Protocol-Version: ${BENCH_PROTOCOL_VERSION}\r\nContent-Length: 0\r\n\r\n`;
  }

  private post(sessionId: string | undefined, body: string): string {
    const session =
      sessionId === undefined ? '' : `Mcp-Session-Id: ${sessionId}\r\nMCP-Protocol-Version: ${BENCH_PROTOCOL_VERSION}\r\n`;
    return `${this.postHead}${session}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }
}
