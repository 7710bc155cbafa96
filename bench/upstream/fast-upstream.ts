// A zero-latency MCP server for benchmarks: hand-written on node:http so that it is never
// the bottleneck (an SDK-built server tops out near 1,000 calls/s on our machines). It
// speaks the session era of the streamable HTTP transport (MCP 2025-11-25,
// basic/transports) and nothing more: `initialize` issues an `Mcp-Session-Id`; later
// requests must carry it (400 without, 404 for an unknown one); notifications and responses
// get 202; `ping`, `tools/list`, `tools/call`; DELETE ends a session; GET answers 405 (the
// spec lets a server offer no SSE stream). Every answer is JSON with Content-Length.
// It must never do work per request that could be done once at start (the tool list is
// serialized once), and it serves any path ending in `/mcp`, so one process can stand in
// for many upstream servers.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildToolCatalog } from './fast-upstream-tools';
import type { FastTool } from './fast-upstream-tools';

export interface FastUpstreamOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Tools each endpoint lists (default 10). */
  readonly toolCount?: number;
  /** Oldest sessions are forgotten beyond this many (default 500,000). */
  readonly maxSessions?: number;
}

export interface FastUpstream {
  readonly port: number;
  /** URL of an MCP endpoint on this server (`path` must end in `/mcp`). */
  url(path?: string): string;
  sessionCount(): number;
  close(): Promise<void>;
}

const SUPPORTED_VERSIONS = new Set(['2025-11-25', '2025-06-18', '2025-03-26']);
const LATEST_VERSION = '2025-11-25';
const JSON_HEADERS = { 'content-type': 'application/json' } as const;

interface JsonRpcEnvelope {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

export async function startFastUpstream(options: FastUpstreamOptions = {}): Promise<FastUpstream> {
  const host = options.host ?? '127.0.0.1';
  const maxSessions = options.maxSessions ?? 500_000;
  const tools = buildToolCatalog(options.toolCount ?? 10);
  const toolsByName = new Map<string, FastTool>(tools.map((tool) => [tool.name, tool]));
  const toolsListResult = JSON.stringify({
    tools: tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
  });
  const sessions = new Set<string>();

  const send = (res: http.ServerResponse, status: number, body: string, headers?: Record<string, string>): void => {
    res.writeHead(status, { ...JSON_HEADERS, ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const result = (id: unknown, resultJson: string): string => `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJson}}`;
  const error = (id: unknown, code: number, message: string): string =>
    JSON.stringify({ jsonrpc: '2.0', id: id ?? null, error: { code, message } });

  const initialize = (res: http.ServerResponse, message: JsonRpcEnvelope): void => {
    const params = (message.params ?? {}) as { protocolVersion?: unknown };
    const requested = typeof params.protocolVersion === 'string' ? params.protocolVersion : LATEST_VERSION;
    const sessionId = randomUUID();
    sessions.add(sessionId);
    if (sessions.size > maxSessions) {
      const oldest = sessions.values().next().value;
      if (oldest !== undefined) sessions.delete(oldest);
    }
    const answer = {
      protocolVersion: SUPPORTED_VERSIONS.has(requested) ? requested : LATEST_VERSION,
      capabilities: { tools: { listChanged: false } },
      serverInfo: { name: 'bench-fast-upstream', version: '1.0.0' },
    };
    send(res, 200, result(message.id, JSON.stringify(answer)), { 'mcp-session-id': sessionId });
  };

  const callTool = (message: JsonRpcEnvelope): string => {
    const params = (message.params ?? {}) as { name?: unknown; arguments?: unknown };
    const tool = typeof params.name === 'string' ? toolsByName.get(params.name) : undefined;
    if (!tool) return error(message.id, -32602, `Unknown tool: ${String(params.name)}`);
    const args = typeof params.arguments === 'object' && params.arguments !== null ? (params.arguments as Record<string, unknown>) : {};
    return result(message.id, `{"content":[{"type":"text","text":${JSON.stringify(tool.run(args))}}]}`);
  };

  const handlePost = (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    let message: JsonRpcEnvelope;
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        send(res, 400, error(null, -32600, 'Invalid Request: a single JSON-RPC message is expected'));
        return;
      }
      message = parsed as JsonRpcEnvelope;
    } catch {
      send(res, 400, error(null, -32700, 'Parse error'));
      return;
    }
    const isRequest = message.id !== undefined && typeof message.method === 'string';
    if (isRequest && message.method === 'initialize') {
      initialize(res, message);
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId !== 'string') {
      send(res, 400, error(message.id, -32600, 'Bad Request: Mcp-Session-Id header is required'));
      return;
    }
    if (!sessions.has(sessionId)) {
      send(res, 404, error(message.id, -32001, 'Session not found'));
      return;
    }
    if (!isRequest) {
      // Notifications and responses: accepted, no body (basic/transports, "Sending Messages").
      res.writeHead(202, { 'content-length': 0 });
      res.end();
      return;
    }
    switch (message.method) {
      case 'tools/call':
        send(res, 200, callTool(message));
        return;
      case 'tools/list':
        send(res, 200, result(message.id, toolsListResult));
        return;
      case 'ping':
        send(res, 200, result(message.id, '{}'));
        return;
      default:
        send(res, 200, error(message.id, -32601, `Method not found: ${String(message.method)}`));
    }
  };

  const handleDelete = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId !== 'string') send(res, 400, error(null, -32600, 'Bad Request: Mcp-Session-Id header is required'));
    else if (!sessions.delete(sessionId)) send(res, 404, error(null, -32001, 'Session not found'));
    else send(res, 200, '{}');
  };

  const server = http.createServer((req, res) => {
    const path = req.url ?? '';
    if (!path.endsWith('/mcp')) {
      send(res, 404, error(null, -32600, 'Not found'));
      return;
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handlePost(req, res, chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString()));
    } else if (req.method === 'DELETE') {
      req.resume();
      handleDelete(req, res);
    } else {
      req.resume();
      send(res, 405, error(null, -32600, 'Method not allowed'), { allow: 'POST, DELETE' });
    }
  });
  // Proxies and gateways keep pooled connections idle between benchmark phases: do not
  // close them under their feet after Node's default 5 s.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: (path = '/mcp') => `http://${host}:${port}${path}`,
    sessionCount: () => sessions.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
