// A stand-in for an MCP server of a protocol revision newer than any the gateway speaks:
// it answers `server/discover` with `supportedVersions` naming only that revision, and
// every other request — an `initialize` included — with UnsupportedProtocolVersionError
// (-32022, HTTP 400) listing it (MCP 2026-07-28 "Versioning"). The SDK cannot build such a
// server (it speaks only revisions it knows), so this one is written by hand; it is the
// upstream of the "unknown future version" suite.
//
// It must never bind anything but loopback and never keep the process alive after close().
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMainModule, runServerCli, type ListeningServer } from './server-cli';

export const STATELESS_FUTURE_SERVER_NAME = 'stateless-future-server';
export const FUTURE_PROTOCOL_VERSION = '2099-01-01';

export interface StatelessFutureServerOptions {
  port?: number;
  /** What it claims to speak (default only 2099-01-01). */
  supportedVersions?: readonly string[];
}

export interface StatelessFutureServer extends ListeningServer {
  /** Methods of the JSON-RPC requests received, in order. */
  receivedMethods(): string[];
}

export async function startStatelessFutureServer(options: StatelessFutureServerOptions = {}): Promise<StatelessFutureServer> {
  const supported = [...(options.supportedVersions ?? [FUTURE_PROTOCOL_VERSION])];
  const methods: string[] = [];
  const http: HttpServer = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let message: { id?: unknown; method?: unknown } = {};
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof message;
      } catch {
        // answered below as a request without id
      }
      const method = typeof message.method === 'string' ? message.method : '';
      methods.push(method);
      const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : null;
      if (id === null) {
        res.writeHead(202).end();
        return;
      }
      if (method === 'server/discover') {
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id,
          result: {
            resultType: 'complete',
            supportedVersions: supported,
            capabilities: { tools: {} },
            ttlMs: 0,
            cacheScope: 'public',
            _meta: { 'io.modelcontextprotocol/serverInfo': { name: STATELESS_FUTURE_SERVER_NAME, version: '99.0.0' } },
          },
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        return;
      }
      const requested = String(req.headers['mcp-protocol-version'] ?? '');
      const body = JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32022, message: 'Unsupported protocol version', data: { supported, requested } } });
      res.writeHead(400, { 'content-type': 'application/json' }).end(body);
    });
  });
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
    receivedMethods: () => [...methods],
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

if (isMainModule(import.meta.url)) {
  void runServerCli(STATELESS_FUTURE_SERVER_NAME, ({ port }) => startStatelessFutureServer({ port }));
}
