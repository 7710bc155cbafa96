import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './create-logger';

// The operational HTTP server every gateway process runs beside its main listener:
//   /healthz  liveness: 200 while the process can answer at all (a kubelet restarts it otherwise)
//   /readyz   readiness: 200 or 503 from the service's own readiness callback
//   /metrics  Prometheus text exposition from the process registry
// It binds loopback unless told otherwise, and it must never expose anything secret: it
// serves no configuration and no session data.

export type OpsRouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface OpsServerOptions {
  /** Default `127.0.0.1`. Use `0.0.0.0` in a pod so the kubelet and Prometheus reach it. */
  host?: string;
  /** 0 picks a free port (see the returned `port`). */
  port: number;
  /** Is the service ready to take traffic? Throwing or timing out counts as not ready. */
  readiness: () => boolean | Promise<boolean>;
  /** Served on `/metrics`; without it `/metrics` answers 404. */
  registry?: Registry;
  logger: Logger;
  /** More exact-path routes (e.g. `/status`). They may not replace the built-in ones. */
  extraRoutes?: Record<string, OpsRouteHandler>;
  /** A readiness callback slower than this answers 503. Default 2000 ms. */
  readinessTimeoutMs?: number;
}

export interface OpsServer {
  readonly port: number;
  /** Stops listening and closes open connections (keep-alive ones included). */
  close(): Promise<void>;
}

const BUILT_IN_ROUTES = ['/healthz', '/readyz', '/metrics'];
const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

function sendJson(res: ServerResponse, status: number, body: unknown, headOnly: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(headOnly ? undefined : text);
}

async function isReady(readiness: OpsServerOptions['readiness'], timeoutMs: number, logger: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(readiness), timeout]);
  } catch (error) {
    // Debug, not warn: probes arrive every few seconds and the cause is logged elsewhere.
    logger.debug({ err: error }, 'readiness check failed');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { logger, registry } = options;
  const extraRoutes = new Map(Object.entries(options.extraRoutes ?? {}));
  for (const path of extraRoutes.keys()) {
    if (BUILT_IN_ROUTES.includes(path)) throw new Error(`ops server: extra route ${path} would replace a built-in route`);
  }
  const readinessTimeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const extra = extraRoutes.get(path);
    if (extra !== undefined) {
      await extra(req, res);
      return;
    }
    const headOnly = req.method === 'HEAD';
    if (!BUILT_IN_ROUTES.includes(path) || (path === '/metrics' && registry === undefined)) {
      sendJson(res, 404, { error: 'not found' }, headOnly);
      return;
    }
    if (req.method !== 'GET' && !headOnly) {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: 'method not allowed' }, false);
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' }, headOnly);
    } else if (path === '/readyz') {
      const ready = await isReady(options.readiness, readinessTimeoutMs, logger);
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' }, headOnly);
    } else if (registry !== undefined) {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(headOnly ? undefined : text);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, path: req.url }, 'ops server route failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' }, false);
      else res.destroy();
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host, port }, 'ops server listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
