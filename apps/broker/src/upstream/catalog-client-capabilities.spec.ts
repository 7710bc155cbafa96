import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { Server } from '@modelcontextprotocol/server';
import type { ClientCapabilities } from '@modelcontextprotocol/server';
import { waitFor } from '@mcp-gateway/testing';
import { captureLog } from '../spec-support/captured-log';
import { UpstreamConnection } from './upstream-connection';

/** An upstream that, like server-everything, lists some tools only to capable clients and
 * asks for roots once the client is initialized. */
async function startCapabilityAwareUpstream(): Promise<{ url: string; seen: { capabilities?: ClientCapabilities; roots?: unknown }; close(): Promise<void> }> {
  const seen: { capabilities?: ClientCapabilities; roots?: unknown } = {};
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();
  const http: HttpServer = createServer((req, res) => {
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (existing) {
      void existing.handleRequest(req, res);
      return;
    }
    const server = new Server({ name: 'capability-aware', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler('tools/list', () => {
      const capabilities = server.getClientCapabilities() ?? {};
      const names = ['always'];
      if (capabilities.elicitation?.form) names.push('ask_form');
      if (capabilities.elicitation?.url) names.push('ask_url');
      if (capabilities.sampling) names.push('ask_model');
      if (capabilities.roots) names.push('show_roots');
      return { tools: names.map((name) => ({ name, inputSchema: { type: 'object' as const } })) };
    });
    server.oninitialized = () => {
      seen.capabilities = server.getClientCapabilities();
      setTimeout(() => {
        server.listRoots().then(
          (result) => (seen.roots = result),
          (error: unknown) => (seen.roots = { error: String(error) }),
        );
      }, 50);
    };
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void transports.set(id, transport),
    });
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    seen,
    close: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the catalog connection as a client', () => {
  it('declares every relayable client capability, so tools offered only to capable clients reach the catalog', async () => {
    const upstream = await startCapabilityAwareUpstream();
    cleanups.push(() => upstream.close());
    const connection = new UpstreamConnection({
      server: { name: 'aware', url: upstream.url, prefix: '', enabled: true, headers: {} },
      settings: { connectTimeoutMs: 2_000, pingIntervalMs: 60_000, listChangedDebounceMs: 50, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } },
      resolveHeaders: async () => ({}),
      clientInfo: { name: 'broker-spec', version: '0' },
      logger: captureLog().logger,
      onChange: () => undefined,
    });
    cleanups.push(() => connection.close());
    connection.start();
    const listing = await waitFor(() => (connection.currentState === 'ready' ? connection.currentListing : undefined), { what: 'upstream ready' });
    expect(listing.tools.map((tool) => tool.name)).toEqual(['always', 'ask_form', 'ask_url', 'ask_model', 'show_roots']);
    expect(upstream.seen.capabilities).toEqual({ elicitation: { form: {}, url: {} }, sampling: {}, roots: { listChanged: true } });
  });

  it('answers a roots/list on its own session with no roots', async () => {
    const upstream = await startCapabilityAwareUpstream();
    cleanups.push(() => upstream.close());
    const connection = new UpstreamConnection({
      server: { name: 'aware', url: upstream.url, prefix: '', enabled: true, headers: {} },
      settings: { connectTimeoutMs: 2_000, pingIntervalMs: 60_000, listChangedDebounceMs: 50, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } },
      resolveHeaders: async () => ({}),
      clientInfo: { name: 'broker-spec', version: '0' },
      logger: captureLog().logger,
      onChange: () => undefined,
    });
    cleanups.push(() => connection.close());
    connection.start();
    expect(await waitFor(() => upstream.seen.roots, { what: 'the upstream to get its roots answer' })).toEqual({ roots: [] });
  });
});
