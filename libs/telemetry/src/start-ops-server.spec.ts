import { describe, it, expect, afterEach } from '@jest/globals';
import { Counter } from 'prom-client';
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry, startOpsServer } from './index';
import type { OpsServer } from './index';

const silent = createLogger({
  service: 'test',
  destination: new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  }),
});

describe('startOpsServer', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const get = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${server?.port}${path}`, init);

  it('answers /healthz with 200 {"status":"ok"} on loopback', async () => {
    server = await startOpsServer({ port: 0, readiness: () => false, logger: silent });
    const response = await get('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz from the readiness callback, following it as it flips', async () => {
    let ready = false;
    server = await startOpsServer({ port: 0, readiness: async () => ready, logger: silent });
    let response = await get('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not ready' });
    ready = true;
    response = await get('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
    ready = false;
    expect((await get('/readyz')).status).toBe(503);
  });

  it('treats a throwing or hanging readiness callback as not ready', async () => {
    server = await startOpsServer({
      port: 0,
      readiness: () => {
        throw new Error('store down');
      },
      logger: silent,
    });
    expect((await get('/readyz')).status).toBe(503);
    await server.close();
    server = await startOpsServer({ port: 0, readiness: () => new Promise<boolean>(() => undefined), readinessTimeoutMs: 50, logger: silent });
    expect((await get('/readyz')).status).toBe(503);
  });

  it('serves Prometheus text with process metrics and the service label under mcp_gateway_', async () => {
    const registry = createMetricsRegistry('mcp-router');
    new Counter({ name: 'mcp_gateway_routed_requests_total', help: 'Routed requests', registers: [registry] }).inc(3);
    server = await startOpsServer({ port: 0, readiness: () => true, registry, logger: silent });
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('mcp_gateway_routed_requests_total{service="mcp-router"} 3');
    expect(text).toMatch(/^mcp_gateway_process_cpu_user_seconds_total\{service="mcp-router"\} /m);
    expect(text).toMatch(/^mcp_gateway_nodejs_heap_size_used_bytes\{service="mcp-router"\} /m);
  });

  it('answers 404 for unknown paths and for /metrics without a registry, 405 for other methods', async () => {
    server = await startOpsServer({ port: 0, readiness: () => true, logger: silent });
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics')).status).toBe(404);
    const post = await get('/healthz', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves extra routes, refuses ones that would replace a built-in, and answers 500 when one fails', async () => {
    server = await startOpsServer({
      port: 0,
      readiness: () => true,
      logger: silent,
      extraRoutes: {
        '/status': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"servers":[]}');
        },
        '/broken': async () => {
          throw new Error('boom');
        },
      },
    });
    expect(await (await get('/status?verbose=1')).json()).toEqual({ servers: [] });
    const broken = await get('/broken');
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ error: 'internal error' });
    await expect(startOpsServer({ port: 0, readiness: () => true, logger: silent, extraRoutes: { '/healthz': () => undefined } })).rejects.toThrow(
      'ops server: extra route /healthz would replace a built-in route',
    );
  });

  it('close() stops listening even with a keep-alive connection open', async () => {
    server = await startOpsServer({ port: 0, readiness: () => true, logger: silent });
    const { port } = server;
    expect((await get('/healthz', { headers: { connection: 'keep-alive' } })).status).toBe(200);
    await server.close();
    server = undefined;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
