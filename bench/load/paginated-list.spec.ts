import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listToolCatalog } from '../processes/mcp-probe';
import { runClosedLoop } from './closed-loop-run';

// A server whose tools/list comes in three pages (cursor "2", then "3"), as the gateway's
// broker paginates its catalog.
function startPaginatedServer(): Promise<{ port: number; listRequests: () => number; close: () => Promise<void> }> {
  let listRequests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'DELETE') return void res.writeHead(200, { 'content-length': 0 }).end();
      const message = JSON.parse(Buffer.concat(chunks).toString()) as { id?: number; method: string; params?: { cursor?: string } };
      if (message.id === undefined) return void res.writeHead(202, { 'content-length': 0 }).end();
      let result: unknown = {};
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (message.method === 'initialize') {
        headers['mcp-session-id'] = 'session-1';
        result = { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'paged', version: '1' } };
      } else if (message.method === 'tools/list') {
        listRequests++;
        const page = Number(message.params?.cursor ?? '1');
        result = { tools: [{ name: `tool_${page}`, inputSchema: { type: 'object' } }], ...(page < 3 ? { nextCursor: String(page + 1) } : {}) };
      }
      const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
      res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        listRequests: () => listRequests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

describe('paginated tools/list', () => {
  let server: Awaited<ReturnType<typeof startPaginatedServer>>;
  beforeAll(async () => {
    server = await startPaginatedServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('the probe follows nextCursor to the end and counts the pages', async () => {
    expect(await listToolCatalog(`http://127.0.0.1:${server.port}/mcp`)).toEqual({ names: ['tool_1', 'tool_2', 'tool_3'], pages: 3 });
  });

  it('a whole-catalog operation sends one request per page; a first-page operation sends one', async () => {
    const job = {
      kind: 'closed-loop' as const,
      endpoint: { host: '127.0.0.1', port: server.port, path: '/mcp' },
      sessions: 1,
      warmupMs: 0,
      durationMs: 300,
      requestTimeoutMs: 2_000,
      watch: [],
    };
    // Operations during the (zero-length) warm-up and the one in flight at the window's end
    // reach the server without being counted: allow a few.
    let before = server.listRequests();
    const whole = await runClosedLoop({ ...job, operation: { method: 'tools/list', allPages: true } });
    expect(whole.errors).toBe(0);
    expect(whole.requests).toBeGreaterThan(10);
    expect(server.listRequests() - before - whole.requests * 3).toBeGreaterThanOrEqual(0);
    expect(server.listRequests() - before - whole.requests * 3).toBeLessThanOrEqual(30);

    before = server.listRequests();
    const first = await runClosedLoop({ ...job, operation: { method: 'tools/list', allPages: false } });
    expect(first.requests).toBeGreaterThan(10);
    expect(server.listRequests() - before - first.requests).toBeGreaterThanOrEqual(0);
    expect(server.listRequests() - before - first.requests).toBeLessThanOrEqual(10);
  });
});
