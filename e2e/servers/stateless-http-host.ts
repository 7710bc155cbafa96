// Hosts stateless-era MCP servers (protocol 2026-07-28 only) over Streamable HTTP on
// 127.0.0.1: `createMcpHandler(factory, { legacy: 'reject' })` from the MCP SDK v2, so every
// request is answered by a fresh server instance from the per-request `_meta` alone, and a
// 2025-era request is refused with -32022. Host and Origin must name loopback (DNS
// rebinding protection) before anything else. Every POST is observed before the SDK sees it.
//
// It must never bind anything but loopback and never keep the process alive after close().
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostHeaderValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpServer, type ServerNotifier } from '@modelcontextprotocol/server';

/** One POST as the HTTP layer saw it, before the SDK. */
export interface ReceivedStatelessRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface StatelessHttpHostOptions {
  port?: number;
  /** Builds the server instance for one request. */
  createServer: () => McpServer;
  /**
   * Looks at a parsed POST body before the SDK does; a returned JSON-RPC error is answered
   * (HTTP 200) instead of serving the request. For checks the SDK's tool layer cannot
   * express as a JSON-RPC error (it turns a throwing tool into an `isError` result).
   */
  refuse?: (body: Record<string, unknown>) => Record<string, unknown> | undefined;
}

export interface StatelessHttpHost {
  readonly url: string;
  readonly port: number;
  /** Publishes change notifications on open `subscriptions/listen` streams. */
  readonly notify: ServerNotifier;
  /** Every POST received so far. */
  received(): ReceivedStatelessRequest[];
  close(): Promise<void>;
}

const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

export async function startStatelessHttpHost(options: StatelessHttpHostOptions): Promise<StatelessHttpHost> {
  const received: ReceivedStatelessRequest[] = [];
  const handler = createMcpHandler(() => options.createServer(), { legacy: 'reject' });
  const serve = toNodeHandler(handler);
  const hostIsAllowed = hostHeaderValidation(LOOPBACK_HOSTNAMES);
  const originIsAllowed = originValidation(LOOPBACK_HOSTNAMES);

  const http: HttpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!hostIsAllowed(req, res) || !originIsAllowed(req, res)) return;
    if (req.method !== 'POST') {
      void serve(req, res);
      return;
    }
    // Observe the bytes, then hand the same body to the SDK as a parsed value.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      if (typeof body === 'object' && body !== null) {
        received.push({ headers: { ...req.headers }, body: body as Record<string, unknown> });
        const refusal = options.refuse?.(body as Record<string, unknown>);
        if (refusal !== undefined) {
          const text = JSON.stringify(refusal);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
          return;
        }
      }
      void serve(req, res, body);
    });
  });
  http.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/mcp`,
    notify: handler.notify,
    received: () => [...received],
    close: async () => {
      await handler.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
