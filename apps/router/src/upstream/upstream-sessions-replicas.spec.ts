import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import * as z from 'zod';
import { SseParser } from '@mcp-gateway/jsonrpc';
import { parseGatewayConfig } from '@mcp-gateway/config';
import { RedisSessionStore } from '@mcp-gateway/session-store';
import { startRedisServer, waitFor } from '@mcp-gateway/testing';
import type { RedisServerHandle } from '@mcp-gateway/testing';
import { pino } from 'pino';
import { startRouter } from '../start-router';
import type { RunningRouter } from '../start-router';
import { startRouterTestRig } from '../test-doubles/router-test-rig';
import type { RouterTestRig } from '../test-doubles/router-test-rig';
import { startUpstreamMcpServer } from '../test-doubles/upstream-mcp-server';
import type { UpstreamMcpServer } from '../test-doubles/upstream-mcp-server';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The JSON-RPC answer of a POST, whether the router relayed JSON or SSE. */
async function answerOf(response: Response): Promise<{ result?: { content?: Array<{ text?: string }> }; error?: { code: number; message: string } }> {
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) return JSON.parse(text);
  const parser = new SseParser();
  const events = [...parser.push(text), ...parser.end()];
  const last = events.at(-1);
  if (!last) throw new Error(`no SSE event in ${text}`);
  return JSON.parse(last.data);
}

describe('upstream sessions shared by router replicas over Redis', () => {
  let redis: RedisServerHandle;
  let upstream: UpstreamMcpServer;
  let rig: RouterTestRig;
  let second: RunningRouter;
  let secondStore: RedisSessionStore;

  beforeAll(async () => {
    redis = await startRedisServer();
    upstream = await startUpstreamMcpServer('weather', (server) =>
      server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
        content: [{ type: 'text', text: `echo:${text}` }],
      })),
    );
    const storeOptions = { keyPrefix: 'router-spec:', connectTimeoutMs: 500, commandTimeoutMs: 500 };
    rig = await startRouterTestRig({
      servers: [{ upstream, prefix: 'weather_', tools: ['echo'] }],
      store: RedisSessionStore.fromUrl(redis.url, storeOptions),
    });
    // A second replica: same broker, same routing table, same secret, same Redis.
    secondStore = RedisSessionStore.fromUrl(redis.url, storeOptions);
    second = await startRouter({
      config: parseGatewayConfig(`servers:\n  - name: weather\n    url: ${upstream.url}\n    prefix: weather_\n`, {}),
      brokerUrl: rig.broker.url,
      brokerGrpcAddress: rig.routingService.address,
      port: 0,
      sessionStore: secondStore,
      sessionIdCodec: rig.codec,
      logger: pino({ enabled: false }),
      routerId: 'replica-2',
    });
    await waitFor(() => second.ready() || undefined, { what: 'the second replica to get the routing table' });
  });

  afterAll(async () => {
    await second.close();
    await secondStore.close();
    await rig.close();
    await upstream.stop();
    await redis.stop();
  });

  it('20 racing first calls spread over two replicas open exactly one upstream session', async () => {
    const { transport } = await rig.connectClient();
    const sessionId = transport.sessionId ?? '';
    const replicas = [rig.url, `http://127.0.0.1:${second.port}/mcp`];
    const before = upstream.initializeCount();

    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(replicas[i % 2] ?? rig.url, {
          method: 'POST',
          headers: { ...MCP_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
          body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'weather_echo', arguments: { text: `r${i}` } } }),
        });
        expect(response.headers.get('mcp-session-id')).toBe(sessionId);
        return answerOf(response);
      }),
    );

    expect(answers.map((answer) => answer.result?.content?.[0]?.text)).toEqual(Array.from({ length: 20 }, (_, i) => `echo:r${i}`));
    expect(upstream.initializeCount() - before).toBe(1);
  });

  it('a session initialized through one replica is known to the other', async () => {
    const { transport } = await rig.connectClient();
    const response = await fetch(`http://127.0.0.1:${second.port}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, 'mcp-session-id': transport.sessionId ?? '' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(response.status).toBe(200);
  });

  it('answers 503 while the store is down, and routes again once it is back', async () => {
    const { transport } = await rig.connectClient();
    const call = (id: number): Promise<Response> =>
      fetch(rig.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, 'mcp-session-id': transport.sessionId ?? '' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'weather_echo', arguments: { text: 'x' } } }),
      });
    expect((await call(1)).status).toBe(200);

    await redis.kill();
    const down = await call(2);
    expect(down.status).toBe(503);
    expect(await answerOf(down)).toMatchObject({ error: { code: -32092, message: expect.stringMatching(/session store/i) } });

    // A restarted Redis is empty: the session is gone, and the client is told so (404).
    await redis.start();
    await waitFor(async () => ((await call(3)).status === 404 ? true : undefined), { what: 'the store to answer again', timeoutMs: 10_000 });
  });
});
