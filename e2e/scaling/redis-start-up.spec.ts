// Issue 6, "Redis slow or unreachable at start-up: readiness reports not-ready, liveness
// stays up". A router process started against a Redis that is not there (nothing on the
// port) or hangs (SIGSTOPped) stays alive and out of the balancer, refuses MCP requests
// fast with a clear error, and becomes ready by itself once Redis answers.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { freePort, startRedisServer, waitFor, type RedisServerHandle } from '@mcp-gateway/testing';
import { startTestServer, type TestServer } from '../servers/test-server';
import { connectClient } from '../support/connect-client';
import { startScaledGateway, type Replica, type ScaledGateway } from './support/scaled-gateway';

jest.setTimeout(60_000);

const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function gatewayOn(redisUrl: string): Promise<{ gateway: ScaledGateway; router: Replica }> {
  const upstream: TestServer = await startTestServer();
  opened.push(upstream);
  const gateway = await startScaledGateway({
    redisUrl,
    routers: 1,
    brokers: 1,
    waitForRoutersReady: false,
    config: { servers: [{ name: 'test-server', url: upstream.url, prefix: 't_' }] },
  });
  opened.push({ close: () => gateway.stop() });
  const router = gateway.routers[0];
  if (!router) throw new Error('no router');
  return { gateway, router };
}

/** initialize straight to the router; its status, body and how long it took. */
async function initialize(router: Replica): Promise<{ status: number; body: string; tookMs: number }> {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${router.port}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'start-up-spec', version: '1' } },
    }),
  });
  return { status: response.status, body: await response.text(), tookMs: Date.now() - started };
}

/** Probes for `forMs`: liveness must answer 200 and readiness 503 every time. */
async function expectAliveButNotReady(router: Replica, forMs: number): Promise<void> {
  const until = Date.now() + forMs;
  do {
    expect(await router.probes()).toEqual({ healthz: 200, readyz: 503 });
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() < until);
}

async function expectServesOnceRedisAnswers(gateway: ScaledGateway, router: Replica): Promise<void> {
  await waitFor(async () => (await router.probes()).readyz === 200, { timeoutMs: 10_000, what: 'the router to become ready' });
  const client = await connectClient(gateway.url);
  try {
    const result = await client.client.callTool({ name: 't_echo', arguments: { text: 'ready now' } });
    expect((result.content as Array<{ text: string }>)[0]?.text).toBe('ready now');
  } finally {
    await client.close();
  }
}

describe('a router whose Redis is not there at start-up', () => {
  it('stays alive but not ready, refuses requests fast with 503 -32092, and becomes ready once Redis starts', async () => {
    const port = await freePort();
    const { gateway, router } = await gatewayOn(`redis://127.0.0.1:${port}`);
    await expectAliveButNotReady(router, 1_500);
    const refused = await initialize(router);
    expect(refused).toEqual({ status: 503, body: expect.stringContaining('-32092'), tookMs: expect.any(Number) });
    expect(refused.tookMs).toBeLessThan(2_500);

    const redis: RedisServerHandle = await startRedisServer({ port });
    opened.unshift({ close: () => redis.stop() });
    await expectServesOnceRedisAnswers(gateway, router);
  });
});

describe('a router whose Redis hangs at start-up', () => {
  it('stays alive but not ready, refuses requests fast with 503 -32092, and becomes ready once Redis answers', async () => {
    const redis = await startRedisServer();
    opened.push({ close: () => redis.stop() });
    await redis.pause();
    const { gateway, router } = await gatewayOn(redis.url);
    await expectAliveButNotReady(router, 1_500);
    const refused = await initialize(router);
    expect(refused).toEqual({ status: 503, body: expect.stringContaining('-32092'), tookMs: expect.any(Number) });
    expect(refused.tookMs).toBeLessThan(2_500);

    await redis.resume();
    await expectServesOnceRedisAnswers(gateway, router);
  });
});
