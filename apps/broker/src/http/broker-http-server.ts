// The broker's one HTTP server: `/mcp` for clients (through the router), and the
// operational routes `/status`, `/healthz`, `/readyz`, `/metrics` on the same port.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-gateway/telemetry';

export interface BrokerHttpRoutes {
  mcp(req: IncomingMessage, res: ServerResponse): Promise<void>;
  status(): unknown;
  ready(): boolean;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface BrokerHttpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly routes: BrokerHttpRoutes;
  readonly logger: Logger;
}

export class BrokerHttpServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: BrokerHttpServerOptions): Promise<BrokerHttpServer> {
    const { routes, logger } = options;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?', 1)[0];
      const route = async (): Promise<void> => {
        switch (path) {
          case '/mcp':
            return routes.mcp(req, res);
          case '/status':
            return sendJson(res, 200, routes.status());
          case '/healthz':
            return sendJson(res, 200, { status: 'ok' });
          case '/readyz':
            return routes.ready() ? sendJson(res, 200, { status: 'ready' }) : sendJson(res, 503, { status: 'not ready' });
          case '/metrics': {
            const { contentType, body } = await routes.metrics();
            res.writeHead(200, { 'content-type': contentType });
            res.end(body);
            return;
          }
          default:
            return sendJson(res, 404, { error: 'not found' });
        }
      };
      route().catch((error: unknown) => {
        logger.error({ error: error instanceof Error ? error.message : String(error), path }, 'unexpected error in HTTP handler');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    // SSE streams are long-lived; the default request timeout must not cut them.
    server.requestTimeout = 0;
    // Routers reuse keep-alive sockets; closing idle ones later than a typical client agent
    // does avoids the race where a router writes on a socket the broker just closed.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : options.port);
      });
    });
    return new BrokerHttpServer(server, port);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
