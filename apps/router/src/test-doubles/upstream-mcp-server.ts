// A real MCP SDK v2 server (McpServer + streamable HTTP, stateful) on 127.0.0.1, playing an
// upstream in router specs. It records what reaches it so a spec can assert what the
// router sent: initialize count, routed names, DELETEs, cancellations. Specs only.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/server';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';

export interface ReceivedUpstreamRequest {
  readonly httpMethod: string;
  readonly sessionId: string | undefined;
  readonly jsonRpcMethod: string | undefined;
  readonly jsonRpcId: string | number | undefined;
  /** params.name or params.uri of the message, when present. */
  readonly target: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
}

export interface UpstreamMcpServer {
  readonly name: string;
  readonly url: string;
  readonly received: ReceivedUpstreamRequest[];
  initializeCount(): number;
  /** POSTs whose connection closed before the answer was complete (the caller gave up). */
  abandonedRequests(): number;
  /** Session ids this server issued and still holds. */
  liveSessions(): string[];
  /** The server forgets every session (as after a restart): the next request gets 404. */
  forgetSessions(): Promise<void>;
  stop(): Promise<void>;
}

export interface UpstreamMcpServerOptions {
  /** Answer every POST with one JSON body instead of an SSE stream. */
  readonly jsonResponse?: boolean;
  /** How an unknown session id is refused: 404 (MCP) or 400 (some servers do). */
  readonly unknownSessionStatus?: 404 | 400;
}

export async function startUpstreamMcpServer(
  name: string,
  register: (server: McpServer) => void,
  options: UpstreamMcpServerOptions = {},
): Promise<UpstreamMcpServer> {
  const sessions = new Map<string, { transport: NodeStreamableHTTPServerTransport; server: McpServer }>();
  const received: ReceivedUpstreamRequest[] = [];
  let abandoned = 0;

  const httpServer = http.createServer((req, res) => {
    res.once('close', () => {
      if (!res.writableFinished) abandoned += 1;
    });
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown;
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
      }
      const message = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
        id?: string | number;
        method?: string;
        params?: { name?: string; uri?: string; ref?: { name?: string; uri?: string } };
      };
      const sessionId = req.headers['mcp-session-id'] as string | undefined;
      received.push({
        httpMethod: req.method ?? '',
        sessionId,
        jsonRpcMethod: message.method,
        jsonRpcId: message.id,
        target: message.params?.name ?? message.params?.uri ?? message.params?.ref?.name ?? message.params?.ref?.uri,
        headers: req.headers,
      });

      if (sessionId !== undefined) {
        const session = sessions.get(sessionId);
        if (!session) {
          if (options.unknownSessionStatus === 400) {
            res.writeHead(400, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null }));
            return;
          }
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        if (req.method === 'DELETE') sessions.delete(sessionId);
        await session.transport.handleRequest(req, res, parsed);
        return;
      }
      const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: options.jsonResponse ?? false,
        onsessioninitialized: (id: string) => {
          sessions.set(id, { transport, server });
        },
      });
      const server = new McpServer({ name, version: '1.0.0' });
      register(server);
      await server.connect(transport);
      await transport.handleRequest(req, res, parsed);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;

  const closeSessions = async (): Promise<void> => {
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.all(all.map(({ server }) => server.close().catch(() => undefined)));
  };

  return {
    name,
    url: `http://127.0.0.1:${port}/mcp`,
    received,
    initializeCount: () => received.filter((r) => r.jsonRpcMethod === 'initialize').length,
    abandonedRequests: () => abandoned,
    liveSessions: () => [...sessions.keys()],
    forgetSessions: closeSessions,
    stop: async () => {
      await closeSessions();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
